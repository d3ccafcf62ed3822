"""Accounts and bearer tokens: /auth/register, /auth/login, /auth/me, /auth/logout.

- Passwords are hashed with Werkzeug's `generate_password_hash` (scrypt, salted;
  the method is PASSWORD_HASH_METHOD) and checked with `check_password_hash`,
  which compares in constant time. They are never stored, logged or echoed.
- A token is 256 random bits from the operating system (`secrets`), URL-safe;
  only its SHA-256 is stored, so a copy of the database holds no usable token.
  It lives AUTH_TOKEN_TTL_SECONDS; logging out deletes it.
- Logins are throttled: after AUTH_MAX_FAILURES failures for one email or from
  one client address within AUTH_FAILURE_WINDOW_SECONDS, every login for it is
  429 with Retry-After until the window has passed, the right password included.

`authenticate()` makes a route need a token: the items blueprint calls it
before every request.
"""

import hashlib
import math
import re
import secrets
from datetime import UTC, datetime, timedelta

from flask import Blueprint, current_app, g, request
from flask.blueprints import BlueprintSetupState
from werkzeug.exceptions import Conflict, TooManyRequests, Unauthorized
from werkzeug.security import check_password_hash, generate_password_hash

from .accounts import AccountStore, User
from .errors import InvalidFields
from .validation import json_object

bp = Blueprint("auth", __name__, url_prefix="/auth")

EMAIL_MAX_LENGTH = 254
EMAIL_LOCAL_MAX_LENGTH = 64
PASSWORD_MIN_LENGTH = 12  # characters (code points)
PASSWORD_MAX_BYTES = 72  # in UTF-8: bcrypt's limit, the same on every stack
TOKEN_BYTES = 32
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # what secrets.token_urlsafe(32) makes
INVALID_LOGIN = "Invalid email or password."

_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")


@bp.record_once
def create_store(state: BlueprintSetupState) -> None:
    state.app.extensions["accounts"] = AccountStore()


def accounts() -> AccountStore:
    return current_app.extensions["accounts"]


def now() -> datetime:
    """The current time, in whole seconds (tests replace it to move the clock)."""
    return datetime.now(UTC).replace(microsecond=0)


class NotAuthenticated(Unauthorized):
    """401 with the Bearer challenge of RFC 6750."""

    def __init__(self, description: str, *, invalid_token: bool = False) -> None:
        super().__init__(description=description)
        self.challenge = 'Bearer error="invalid_token"' if invalid_token else "Bearer"

    def get_headers(self, *args: object, **kwargs: object) -> list[tuple[str, str]]:
        headers = super().get_headers(*args, **kwargs)
        return [*headers, ("WWW-Authenticate", self.challenge)]


@bp.post("/register")
def register() -> tuple[dict[str, object], int]:
    data = json_object()
    email, password = _account_fields(data)
    password_hash = generate_password_hash(
        password, method=current_app.config["PASSWORD_HASH_METHOD"]
    )
    user = accounts().create_user(email, password_hash)
    if user is None:
        raise Conflict(description="An account with this email already exists.")
    return user.to_dict(), 201


@bp.post("/login")
def login() -> dict[str, object]:
    data = json_object()
    email, password = _login_fields(data)
    store = accounts()
    at = now()
    address = request.remote_addr or ""
    # An email that cannot be an account's is counted for the address only.
    key = email if _email_problem(email) is None else None
    # The attempt is counted first, so that logins running at once cannot all
    # pass the limit; it is taken back when the login is refused or succeeds.
    attempt = store.add_failure(key, address, at)
    wait = _retry_after(store, key, address, at)
    if wait is not None:
        store.delete_failure(attempt)
        raise TooManyRequests(
            description="Too many failed logins: try again later.", retry_after=wait
        )
    user = store.user_by_email(key) if key is not None else None
    # A hash is checked for an unknown email too: both failures take as long.
    stored = user.password_hash if user is not None else _decoy_hash()
    if not check_password_hash(stored, password) or user is None:
        raise NotAuthenticated(INVALID_LOGIN)
    store.clear_failures(user.email)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    expires_at = at + timedelta(seconds=current_app.config["AUTH_TOKEN_TTL_SECONDS"])
    store.add_token(user, token_hash(token), expires_at, at)
    return {
        "token": token,
        "token_type": "Bearer",
        "expires_at": expires_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


@bp.get("/me")
def me() -> dict[str, object]:
    return authenticate().to_dict()


@bp.post("/logout")
def logout() -> tuple[str, int]:
    authenticate()
    accounts().delete_token(g.token_hash)
    return "", 204


def authenticate() -> User:
    """The account of the request's bearer token (also `g.user`), or 401."""
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        raise NotAuthenticated("This path needs a bearer token.")
    token = credentials.strip()
    if not TOKEN.fullmatch(token):
        raise NotAuthenticated("The bearer token is malformed.", invalid_token=True)
    digest = token_hash(token)
    user = accounts().user_by_token(digest, now())
    if user is None:
        raise NotAuthenticated(
            "The bearer token is unknown, expired or revoked.", invalid_token=True
        )
    g.user, g.token_hash = user, digest
    return user


def token_hash(token: str) -> str:
    """What is stored of a token: its SHA-256 (enough for 256 random bits)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _retry_after(
    store: AccountStore, email: str | None, address: str, at: datetime
) -> int | None:
    """Seconds until a throttled login may be tried again, or None."""
    window = current_app.config["AUTH_FAILURE_WINDOW_SECONDS"]
    limit = current_app.config["AUTH_MAX_FAILURES"]
    since = at - timedelta(seconds=window)
    waits = [
        math.ceil((oldest - since).total_seconds())
        for count, oldest in store.failures(email, address, since)
        if count > limit and oldest is not None
    ]
    return max(1, *waits) if waits else None


def _decoy_hash() -> str:
    """A hash of no one's password, made once per app with the app's method."""
    decoy = current_app.extensions.get("auth_decoy_hash")
    if decoy is None:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        decoy = generate_password_hash(secrets.token_urlsafe(), method=method)
        current_app.extensions["auth_decoy_hash"] = decoy
    return decoy


def _account_fields(data: dict[str, object]) -> tuple[str, str]:
    """The email (trimmed, lower case) and the password of a new account, or 400."""
    errors: list[dict[str, str]] = []
    email, password = _strings(data, errors)
    if email is not None:
        email = email.strip().lower()
        problem = _email_problem(email)
        if problem is not None:
            errors.append({"pointer": "/email", "detail": problem})
    if password is not None:
        if len(password) < PASSWORD_MIN_LENGTH:
            errors.append(
                {
                    "pointer": "/password",
                    "detail": f"password must be at least {PASSWORD_MIN_LENGTH} "
                    "characters long.",
                }
            )
        elif len(password.encode("utf-8")) > PASSWORD_MAX_BYTES:
            errors.append(
                {
                    "pointer": "/password",
                    "detail": f"password must be at most {PASSWORD_MAX_BYTES} "
                    "bytes long in UTF-8.",
                }
            )
    if errors or email is None or password is None:
        raise InvalidFields(errors, "The account is not valid.")
    return email, password


def _login_fields(data: dict[str, object]) -> tuple[str, str]:
    """The email (trimmed, lower case) and the password of a login, or 400."""
    errors: list[dict[str, str]] = []
    email, password = _strings(data, errors)
    if errors or email is None or password is None:
        raise InvalidFields(errors, "The login is not valid.")
    return email.strip().lower(), password


def _strings(
    data: dict[str, object], errors: list[dict[str, str]]
) -> tuple[str | None, str | None]:
    """`email` and `password`, each a string or None after adding an error."""
    values: list[str | None] = []
    for key in ("email", "password"):
        value = data.get(key)
        if isinstance(value, str):
            values.append(value)
            continue
        fault = (
            "is required" if value is None and key not in data else "must be a string"
        )
        errors.append({"pointer": f"/{key}", "detail": f"{key} {fault}."})
        values.append(None)
    return values[0], values[1]


def _email_problem(email: str) -> str | None:
    """What is wrong with a trimmed, lower-case email address, or None."""
    local, at, domain = email.partition("@")
    if len(email) > EMAIL_MAX_LENGTH:
        return f"email must be at most {EMAIL_MAX_LENGTH} characters long."
    if _SPACE_OR_CONTROL.search(email):
        return "email must not hold white space or control characters."
    if not at or "@" in domain:
        return "email must hold exactly one @."
    if not 1 <= len(local) <= EMAIL_LOCAL_MAX_LENGTH:
        return f"email must have 1 to {EMAIL_LOCAL_MAX_LENGTH} characters before @."
    labels = domain.split(".")
    if len(labels) < 2 or not all(labels):
        return "email must have a domain of dot-separated names, such as example.com."
    return None
