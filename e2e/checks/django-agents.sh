#!/usr/bin/env bash
# Every command AGENTS.md names works as written: called as `django-agents.sh <project-dir>` after
# the case's steps (install, lint, test and start passed). Each code span of AGENTS.md that starts
# with a command (`uv`, `.venv/bin/`, `python3`, `sprout`) is run from the project's folder, with
# NAME and PACKAGE filled in, and must succeed:
#   - install and lint as they are; the test command is the one the case's test step ran
#     (e2e/.work/CASE/test.log starts with `$ COMMAND`), not run twice;
#   - start and dev (gunicorn, runserver) must answer GET /health on $PORT, and are stopped
#     before the next command;
#   - `startapp NAME`, then `ruff check --fix NAME && ruff format NAME`, make an app that lints
#     clean (the app is removed after);
#   - `makemigrations` finds no changes, `makemigrations --check --dry-run` passes;
#   - `uv add PACKAGE` / `uv add --group dev PACKAGE` with a package already in uv.lock (no
#     network), pyproject.toml and uv.lock restored after;
#   - `sprout verify` and `sprout update` are the e2e's own step and its update cases.
# Every command is bounded (`bounded`, django-lib.sh): one that hangs fails the check by name.
# A command this script does not know fails the check: a new one in the partial gets a line here.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$1"
py=.venv/bin/python
app=""
fail() { echo "django-agents: $*" >&2; [ -z "$app" ] || rm -rf "$app"; exit 1; }
. "$repo/e2e/checks/django-lib.sh"

[ -f AGENTS.md ] || fail "no AGENTS.md"
mapfile -t commands < <(grep -o '`[^`]*`' AGENTS.md | tr -d '`' \
  | grep -E '^(uv |\.venv/bin/|python3 |sprout )' | sort -u)
[ "${#commands[@]}" -gt 0 ] || fail "AGENTS.md names no command"

tested="$(sed -n '1s/^\$ //p' ../test.log 2>/dev/null || true)"
ran=0
for cmd in "${commands[@]}"; do
  echo "== $(date +%T) $cmd"
  case "$cmd" in
    "sprout verify" | "sprout update")
      echo "(the e2e's verify step and update cases)"; continue ;;
    *" runserver")
      serve bash -c "$cmd" || fail "\`$cmd\` does not answer /health on \$PORT"
      stop_servers ;;
    *"manage.py migrate && "*"gunicorn "*)
      serve bash -c "$cmd" || fail "\`$cmd\` does not answer /health on \$PORT"
      stop_servers ;;
    *pytest)
      [ "$cmd" = "$tested" ] || fail "\`$cmd\` is not the command the test step ran (\`$tested\`)"
      echo "(the case's test step ran it)"; continue ;;
    *"manage.py startapp NAME")
      [ ! -e agentsnotes ] || fail "agentsnotes exists already"
      app=agentsnotes
      bounded bash -c "${cmd//NAME/agentsnotes}" || fail "\`$cmd\` fails"
      [ -f agentsnotes/models.py ] || fail "\`$cmd\` made no app"
      # What AGENTS.md says to run next on the new app.
      for next in "${commands[@]}"; do
        if [[ "$next" == *"ruff check --fix NAME && "*"ruff format NAME" ]]; then
          bounded bash -c "${next//NAME/agentsnotes}" || fail "\`$next\` fails"
        fi
      done
      .venv/bin/ruff check agentsnotes && .venv/bin/ruff format --check agentsnotes \
        || fail "the app \`$cmd\` makes does not lint clean"
      rm -rf agentsnotes
      app="" ;;
    *"ruff check --fix NAME && "*"ruff format NAME")
      echo "(run on the app startapp makes)"; continue ;;
    *"manage.py makemigrations")
      out="$(bounded bash -c "$cmd" 2>&1)" || fail "\`$cmd\` fails: $out"
      [[ "$out" == *"No changes detected"* ]] || fail "\`$cmd\` wrote migrations: $out" ;;
    "uv add PACKAGE" | "uv add --group dev PACKAGE")
      cp pyproject.toml /tmp/agents-pyproject.$$ && cp uv.lock /tmp/agents-uv.lock.$$
      # iniconfig is in uv.lock (pytest needs it): uv adds it without the network.
      status=0
      UV_OFFLINE=1 bounded bash -c "${cmd//PACKAGE/iniconfig}" || status=$?
      grep -q iniconfig pyproject.toml || status=1
      mv /tmp/agents-pyproject.$$ pyproject.toml && mv /tmp/agents-uv.lock.$$ uv.lock
      bounded uv sync -q
      [ "$status" = 0 ] || fail "\`$cmd\` fails" ;;
    *)
      case "$cmd" in
        "uv sync" | ".venv/bin/pip install -r requirements-dev.txt" | *"ruff check . && "*"ruff format --check ." \
          | *"ruff format ." | *"manage.py migrate" | *"manage.py makemigrations --check --dry-run" \
          | "python3 -m venv .venv && .venv/bin/pip install -r requirements-dev.txt")
          bounded bash -c "$cmd" || fail "\`$cmd\` fails" ;;
        *) fail "AGENTS.md names a command this check does not know: \`$cmd\`" ;;
      esac ;;
  esac
  ran=$((ran + 1))
done
echo "django-agents: the ${#commands[@]} commands of AGENTS.md work ($ran run here)"
