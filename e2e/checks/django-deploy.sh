#!/usr/bin/env bash
# Production checks of a generated Django project, after install: called as
# `django-deploy.sh <project-dir>` (uv and pip both leave the environment in .venv).
#   - the committed migrations match the models (`makemigrations --check`);
#   - `check --deploy` reports nothing at all, with production settings from the environment;
#   - collectstatic works with DEBUG off, and gunicorn then answers /health by IP address over
#     plain HTTP, refuses other host names than ALLOWED_HOSTS, redirects plain HTTP to HTTPS and
#     serves the admin's CSS (WhiteNoise) to requests that a TLS proxy marks as HTTPS.
set -euo pipefail
cd "$1"
py=.venv/bin/python

$py manage.py makemigrations --check --dry-run

export DEBUG=false ALLOWED_HOSTS=example.com SECURE_HSTS_SECONDS=31536000 \
  SECURE_HSTS_INCLUDE_SUBDOMAINS=true SECURE_HSTS_PRELOAD=true
$py manage.py check --deploy --fail-level WARNING

$py manage.py collectstatic --noinput -v0
$py manage.py migrate --noinput -v0
log="$(mktemp)"
port="$($py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
PORT="$port" SECURE_PROXY_SSL_HEADER=true setsid .venv/bin/gunicorn "$(sed -n 's/^WSGI_APPLICATION = "\(.*\)\.application"$/\1/p' ./*/settings.py)" \
  > "$log" 2>&1 &
pid=$!
trap 'kill -TERM -- -"$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf staticfiles "$log"' EXIT

status() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "${@:2}" "http://127.0.0.1:$port$1"; }
for _ in $(seq 1 60); do
  [ "$(status /health)" = 200 ] && break
  sleep 0.5
done
fail() { echo "django-deploy: $*" >&2; cat "$log" >&2; exit 1; }
[ "$(status /health)" = 200 ] || fail "/health did not answer 200 with DEBUG off"
[ "$(status /items)" = 400 ] || fail "/items for a host name not in ALLOWED_HOSTS is not refused"
[ "$(status /items -H 'Host: example.com')" = 301 ] || fail "plain HTTP is not redirected to HTTPS"
[ "$(status /items -H 'Host: example.com' -H 'X-Forwarded-Proto: https')" = 200 ] \
  || fail "/items behind a TLS proxy does not answer 200"
css="$(curl -s --max-time 5 -H 'Host: example.com' -H 'X-Forwarded-Proto: https' \
  "http://127.0.0.1:$port/static/admin/css/base.css")"
[[ "$css" == *"font-family"* ]] || fail "no admin CSS from /static/ (WhiteNoise)"
echo "django-deploy: migrations in step, check --deploy clean, static files and /health served"
