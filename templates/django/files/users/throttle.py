"""The login throttle: after AUTH_MAX_FAILURES failed logins for one email, or
from one client address, within AUTH_FAILURE_WINDOW_SECONDS, every login for that
email or from that address is refused until the window of the oldest counted
failure ends (the right password too).

The failures are rows of the database (LoginFailure), so every gunicorn worker
counts the same ones. The address is the connection's peer (REMOTE_ADDR): behind
a proxy, that is the proxy's address.
"""

import math
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import LoginFailure

# The longest email and address stored; longer ones are counted by their start.
EMAIL_MAX = 254
ADDRESS_MAX = 45


def retry_after(email: str, address: str) -> int | None:
    """Seconds until a login for `email` from `address` may be tried again, or
    None when it may be tried now."""
    email, address = email[:EMAIL_MAX], address[:ADDRESS_MAX]
    now = timezone.now()
    window = timedelta(seconds=settings.AUTH_FAILURE_WINDOW_SECONDS)
    limit = settings.AUTH_MAX_FAILURES
    recent = LoginFailure.objects.filter(failed_at__gt=now - window)
    waits = []
    for failures in (recent.filter(email=email), recent.filter(address=address)):
        newest = failures.order_by("-failed_at").values_list("failed_at", flat=True)
        times = list(newest[:limit])
        if len(times) >= limit:
            # Until the oldest of these leaves the window, `limit` are in it.
            waits.append(times[-1] + window - now)
    if not waits:
        return None
    return max(1, math.ceil(max(waits).total_seconds()))


def record_failure(email: str, address: str) -> None:
    now = timezone.now()
    window = timedelta(seconds=settings.AUTH_FAILURE_WINDOW_SECONDS)
    LoginFailure.objects.filter(failed_at__lte=now - window).delete()
    LoginFailure.objects.create(
        email=email[:EMAIL_MAX], address=address[:ADDRESS_MAX], failed_at=now
    )


def clear(email: str) -> None:
    """A successful login forgets the failures of its email."""
    LoginFailure.objects.filter(email=email[:EMAIL_MAX]).delete()
