#!/usr/bin/env bash
# `sprout add auth` on a Django project that ran and holds data: called as
# `django-add-auth.sh <project-dir>` after the steps of a case generated without accounts (the
# database made and migrated by `start`), with SPROUT_BINARY the sprout under test. As a user has it:
#   - data in the database: a superuser and a user without an email address (createsuperuser and
#     the admin let it be empty), a user with one, and an item;
#   - the project committed to git (a repository made here when the case made none);
#   - `sprout add auth` merges cleanly (no conflict marker) and records auth = "token";
#   - `migrate` applies the new migrations to that database: every user gets a distinct email to
#     log in with (the ones without get user<id>@users.invalid), the item is still there, with no
#     owner;
#   - lint and the project's own tests pass; gunicorn starts, and the conformance suite with
#     --auth passes against it.
# It changes the project: it runs last among the case's checks.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
sprout="${SPROUT_BINARY:?SPROUT_BINARY names the sprout binary under test}"
cd "$1"
py=.venv/bin/python
fail() { echo "django-add-auth: $*" >&2; exit 1; }

grep -q '^auth = "none"' .sprout.toml || fail "the project was generated with accounts already"
$py manage.py migrate --noinput -v0
ids="$($py manage.py shell -v0 -c '
from django.contrib.auth import get_user_model
from items.models import Item
User = get_user_model()
root = User.objects.create_superuser(username="root", email="", password="a long root password")
ann = User.objects.create_user(username="ann", email=" Ann@Example.com", password="a long password")
nomail = User.objects.create_user(username="nomail", email="", password="another long one")
item = Item.objects.create(name="Stored before accounts")
print(root.pk, ann.pk, nomail.pk, item.pk)
')"
read -r root ann nomail item <<< "$ids"

if [ ! -d .git ]; then
  git init -q
  git add -A
  git -c user.name=e2e -c user.email=e2e@example.com commit -qm "The project as generated"
fi
"$sprout" add auth -C . --quiet
grep -q '^auth = "token"' .sprout.toml || fail ".sprout.toml does not record auth = \"token\""
if git ls-files -z | xargs -0 grep -l '^<<<<<<<' 2>/dev/null; then
  fail "sprout add auth left conflict markers"
fi

$py manage.py migrate --noinput -v0
got="$(USERS="$root $ann $nomail" ITEM="$item" $py manage.py shell -v0 -c '
import os
from django.contrib.auth import get_user_model
from items.models import Item
users = get_user_model().objects.filter(pk__in=os.environ["USERS"].split())
print(*users.order_by("pk").values_list("email", flat=True))
print(*Item.objects.values_list("pk", "owner_id").get(pk=os.environ["ITEM"]))
')"
expected="user$root@users.invalid ann@example.com user$nomail@users.invalid
$item None"
[ "$got" = "$expected" ] || fail "after migrate: got
$got
expected
$expected"

.venv/bin/ruff check . && .venv/bin/ruff format --check . || fail "lint fails after sprout add auth"
.venv/bin/pytest -q -p no:cacheprovider || fail "the tests fail after sprout add auth"

. "$repo/e2e/checks/django-lib.sh"
serve .venv/bin/gunicorn "$(wsgi_module)" || fail "gunicorn does not start after sprout add auth"
conformance "http://127.0.0.1:$port" || fail "the contract with --auth fails after sprout add auth"
echo "django-add-auth: sprout add auth on a project with data: migrated, users kept, tests and the contract pass"
