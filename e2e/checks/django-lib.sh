# Shared by the django-*.sh checks (sourced, not run): servers started in their own process
# group, on a free port, each stopped when the check exits; the conformance suite's command.
# The caller has `cd`'d into the project and set `repo` (this repository) and `py` (.venv's).

servers=()
server_log="$(mktemp)"

# Every server's process group gets SIGTERM, then SIGKILL if any of it is left after 15 s: a
# server that ignores SIGTERM cannot hold the check open.
stop_servers() {
  local p
  for p in "${servers[@]}"; do kill -TERM -- -"$p" 2>/dev/null || true; done
  for _ in $(seq 1 30); do
    for p in "${servers[@]}"; do kill -0 -- -"$p" 2>/dev/null && break; p=""; done
    [ -z "${p:-}" ] && break
    sleep 0.5
  done
  for p in "${servers[@]}"; do kill -KILL -- -"$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  servers=()
}
trap 'stop_servers; rm -f "$server_log"' EXIT

# `bounded COMMAND...`: runs it, killed (with what it started) after $CHECK_STEP_TIMEOUT seconds
# (240 unless set), so a command that hangs fails the check by name instead of the case's
# whole timeout.
bounded() {
  timeout --kill-after=10 "${CHECK_STEP_TIMEOUT:-240}" "$@"
}

# `serve COMMAND...`: runs it with PORT set to a free port (also in $port) until /health answers
# 200 (at most 30 s). Not in a subshell: the trap must know every server.
serve() {
  port="$(python3 "$repo/e2e/checks/free_port.py")"
  PORT="$port" setsid "$@" >> "$server_log" 2>&1 &
  servers+=("$!")
  for _ in $(seq 1 60); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/health")" = 200 ] && return 0
    sleep 0.5
  done
  echo "no 200 from /health of: $*" >&2
  tail -40 "$server_log" >&2
  return 1
}

# The WSGI module gunicorn serves (PACKAGE.wsgi).
wsgi_module() { sed -n 's/^WSGI_APPLICATION = "\(.*\)\.application"$/\1/p' ./*/settings.py; }

# `conformance URL`: the suite, with --auth for an auth=token project; the server's log on failure.
conformance() {
  local suite=(python3 "$repo/e2e/conformance.py")
  grep -q '^auth = "token"' .sprout.toml && suite+=(--auth)
  "${suite[@]}" "$1" || { tail -40 "$server_log" >&2; return 1; }
}
