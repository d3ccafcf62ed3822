#!/usr/bin/env bash
# Production checks of a generated Django project, after install: called as
# `django-deploy.sh <project-dir>` (uv and pip both leave the environment in .venv).
#   - the committed migrations match the models (`makemigrations --check`);
#   - `check --deploy` reports nothing at all, with production settings from the environment;
#   - collectstatic works with DEBUG off, and gunicorn then answers /health by IP address over
#     plain HTTP, refuses other host names than ALLOWED_HOSTS, redirects plain HTTP to HTTPS and
#     serves the admin's CSS (WhiteNoise) to requests that a TLS proxy marks as HTTPS;
#   - gunicorn with DEBUG off keeps the contract: the conformance suite (with --auth for an
#     auth=token project) against it, the HTTPS redirect left off as behind a TLS proxy.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$1"
py=.venv/bin/python

$py manage.py makemigrations --check --dry-run

export DEBUG=false ALLOWED_HOSTS=example.com SECURE_HSTS_SECONDS=31536000 \
  SECURE_HSTS_INCLUDE_SUBDOMAINS=true SECURE_HSTS_PRELOAD=true
$py manage.py check --deploy --fail-level WARNING

$py manage.py collectstatic --noinput -v0
$py manage.py migrate --noinput -v0
. "$repo/e2e/checks/django-lib.sh"
fail() { echo "django-deploy: $*" >&2; tail -40 "$server_log" >&2; exit 1; }
status() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "${@:2}" "http://127.0.0.1:$port$1"; }

serve env SECURE_PROXY_SSL_HEADER=true .venv/bin/gunicorn "$(wsgi_module)" \
  || fail "/health did not answer 200 with DEBUG off"
[ "$(status /items)" = 400 ] || fail "/items for a host name not in ALLOWED_HOSTS is not refused"
[ "$(status /items -H 'Host: example.com')" = 301 ] || fail "plain HTTP is not redirected to HTTPS"
proxied="$(status /items -H 'Host: example.com' -H 'X-Forwarded-Proto: https')"
# With accounts, /items needs a token: 401 is the answer of a route that exists.
[ "$proxied" = 200 ] || [ "$proxied" = 401 ] || fail "/items behind a TLS proxy answers $proxied, not 200 (401 with auth)"
css="$(curl -s --max-time 5 -H 'Host: example.com' -H 'X-Forwarded-Proto: https' \
  "http://127.0.0.1:$port/static/admin/css/base.css")"
[[ "$css" == *"font-family"* ]] || fail "no admin CSS from /static/ (WhiteNoise)"
rm -rf staticfiles

serve env ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false .venv/bin/gunicorn "$(wsgi_module)" \
  || fail "/health did not answer 200 with DEBUG off"
conformance "http://127.0.0.1:$port" || fail "the contract fails on gunicorn with DEBUG off"
echo "django-deploy: migrations in step, check --deploy clean, static files and /health served, the contract kept with DEBUG off"
