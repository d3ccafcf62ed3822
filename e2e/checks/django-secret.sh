#!/usr/bin/env bash
# The SECRET_KEY of a generated Django project is its own: called as `django-secret.sh <project-dir>`.
#   - .env holds a SECRET_KEY of 50 characters, which no other file of the project contains
#     (.sprout.toml included), and .env.example holds none;
#   - a second project generated from the same answers (.sprout.toml) gets another one.
set -euo pipefail
project="$(cd "$1" && pwd)"
repo="$(cd "$(dirname "$0")/../.." && pwd)"
sprout="${SPROUT_BINARY:?SPROUT_BINARY names the sprout binary under test}"
fail() { echo "django-secret: $*" >&2; exit 1; }

key_of() { sed -n 's/^SECRET_KEY=//p' "$1/.env"; }
first="$(key_of "$project")"
[ "${#first}" -eq 50 ] || fail ".env has no SECRET_KEY of 50 characters"
grep -q '^SECRET_KEY=$' "$project/.env.example" || fail ".env.example must show SECRET_KEY without a value"
if grep -rlF --exclude=.env --exclude-dir=.venv --exclude-dir=.git -- "$first" "$project" >/dev/null; then
  fail "the SECRET_KEY appears in a file other than .env"
fi

again="$(mktemp -d)"
trap 'rm -rf "$again"' EXIT
name="$(basename "$project")"
"$sprout" new "$name" --answers "$project/.sprout.toml" --yes --no-git -o "$again" >/dev/null
second="$(key_of "$again/$name")"
[ "${#second}" -eq 50 ] || fail "the second project has no SECRET_KEY of 50 characters"
[ "$first" != "$second" ] || fail "two projects from the same answers share their SECRET_KEY"
diff -r -q -x .env -x .venv -x uv.lock -x db.sqlite3 -x '__pycache__' \
  -x .pytest_cache -x .ruff_cache -x staticfiles "$project" "$again/$name" \
  || fail "the two projects differ in more than .env"
echo "django-secret: two projects from the same answers have different SECRET_KEYs"
