#!/usr/bin/env bash
# A throw-away PostgreSQL cluster on 127.0.0.1, from Debian's packages, data in e2e/.cache.
#   postgres.sh        install if needed, start (or reuse) the cluster, print its PG* settings

#   postgres.sh stop   stop it
set -euo pipefail
cache="$(pwd)/e2e/.cache"
data="$cache/pgdata"
sock="/tmp/sprout-e2e-pg"

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
as_pg() { runuser -u postgres -- "$@"; }

pgbin="$(find_bin)"
if [ "${1:-}" = stop ]; then
  if [ -n "$pgbin" ] && [ -f "$data/postmaster.pid" ]; then
    as_pg "$pgbin/pg_ctl" -D "$data" -m fast -w stop >&2 || true
  fi
  exit 0
fi

if [ -z "$pgbin" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends postgresql >&2
  pgbin="$(find_bin)"
fi

mkdir -p "$cache" "$sock"
chown postgres "$sock"
if [ ! -f "$data/PG_VERSION" ]; then
  rm -rf "$data"
  mkdir -p "$data"
  chown postgres "$data"
  pwfile="$(mktemp)"
  echo sprout > "$pwfile"
  chown postgres "$pwfile"
  as_pg "$pgbin/initdb" -D "$data" -U sprout --pwfile="$pwfile" --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >&2
  rm -f "$pwfile"
fi
started=0
if ! as_pg "$pgbin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  started=1
  # A port nobody listens on now (other clusters may run on this machine).
  port="${E2E_PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
  as_pg "$pgbin/pg_ctl" -D "$data" -w -t 60 -l "$data/server.log" \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $sock -c fsync=off -c full_page_writes=off" start >&2
fi
# The running server's port is the fourth line of its pid file.
port="$(sed -n 4p "$data/postmaster.pid")"
echo "PGHOST=127.0.0.1"
echo "PGPORT=$port"
echo "PGUSER=sprout"
echo "PGPASSWORD=sprout"
echo "PATH=$pgbin"
echo "E2E_PG_STARTED=$started"
