#!/usr/bin/env bash
# axe-core, the accessibility rules engine the browser test of `sprout serve` runs in the page
# (e2e/serve/browser.py), from the npm registry, cached in e2e/.cache. Prints AXE=<path of
# axe.min.js>. The version is pinned: a new one may add rules, which is a change to review.
set -euo pipefail
version=4.14.1
dir="$(pwd)/e2e/.cache/axe-$version"
script="$dir/node_modules/axe-core/axe.min.js"
if [[ ! -f "$script" ]]; then
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "axe-core@$version" >&2
fi
echo "AXE=$script"
