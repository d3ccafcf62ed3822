#!/usr/bin/env bash
# A Python 3.12 or later for the Django stack: Django 6.1 needs it, the machine's python3 is 3.11,
# and uv cannot download an interpreter here (its builds come from outside the package registries;
# PyPI carries none). So this looks for one already on the machine: python3.X on PATH, pyenv's
# versions, /usr/bin, /usr/local/bin. It installs nothing. Prints
#   PATH=e2e/.cache/django-python/bin   python3.X links, found by uv (python3 stays the machine's)
# and makes e2e/.cache/django-python/py3/python3 run the same interpreter, for the case that runs
# the pip variant of Django 6.1 (its case puts that folder first on PATH). Each minor version
# found gets its link (python3.12, python3.13, ...).
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

# Every minor version found (the first interpreter of each), newest first: a uv project's
# .python-version names the oldest its Django supports (3.12 for 6.1), so uv must see it too.
found=()
seen=" "
for p in "${candidates[@]}"; do
  # pyenv's shims answer only for the selected version: skip them, use the versions themselves.
  case "$p" in */shims/*) continue ;; esac
  if [ -x "$p" ] && ok "$p"; then
    v="$("$p" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    case "$seen" in *" $v "*) continue ;; esac
    seen="$seen$v "
    found+=("$(readlink -f "$p")")
  fi
done

if [ "${#found[@]}" -eq 0 ]; then
  echo "django-python: no Python 3.12+ on this machine; the Django 6.1 cases will fail" >&2
  exit 0
fi
rm -rf "$cache"
mkdir -p "$cache/bin" "$cache/py3"
for p in "${found[@]}"; do
  version="$("$p" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
  ln -s "$p" "$cache/bin/python$version"
  echo "django-python: Python $version at $p" >&2
done
# A wrapper, not a link: `python3 -m venv` then bases the environment on the interpreter itself.
# It runs the newest one found.
printf '#!/bin/sh\nexec "%s" "$@"\n' "${found[0]}" > "$cache/py3/python3"
chmod +x "$cache/py3/python3"
echo "PATH=$cache/bin"
