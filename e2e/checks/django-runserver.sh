#!/usr/bin/env bash
# The development server keeps the contract too: called as `django-runserver.sh <project-dir>`
# after install (uv and pip both leave the environment in .venv). Starts `manage.py runserver`
# (the project's `dev` command, with the generated .env: DEBUG=true) on a free port and runs the
# conformance suite against it, with --auth for an auth=token project.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$1"
py=.venv/bin/python
. "$repo/e2e/checks/django-lib.sh"

$py manage.py migrate --noinput -v0
# runserver takes its address as an argument, not from PORT.
serve sh -c 'exec "$0" manage.py runserver "127.0.0.1:$PORT" --noreload' "$py"
conformance "http://127.0.0.1:$port" || { echo "django-runserver: the contract fails on runserver" >&2; exit 1; }
echo "django-runserver: runserver keeps the contract"
