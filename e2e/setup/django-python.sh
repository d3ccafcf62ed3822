#!/usr/bin/env bash
# A Python 3.12 or later for the Django stack: Django 6.1 needs it, the machine's python3 is 3.11,
# and uv cannot download an interpreter here (its builds come from outside the package registries;
# PyPI carries none). So this looks for one already on the machine: python3.X on PATH, pyenv's
# versions, /usr/bin, /usr/local/bin. It installs nothing. Prints
#   PATH=e2e/.cache/django-python/bin   python3.X links, found by uv (python3 stays the machine's)
# and makes e2e/.cache/django-python/py3/python3 run the same interpreter, for the case that runs
# the pip variant of Django 6.1 (its case puts that folder first on PATH).
set -euo pipefail
cache="$(pwd)/e2e/.cache/django-python"
ok() { "$1" -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; }

candidates=()
for v in 3.14 3.13 3.12; do
  while IFS= read -r p; do candidates+=("$p"); done < <(type -ap "python$v" 2>/dev/null || true)
  for dir in /usr/local/bin /usr/bin; do candidates+=("$dir/python$v"); done
done
pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
if [ -d "$pyenv_root/versions" ]; then
  while IFS= read -r d; do candidates+=("$d/bin/python3"); done \
    < <(ls -d "$pyenv_root"/versions/3.1[2-9]* 2>/dev/null | sort -rV)
fi

found=""
for p in "${candidates[@]}"; do
  # pyenv's shims answer only for the selected version: skip them, use the versions themselves.
  case "$p" in */shims/*) continue ;; esac
  if [ -x "$p" ] && ok "$p"; then found="$(readlink -f "$p")"; break; fi
done

if [ -z "$found" ]; then
  echo "django-python: no Python 3.12+ on this machine; the Django 6.1 cases will fail" >&2
  exit 0
fi
version="$("$found" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
rm -rf "$cache"
mkdir -p "$cache/bin" "$cache/py3"
ln -s "$found" "$cache/bin/python$version"
# A wrapper, not a link: `python3 -m venv` then bases the environment on the interpreter itself.
printf '#!/bin/sh\nexec "%s" "$@"\n' "$found" > "$cache/py3/python3"
chmod +x "$cache/py3/python3"
echo "django-python: Python $version at $found" >&2
echo "PATH=$cache/bin"
