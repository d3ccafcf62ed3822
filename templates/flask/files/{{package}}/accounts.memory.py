"""Accounts, their tokens and failed logins, kept in memory.

Like the items, they are gone when the server stops, and each app (each server
process) has its own: gunicorn runs one process, so the login throttle counts
every failure it serves.
"""

import itertools
import threading
from dataclasses import dataclass
from datetime import datetime


@dataclass
class User:
    id: int
    email: str
    password_hash: str

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "email": self.email}


@dataclass
class LoginFailure:
    id: int
    email: str | None  # None when what was sent is not an email address
    address: str
    failed_at: datetime


class AccountStore:
    """A thread-safe store of accounts, tokens (their SHA-256) and failed logins."""

    def __init__(self) -> None:
        self._users: dict[str, User] = {}  # by email
        self._tokens: dict[str, tuple[User, datetime]] = {}  # by token hash
        self._failures: list[LoginFailure] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def create_user(self, email: str, password_hash: str) -> User | None:
        """The new account, or None when the email is taken."""
        with self._lock:
            if email in self._users:
                return None
            user = User(next(self._ids), email, password_hash)
            self._users[email] = user
            return user

    def user_by_email(self, email: str) -> User | None:
        with self._lock:
            return self._users.get(email)

    def add_token(
        self, user: User, token_hash: str, expires_at: datetime, now: datetime
    ) -> None:
        """Keep a new token, and forget those that have expired."""
        with self._lock:
            self._tokens = {h: t for h, t in self._tokens.items() if t[1] > now}
            self._tokens[token_hash] = (user, expires_at)

    def user_by_token(self, token_hash: str, now: datetime) -> User | None:
        """The account of a token that has not expired, or None."""
        with self._lock:
            user, expires_at = self._tokens.get(token_hash, (None, now))
            if expires_at <= now:
                self._tokens.pop(token_hash, None)
                return None
            return user

    def delete_token(self, token_hash: str) -> None:
        with self._lock:
            self._tokens.pop(token_hash, None)

    def add_failure(self, email: str | None, address: str, now: datetime) -> int:
        with self._lock:
            failure = LoginFailure(next(self._ids), email, address, now)
            self._failures.append(failure)
            return failure.id

    def delete_failure(self, failure_id: int) -> None:
        with self._lock:
            self._failures = [f for f in self._failures if f.id != failure_id]

    def failures(
        self, email: str | None, address: str, since: datetime
    ) -> list[tuple[int, datetime | None]]:
        """The count and the oldest time of the failures after `since`, for the
        email (when there is one) and for the address."""
        with self._lock:
            self._failures = [f for f in self._failures if f.failed_at > since]
            scopes = [[f for f in self._failures if f.address == address]]
            if email is not None:
                scopes.append([f for f in self._failures if f.email == email])
            return [
                (len(scope), min((f.failed_at for f in scope), default=None))
                for scope in scopes
            ]

    def clear_failures(self, email: str) -> None:
        with self._lock:
            self._failures = [f for f in self._failures if f.email != email]
