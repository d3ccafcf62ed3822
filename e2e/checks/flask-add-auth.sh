#!/usr/bin/env bash
# `sprout add auth` on a Flask project whose database already holds data: called as
# `flask-add-auth.sh <project-dir>` (SPROUT_BINARY: the sprout under test) after the case's
# steps (the server ran, the migrations made the tables, the conformance suite stored items).
# The project is committed as it is, then:
#   - `sprout add auth` changes it without a conflict and adds the migration 0002 after 0001;
#   - `sprout verify` passes: install, lint, the tests (now with test_auth.py), and start, which
#     applies 0002 to the database that holds the items; while the server runs, the conformance
#     suite with `--auth` (the items stored before have no owner: no account may see them);
#   - the database is then at 0002 and still holds every item it held, without an owner.
set -euo pipefail
project="$(cd "$1" && pwd)"
sprout="${SPROUT_BINARY:?SPROUT_BINARY names the sprout binary under test}"
conformance="$(cd "$(dirname "$0")/.." && pwd)/conformance.py"
fail() { echo "flask-add-auth: $*" >&2; exit 1; }
cd "$project"
run="$(sed -n 's/^packaging = "\(.*\)"$/\1/p' .sprout.toml)"
case "$run" in
  uv) py=(uv run python) ;;
  pip) py=(.venv/bin/python) ;;
  *) fail "no packaging answer in .sprout.toml" ;;
esac
package="$(sed -n 's/^PACKAGE = "\([a-z0-9_]*\)"$/\1/p' gunicorn.conf.py)"
[ -n "$package" ] || fail "no package named in gunicorn.conf.py"

# Items as the app sees them: the database of DATABASE_URL (postgres) or of instance/ (sqlite).
# Prints the database's revision and the number the query ($1) counts.
count_items() {
  "${py[@]}" - "$package" "$1" <<'EOF'
import importlib, sys
from sqlalchemy import text
app = importlib.import_module(sys.argv[1]).create_app()
with app.app_context():
    db = app.extensions["sqlalchemy"]
    version = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    print(version, db.session.scalar(text(sys.argv[2])))
EOF
}
read -r version before < <(count_items "SELECT count(*) FROM items")
[ "$version" = "0001" ] || fail "the database is at $version before the change, not 0001"
[ "$before" -gt 0 ] || fail "the database holds no items before the change"

export GIT_AUTHOR_NAME=E2E GIT_AUTHOR_EMAIL=e2e@example.com GIT_COMMITTER_NAME=E2E GIT_COMMITTER_EMAIL=e2e@example.com
git init -q && git add -A && git commit -q -m "The project as it ran"
"$sprout" add auth || fail "sprout add auth failed"
grep -rl '^<<<<<<<' --exclude-dir=.venv --exclude-dir=.git . && fail "conflict markers after sprout add auth"
[ -f migrations/versions/0002_create_accounts.py ] || fail "no migration 0002"
grep -q '^down_revision = "0001"$' migrations/versions/0002_create_accounts.py \
  || fail "migration 0002 does not follow 0001"
git diff --quiet HEAD -- migrations/versions/0001_create_items.py || fail "migration 0001 was edited"

"$sprout" verify . --exec "python3 '$conformance' --auth \"\$SPROUT_URL\"" \
  || fail "sprout verify (with the conformance suite, --auth) failed after sprout add auth"
# The suite stored items of its own accounts; those stored before have no owner.
read -r version after < <(count_items "SELECT count(*) FROM items WHERE owner_id IS NULL")
[ "$version" = "0002" ] || fail "the database is at $version after start, not 0002"
[ "$after" -eq "$before" ] || fail "the database held $before items, now $after without an owner"
echo "flask-add-auth: sprout add auth, then verify with the conformance suite (--auth), on a database of $before items (now at 0002)"
