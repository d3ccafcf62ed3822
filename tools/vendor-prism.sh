#!/usr/bin/env bash
# Writes src/serve/page/prism.js, the serve page's syntax highlighter: Prism's core and the
# grammars of the file types the stacks write, minified as Prism publishes them on npm, under
# Prism's MIT licence. The page embeds it (no CDN: `sprout serve` works offline).
# Usage: bash tools/vendor-prism.sh [VERSION]   (default: the version in the file's header)
set -euo pipefail
cd "$(dirname "$0")/.."
out=src/serve/page/prism.js
version="${1:-$(sed -n 's/^ \* Prism \([0-9.]*\) .*/\1/p' "$out" 2>/dev/null | head -1)}"
[[ -n "$version" ]] || { echo "vendor-prism: give a version (npm view prismjs version)" >&2; exit 2; }
# Dependencies first: markup before markdown, clike before javascript, ruby and java.
grammars=(markup clike javascript typescript python ruby java json yaml toml sql markdown docker
  bash properties graphql ini)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "prismjs@$version" >/dev/null && tar -xzf prismjs-*.tgz)
pkg="$work/package"
{
  echo "/*!"
  echo " * Prism $version (https://prismjs.com), from npm's prismjs package: prism-core and the"
  echo " * grammars ${grammars[*]}."
  echo " * Written by tools/vendor-prism.sh; do not edit by hand."
  echo " *"
  sed 's/^/ * /; s/ *$//' "$pkg/LICENSE"
  echo " */"
  cat "$pkg/components/prism-core.min.js"
  echo
  for g in "${grammars[@]}"; do
    cat "$pkg/components/prism-$g.min.js"
    echo
  done
} >"$out"
echo "vendor-prism: wrote $out ($(wc -c <"$out") bytes, Prism $version)" >&2
