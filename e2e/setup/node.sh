#!/usr/bin/env bash
# Node.js 26 (the Active LTS) from the npm registry (the `node` package ships the binary), cached
# in e2e/.cache. Prints PATH=<dir> so the harness puts that node (and the machine's npm running on
# it) first.
set -euo pipefail
dir="$(pwd)/e2e/.cache/node26"
bin="$dir/node_modules/.bin"
if ! "$bin/node" --version 2>/dev/null | grep -q '^v26\.'; then
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error node@26 >&2
fi
echo "node $("$bin/node" --version)" >&2
echo "PATH=$bin"
