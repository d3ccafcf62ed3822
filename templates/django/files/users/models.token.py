from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models

from .managers import UserManager


class User(AbstractUser):
    """The project's user model: the email address is the login (no username).

    Add fields here, then run makemigrations.
    """

    username = None
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    def __str__(self) -> str:
        return self.email


class AccessToken(models.Model):
    """A Bearer token of the API (users/tokens.py). Only the SHA-256 digest of
    the token is stored: the token itself is shown once, at login."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"token of {self.user} until {self.expires_at:%Y-%m-%d %H:%M}"


class LoginFailure(models.Model):
    """A failed login, counted by the login throttle (users/throttle.py). In the
    database, so that every gunicorn worker counts the same failures."""

    email = models.CharField(max_length=254, db_index=True)
    address = models.CharField(max_length=45, db_index=True)
    failed_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.email} from {self.address} at {self.failed_at:%Y-%m-%d %H:%M:%S}"
