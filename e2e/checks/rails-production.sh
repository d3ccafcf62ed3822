#!/usr/bin/env bash
# A Rails project keeps the HTTP contract in production mode too: called as
# `rails-production.sh <project-dir>` after the case's steps (the project installed in the Debian
# root of e2e/setup/debian-root.sh). It starts `bin/rails server` with RAILS_ENV=production (a
# throw-away SECRET_KEY_BASE, plain HTTP on loopback), runs the conformance suite against it
# (with --auth when the project has accounts) and stops it.
set -euo pipefail
project="$(cd "$1" && pwd)"
repo="$(cd "$(dirname "$0")/../.." && pwd)"
if [[ -z "${DEBIAN_ROOT:-}" ]]; then
  eval "$(cd "$repo" && bash e2e/setup/debian-root.sh | grep '^DEBIAN_ROOT=')"
  export DEBIAN_ROOT
fi

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
secret="$(head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n')"
auth=()
if grep -q '^auth = "token"' "$project/.sprout.toml"; then auth=(--auth); fi
prepare="bin/rails db:prepare"
if [[ ! -f "$project/config/database.yml" ]]; then prepare=true; fi

log="$project/log/production-server.log"
"$repo/e2e/setup/debian-root-run.sh" "$project" \
  "export RAILS_ENV=production SECRET_KEY_BASE=$secret RAILS_FORCE_SSL=false RAILS_ASSUME_SSL=false; $prepare && exec bin/rails server -b 127.0.0.1 -p $port" \
  > "$log" 2>&1 &
server=$!
stop() {
  kill -TERM "$server" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$server" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
}
trap stop EXIT

for _ in $(seq 1 600); do
  if curl -fs -o /dev/null "http://127.0.0.1:$port/health"; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then echo "the production server exited:"; tail -20 "$log"; exit 1; fi
  sleep 0.2
done
echo "production server on port $port ($(grep -m1 -o 'Puma version: [0-9.]*' "$log" || echo Puma))"
python3 "$repo/e2e/conformance.py" "http://127.0.0.1:$port" "${auth[@]}"
