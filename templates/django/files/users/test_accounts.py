"""The accounts API keeps the contract: /auth/register, login, me, logout,
tokens (only their digest stored, expiry, revocation) and the login throttle."""

import hashlib
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone
from pytest_django import Settings

from .models import AccessToken, LoginFailure, User

pytestmark = pytest.mark.django_db

JSON = "application/json"


def assert_problem(response: HttpResponse, status: int, path: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    assert problem["instance"] == path
    return problem


def pointers(response: HttpResponse) -> list[str]:
    return [error["pointer"] for error in response.json()["errors"]]


def register(client: Client, email: str, password: str) -> HttpResponse:
    body = {"email": email, "password": password}
    return client.post("/auth/register", body, content_type=JSON)


def login(client: Client, email: str, password: str) -> HttpResponse:
    body = {"email": email, "password": password}
    return client.post("/auth/login", body, content_type=JSON)


def bearer(token: str) -> Client:
    return Client(headers={"authorization": f"Bearer {token}"})


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Moves the clock of the app to a number of seconds from now."""
    now = timezone.now

    def move(seconds: float) -> None:
        moved = now() + timedelta(seconds=seconds)
        monkeypatch.setattr(timezone, "now", lambda: moved)

    return move


# Register


@pytest.mark.usefixtures("default_hashers")
def test_register(client: Client) -> None:
    response = register(client, "  Ann@Example.COM ", "correct horse battery staple")

    assert response.status_code == 201
    assert response["Content-Type"] == JSON
    user = User.objects.get()
    assert response.json() == {"id": user.pk, "email": "ann@example.com"}
    assert user.password.startswith("pbkdf2_sha256$")
    assert b"correct horse" not in response.content


def test_register_a_taken_email_is_409(client: Client, user: User) -> None:
    response = register(client, "ANN@example.com", "another long password")

    assert_problem(response, 409, "/auth/register")
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    "email",
    [
        "",
        "ann",
        "ann@",
        "@example.com",
        "ann@example",
        "ann@@example.com",
        "ann@example..com",
        "an n@example.com",
        "ann@exa\tmple.com",
        "a" * 65 + "@example.com",
        "ann@" + "a" * 250 + ".com",
    ],
)
def test_register_refuses_an_invalid_email(client: Client, email: str) -> None:
    response = register(client, email, "correct horse battery staple")

    assert_problem(response, 400, "/auth/register")
    assert pointers(response) == ["/email"]
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("short pass1", False),  # 11 characters
        ("twelve chars", True),
        ("x" * 72, True),  # 72 bytes
        ("x" * 73, False),
        ("🍵" * 18, True),  # 18 characters, 72 bytes
        ("🍵" * 19, False),  # 76 bytes
        ("  abcdefghij", True),  # 12 with the spaces, which are kept
        ("123456789012", True),  # the contract's rule only: length
    ],
)
def test_register_checks_the_password(
    client: Client, password: str, accepted: bool
) -> None:
    response = register(client, "ann@example.com", password)

    if accepted:
        assert response.status_code == 201
    else:
        assert_problem(response, 400, "/auth/register")
        assert set(pointers(response)) == {"/password"}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, ["/email", "/password"]),
        ({"email": "ann@example.com"}, ["/password"]),
        ({"email": 5, "password": "correct horse battery"}, ["/email"]),
        ({"email": "ann@example.com", "password": None}, ["/password"]),
        ({"email": ["ann@example.com"], "password": True}, ["/email", "/password"]),
    ],
)
def test_register_needs_both_strings(
    client: Client, body: dict[str, Any], expected: list[str]
) -> None:
    response = client.post("/auth/register", body, content_type=JSON)

    assert_problem(response, 400, "/auth/register")
    assert sorted(pointers(response)) == expected


def test_register_takes_json_only(client: Client) -> None:
    response = client.post(
        "/auth/register", "email=ann@example.com", content_type="text/plain"
    )

    assert_problem(response, 415, "/auth/register")


# Log in


def test_login_gives_a_token(client: Client, user: User, password: str) -> None:
    response = login(client, "ANN@example.com", password)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "token_type", "expires_at"}
    assert body["token_type"] == "Bearer"
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", body["token"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["expires_at"])
    expires_at = datetime.strptime(body["expires_at"], "%Y-%m-%dT%H:%M:%SZ")
    week = timezone.now() + timedelta(days=7)
    assert abs(expires_at.replace(tzinfo=UTC) - week) < timedelta(seconds=5)
    user.refresh_from_db()
    assert user.last_login is not None


def test_only_the_digest_of_a_token_is_stored(
    client: Client, user: User, password: str
) -> None:
    token = login(client, "ann@example.com", password).json()["token"]

    stored = AccessToken.objects.get(user=user)
    assert stored.digest == hashlib.sha256(token.encode()).hexdigest()
    assert not AccessToken.objects.filter(digest=token).exists()


@pytest.mark.parametrize(
    ("email", "wrong"), [("ann@example.com", "wrong password"), ("bob@example.com", "")]
)
def test_login_fails_alike_for_a_wrong_password_or_email(
    client: Client, user: User, password: str, email: str, wrong: str
) -> None:
    response = login(client, email, wrong + password)

    problem = assert_problem(response, 401, "/auth/login")
    assert problem["detail"] == "Invalid email or password."
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "body", [{}, {"email": "ann@example.com"}, {"email": 1, "password": "x"}]
)
def test_login_needs_both_strings(client: Client, body: dict[str, Any]) -> None:
    response = client.post("/auth/login", body, content_type=JSON)

    assert_problem(response, 400, "/auth/login")
    assert not LoginFailure.objects.exists()


# Me and log out


def test_me(user: User, token: str) -> None:
    response = bearer(token).get("/auth/me")

    assert response.status_code == 200
    assert response.json() == {"id": user.pk, "email": "ann@example.com"}


def test_the_scheme_is_case_insensitive(token: str) -> None:
    response = Client(headers={"authorization": f"bEaReR {token}"}).get("/auth/me")

    assert response.status_code == 200


@pytest.mark.parametrize("authorization", [None, "Basic YW5uOnBhc3M=", "Token abc"])
def test_me_without_a_bearer_token_is_401(authorization: str | None) -> None:
    headers = {"authorization": authorization} if authorization else {}
    response = Client(headers=headers).get("/auth/me")

    assert_problem(response, 401, "/auth/me")
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "token", ["", "abc", "A" * 43, "A" * 42 + "!", "A" * 44, "x" * 10_000]
)
def test_me_with_a_bad_token_is_401_invalid_token(user: User, token: str) -> None:
    response = bearer(token).get("/auth/me")

    assert_problem(response, 401, "/auth/me")
    assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_logout_revokes_the_token_at_once(token: str) -> None:
    client = bearer(token)

    response = client.post("/auth/logout")
    assert response.status_code == 204
    assert response.content == b""
    again = client.get("/auth/me")
    assert_problem(again, 401, "/auth/me")
    assert again["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert_problem(client.post("/auth/logout"), 401, "/auth/logout")


def test_logout_needs_a_token() -> None:
    assert_problem(Client().post("/auth/logout"), 401, "/auth/logout")


def test_logout_leaves_the_other_tokens(
    client: Client, user: User, password: str
) -> None:
    first = login(client, "ann@example.com", password).json()["token"]
    second = login(client, "ann@example.com", password).json()["token"]

    bearer(first).post("/auth/logout")

    assert bearer(second).get("/auth/me").status_code == 200


def test_a_token_expires(settings: Settings, token: str, later: Any) -> None:
    later(settings.AUTH_TOKEN_TTL_SECONDS - 1)
    assert bearer(token).get("/auth/me").status_code == 200

    later(settings.AUTH_TOKEN_TTL_SECONDS)
    response = bearer(token).get("/auth/me")
    assert_problem(response, 401, "/auth/me")
    assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_the_token_lifetime_is_a_setting(
    client: Client, settings: Settings, user: User, password: str, later: Any
) -> None:
    settings.AUTH_TOKEN_TTL_SECONDS = 60
    token = login(client, "ann@example.com", password).json()["token"]

    later(61)
    assert bearer(token).get("/auth/me").status_code == 401


def test_an_inactive_users_token_is_refused(user: User, token: str) -> None:
    user.is_active = False
    user.save()

    assert bearer(token).get("/auth/me").status_code == 401


# The login throttle


def test_ten_failures_throttle_the_email_even_the_right_password(
    client: Client, user: User, password: str, later: Any
) -> None:
    for _ in range(10):
        assert login(client, "ann@example.com", "wrong password!").status_code == 401

    response = login(client, "Ann@Example.com", password)
    assert_problem(response, 429, "/auth/login")
    assert 880 <= int(response["Retry-After"]) <= 900

    later(901)
    assert login(client, "ann@example.com", password).status_code == 200


def test_ten_failures_throttle_the_address(client: Client, user: User) -> None:
    for n in range(10):
        login(client, f"nobody{n}@example.com", "wrong password!")

    response = login(client, "ann@example.com", "whatever it is")
    assert_problem(response, 429, "/auth/login")
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert login(other, "someone@example.com", "wrong password!").status_code == 401


def test_a_success_clears_the_failures_of_its_email(
    client: Client, user: User, password: str
) -> None:
    for _ in range(9):
        login(client, "ann@example.com", "wrong password!")
    assert login(client, "ann@example.com", password).status_code == 200

    for _ in range(9):
        login(Client(REMOTE_ADDR="192.0.2.8"), "ann@example.com", "wrong password!")
    assert login(client, "ann@example.com", password).status_code == 200


def test_the_throttle_is_set_from_settings(
    client: Client, settings: Settings, user: User, password: str, later: Any
) -> None:
    settings.AUTH_MAX_FAILURES = 2
    settings.AUTH_FAILURE_WINDOW_SECONDS = 60
    login(client, "ann@example.com", "wrong password!")
    login(client, "ann@example.com", "wrong password!")

    response = login(client, "ann@example.com", password)
    assert response.status_code == 429
    assert 55 <= int(response["Retry-After"]) <= 60
    later(61)
    assert login(client, "ann@example.com", password).status_code == 200


def test_the_failures_are_kept_in_the_database(client: Client, user: User) -> None:
    """So every gunicorn worker counts the same ones."""
    login(client, "ANN@example.com", "wrong password!")

    failure = LoginFailure.objects.get()
    assert (failure.email, failure.address) == ("ann@example.com", "127.0.0.1")
