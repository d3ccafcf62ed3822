#!/usr/bin/env bash
# `sprout add auth` on a project whose database already holds data (database=h2 or postgres,
# auth=none): the case's steps have started the app once (Flyway created the schema) and the
# conformance suite stored items. The project is committed as a user's would be, auth is added
# through the update machinery, then `sprout verify` runs the project's install, lint, test and
# start against the same database (Flyway applies the accounts migration over the data), and
# while it runs an account is made, logs in and stores an item: the items stored before accounts
# existed belong to no one, so the new account's list holds only its own.
#   spring-boot-add-auth.sh <project-dir>     (SPROUT_BINARY: the sprout under test)
set -euo pipefail
if [ -z "${JAVA_RUN_RELEASE:-}" ]; then
  self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
  exec "$(dirname "$self")/../setup/java-run.sh" "$1" "$(printf '%q %q' "$self" "$1")"
fi
sprout="${SPROUT_BINARY:?SPROUT_BINARY names the sprout binary under test}"
cd "$1"
if grep -q '^auth = "token"' .sprout.toml; then
  echo "the project already has auth=token" >&2; exit 1
fi
if grep -q '^database = "h2"' .sprout.toml; then
  ls data/*.mv.db >/dev/null || { echo "no H2 database in data/: the app never started" >&2; exit 1; }
fi

git init -q -b main
git -c user.name=e2e -c user.email=e2e@example.com add -A
git -c user.name=e2e -c user.email=e2e@example.com commit -q -m "The project as its steps left it"
"$sprout" add auth -C .
if grep -rIl '^<<<<<<<' --exclude-dir=target --exclude-dir=data . ; then
  echo "sprout add auth left conflict markers" >&2; exit 1
fi
grep -q '^auth = "token"' .sprout.toml
ls src/main/resources/db/migration/V3__create_accounts.sql

probe="$(mktemp)"
trap 'rm -f "$probe"' EXIT
cat >"$probe" <<'PROBE'
import json, sys, urllib.error, urllib.request
base = sys.argv[1]
def call(method, path, body=None, token=None):
    request = urllib.request.Request(base + path, method=method,
        data=None if body is None else json.dumps(body).encode())
    if body is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None
account = {"email": "after-add@example.com", "password": "correct horse battery"}
assert call("GET", "/items")[0] == 401, "/items must need a token once auth is added"
assert call("POST", "/auth/register", account)[0] == 201
status, login = call("POST", "/auth/login", account)
assert status == 200, status
token = login["token"]
assert call("POST", "/items", {"name": "Mine"}, token)[0] == 201
status, page = call("GET", "/items", token=token)
assert status == 200 and page["total"] == 1 and page["items"][0]["name"] == "Mine", page
print("after sprout add auth: register, login, POST /items and GET /items (total 1) answer as they should")
PROBE
"$sprout" verify . --timeout 180 --exec "python3 $probe \"\$SPROUT_URL\""
