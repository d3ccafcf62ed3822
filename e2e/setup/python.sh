#!/usr/bin/env bash
# uv and ruff from PyPI in a cached virtual environment; only their commands are put on PATH,
# so projects still create their own environments from the machine's python3.
set -euo pipefail
cache="$(pwd)/e2e/.cache"
venv="$cache/pytools"
bin="$cache/pytools-bin"
if ! "$venv/bin/uv" --version >/dev/null 2>&1 || ! "$venv/bin/ruff" --version >/dev/null 2>&1; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check uv ruff >&2
fi
mkdir -p "$bin"
for tool in uv uvx ruff; do ln -sf "$venv/bin/$tool" "$bin/$tool"; done
echo "$("$bin/uv" --version), $("$bin/ruff" --version)" >&2
echo "PATH=$bin"
# Interpreters come from the machine (or PyPI), never from a download at run time.
echo "UV_PYTHON_DOWNLOADS=never"
