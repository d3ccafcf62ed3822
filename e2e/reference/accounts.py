"""Accounts, tokens and the login throttle as docs/api-contract.md describes them, in memory."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import math
import re
import secrets
import threading
import time
from dataclasses import dataclass, field

TOKEN_TTL = 604_800
MAX_FAILURES = 10
WINDOW = 900
LOGIN_FAILED = "Invalid email or password."
TOKEN_TEXT = re.compile(r"^[A-Za-z0-9_-]{22,}$")
# scrypt, cheaper than a stack would run it (the ecosystems' recommended parameters) so that the
# suite's own tests, which log in some hundred times, stay quick.
SCRYPT = {"n": 2**12, "r": 8, "p": 1, "dklen": 32}


@dataclass
class Account:
    id: int
    email: str
    salt: bytes
    digest: bytes


@dataclass
class Outcome:
    """What a login came to: an account and token, or a status with a detail."""

    status: int
    detail: str = ""
    token: str = ""
    expires_at: str = ""
    retry_after: int = 0


def hash_password(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, **SCRYPT)


def is_surrogate_free(text: str) -> bool:
    return not any(0xD800 <= ord(c) <= 0xDFFF for c in text)


def email_problem(value) -> str | None:
    if not isinstance(value, str):
        return "email must be a string"
    email = value.strip()
    if not is_surrogate_free(email):
        return "email is not valid Unicode"
    if len(email) > 254 or any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in email):
        return "email is not a valid address"
    local, at, domain = email.partition("@")
    if not at or "@" in domain or not 1 <= len(local) <= 64:
        return "email is not a valid address"
    labels = domain.split(".")
    if len(labels) < 2 or not all(labels):
        return "email is not a valid address"
    return None


def password_problem(value) -> str | None:
    if not isinstance(value, str):
        return "password must be a string"
    if not is_surrogate_free(value):
        return "password is not valid Unicode"
    if len(value) < 12:
        return "password must be at least 12 characters"
    if len(value.encode()) > 72:
        return "password must be at most 72 bytes in UTF-8"
    return None


@dataclass
class Accounts:
    token_bytes = 32  # 256 random bits, 43 URL-safe characters
    token_pattern = TOKEN_TEXT
    token_ttl: int = TOKEN_TTL
    max_failures: int = MAX_FAILURES
    window: int = WINDOW
    by_email: dict[str, Account] = field(default_factory=dict)
    tokens: dict[str, tuple[int, float]] = field(default_factory=dict)  # sha256 → (account id, expiry)
    failures: dict[str, list[float]] = field(default_factory=dict)  # "email:…" / "addr:…" → times
    lock: threading.Lock = field(default_factory=threading.Lock)
    dummy_salt: bytes = field(default_factory=lambda: secrets.token_bytes(16))

    def normalise(self, email: str) -> str:
        return email.strip().lower()

    def register(self, email: str, password: str) -> Account | None:
        """The new account, or None when the email is taken."""
        key = self.normalise(email)
        salt = secrets.token_bytes(16)
        digest = hash_password(password, salt)
        with self.lock:
            if key in self.by_email:
                return None
            account = Account(len(self.by_email) + 1, key, salt, digest)
            self.by_email[key] = account
            return account

    # ---- the throttle

    def counted(self, key: str, now: float) -> list[float]:
        times = [t for t in self.failures.get(key, []) if t > now - self.window]
        self.failures[key] = times
        return times

    def wait(self, keys: list[str], now: float) -> int:
        """Seconds until every key is under the limit again (0: not throttled)."""
        longest = 0.0
        for key in keys:
            times = sorted(self.counted(key, now))
            if len(times) >= self.max_failures:
                # Under the limit once the (len - max + 1)-th oldest failure leaves the window.
                longest = max(longest, times[len(times) - self.max_failures] + self.window - now)
        return math.ceil(longest) if longest > 0 else 0

    def throttle_keys(self, email: str, peer: str) -> list[str]:
        return [f"email:{self.normalise(email)}", f"addr:{peer}"]

    def record_failure(self, email: str, peer: str, now: float) -> None:
        for key in self.throttle_keys(email, peer):
            self.failures.setdefault(key, []).append(now)

    def clear_failures(self, email: str) -> None:
        self.failures.pop(f"email:{self.normalise(email)}", None)

    # ---- login, tokens

    def login(self, email: str, password: str, peer: str) -> Outcome:
        now = time.time()
        with self.lock:
            retry = self.wait(self.throttle_keys(email, peer), now)
            account = self.by_email.get(self.normalise(email))
        if retry:
            return Outcome(429, "Too many failed logins; try again later.", retry_after=retry)
        digest = hash_password(password, account.salt if account else self.dummy_salt)
        if account is None or not hmac.compare_digest(digest, account.digest):
            with self.lock:
                self.record_failure(email, peer, now)
            return Outcome(401, LOGIN_FAILED)
        with self.lock:
            self.clear_failures(email)
        token, expires = self.issue(account, now)
        return Outcome(200, token=token, expires_at=expires)

    def issue(self, account: Account, now: float) -> tuple[str, str]:
        token = secrets.token_urlsafe(self.token_bytes)
        expiry = now + self.token_ttl
        with self.lock:
            self.tokens[hashlib.sha256(token.encode()).hexdigest()] = (account.id, expiry)
        stamp = datetime.datetime.fromtimestamp(int(expiry), datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return token, stamp

    def account_of(self, token: str) -> Account | None:
        if not self.token_pattern.match(token):
            return None
        key = hashlib.sha256(token.encode()).hexdigest()
        with self.lock:
            found = next(((aid, exp) for k, (aid, exp) in self.tokens.items() if hmac.compare_digest(k, key)), None)
            if found is None or found[1] <= time.time():
                return None
            return next((a for a in self.by_email.values() if a.id == found[0]), None)

    def revoke(self, token: str) -> None:
        with self.lock:
            self.tokens.pop(hashlib.sha256(token.encode()).hexdigest(), None)
