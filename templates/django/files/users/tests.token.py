"""The user model (the email address is the login), the admin, createsuperuser,
and the migration that brought accounts to a project that had users already."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from .models import User

pytestmark = pytest.mark.django_db


def test_custom_user_model_is_active() -> None:
    assert get_user_model() is User
    assert User.USERNAME_FIELD == "email"


@pytest.mark.usefixtures("default_hashers")
def test_create_user_hashes_the_password_and_lowers_the_email() -> None:
    user = User.objects.create_user(
        email=" Ada@Example.COM ", password="correct horse battery"
    )

    assert user.email == "ada@example.com"
    assert user.password.startswith("pbkdf2_sha256$")
    assert user.check_password("correct horse battery")
    assert User.objects.get_by_natural_key("ADA@example.com") == user


def test_createsuperuser_asks_for_the_email(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long admin password")
    call_command("createsuperuser", "--noinput", "--email", "Root@Example.com")

    root = User.objects.get(email="root@example.com")
    assert root.is_superuser and root.is_staff
    assert root.check_password("a long admin password")


def test_admin_lists_users(admin_client: Client) -> None:
    response = admin_client.get("/admin/users/user/")

    assert response.status_code == 200
    assert b"admin@example.com" in response.content


def test_admin_adds_a_user(admin_client: Client) -> None:
    assert admin_client.get("/admin/users/user/add/").status_code == 200
    response = admin_client.post(
        "/admin/users/user/add/",
        {
            "email": "New@Example.com",
            "usable_password": "true",
            "password1": "a long new password",
            "password2": "a long new password",
        },
    )

    assert response.status_code == 302
    assert User.objects.get(email="new@example.com").check_password(
        "a long new password"
    )


@pytest.mark.django_db(transaction=True)
def test_the_accounts_migration_keeps_the_users_there_were() -> None:
    """Users made before the accounts (username login, email optional) each
    get a distinct email address to log in with."""
    before = [("users", "0001_initial")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_user = executor.loader.project_state(before).apps.get_model("users", "User")
    admin = old_user.objects.create(username="admin", email=" Admin@Example.com")
    nomail = old_user.objects.create(username="nomail", email="")
    twin = old_user.objects.create(username="twin", email="admin@example.COM")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    emails = dict(User.objects.values_list("pk", "email"))
    assert emails == {
        admin.pk: "admin@example.com",
        nomail.pk: f"user{nomail.pk}@users.invalid",
        twin.pk: f"user{twin.pk}@users.invalid",
    }
