"""Bearer tokens: 256 random bits from the operating system, URL-safe.

The client gets the token once, at login; the database keeps only its SHA-256
digest (enough for a random token: nothing to guess, no salt needed), so a copy
of the database holds no usable token. A token is looked up by its digest.
"""

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .models import AccessToken, User

# What secrets.token_urlsafe(32) makes: 43 characters of base64url.
TOKEN_FORMAT = re.compile(r"[A-Za-z0-9_-]{43}")


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def issue(user: User) -> tuple[str, datetime]:
    """A new token for `user` and the time it expires (whole seconds, UTC)."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    expires_at = now.replace(microsecond=0) + timedelta(
        seconds=settings.AUTH_TOKEN_TTL_SECONDS
    )
    AccessToken.objects.create(user=user, digest=digest(token), expires_at=expires_at)
    # The user's expired tokens are of no use any more.
    AccessToken.objects.filter(user=user, expires_at__lte=now).delete()
    return token, expires_at


def find(token: str) -> AccessToken | None:
    """The live token `token` stands for, with its user; None when it is
    malformed, unknown, expired, revoked, or its user is inactive."""
    if not TOKEN_FORMAT.fullmatch(token):
        return None
    found = AccessToken.objects.select_related("user").filter(digest=digest(token))
    record = found.first()
    if (
        record is None
        or record.expires_at <= timezone.now()
        or not record.user.is_active
    ):
        return None
    return record


def bearer_of(authorization: str) -> str | None:
    """The token of an `Authorization: Bearer <token>` header (the scheme in any
    case); None when there is no header or it names another scheme."""
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip()
