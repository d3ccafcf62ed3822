#!/usr/bin/env bash
# `sprout add auth` on a Rails project whose database already holds data (database=sqlite or
# postgres, auth=none): the case's steps have started the app once (`bin/rails db:prepare`
# created and migrated the database) and the conformance suite stored items in it. The project
# is committed as a user's would be, auth is added through the update machinery (no conflict:
# the user edited nothing), then `sprout verify` runs the project's install, lint, test and start
# in the Debian root against the same database (the start command's db:prepare applies the
# accounts migration over the data) and, while it runs, the conformance suite with --auth.
#   rails-add-auth.sh <project-dir>     (SPROUT_BINARY: the sprout under test)
set -euo pipefail
sprout="${SPROUT_BINARY:?SPROUT_BINARY names the sprout binary under test}"
repo="$(cd "$(dirname "$0")/../.." && pwd)"
if [[ -z "${DEBIAN_ROOT:-}" ]]; then
  eval "$(cd "$repo" && bash e2e/setup/debian-root.sh | grep '^DEBIAN_ROOT=')"
  export DEBIAN_ROOT
fi
cd "$1"
if grep -q '^auth = "token"' .sprout.toml; then
  echo "the project already has auth=token" >&2; exit 1
fi
if grep -q '^database = "sqlite"' .sprout.toml; then
  ls storage/development.sqlite3 >/dev/null || { echo "no SQLite database in storage/: the app never started" >&2; exit 1; }
fi

# The items the steps stored (the conformance suite's): they must survive the accounts migration.
run() { "$repo/e2e/setup/debian-root-run.sh" . "$1"; }
items_before="$(run "bin/rails runner 'print Item.count'" | tail -1)"
echo "items before sprout add auth: $items_before"
(( items_before > 0 )) || { echo "the database holds no items: nothing to migrate over" >&2; exit 1; }

git init -q -b main
git -c user.name=e2e -c user.email=e2e@example.com add -A
git -c user.name=e2e -c user.email=e2e@example.com commit -q -m "The project as its steps left it"
"$sprout" add auth -C .
if grep -rIl '^<<<<<<<' --exclude-dir=log --exclude-dir=tmp --exclude-dir=storage . ; then
  echo "sprout add auth left conflict markers" >&2; exit 1
fi
grep -q '^auth = "token"' .sprout.toml
ls db/migrate/20261206000000_create_accounts.rb app/models/user.rb

SPROUT_VERIFY_RUNNER="$repo/e2e/setup/debian-root-run.sh" \
  "$sprout" verify . --timeout 180 --exec "python3 $(printf '%q' "$repo/e2e/conformance.py") --auth \"\$SPROUT_URL\""

items_after="$(run "bin/rails runner 'print Item.count'" | tail -1)"
echo "items after: $items_after"
(( items_after >= items_before )) || { echo "items were lost: $items_before before, $items_after after" >&2; exit 1; }
