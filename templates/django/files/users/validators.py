"""The rules of the API's accounts: what an email address and a password must be."""

import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

EMAIL_MAX = 254
LOCAL_PART_MAX = 64


def validate_email_address(value: str) -> None:
    """At most 254 characters, one "@" with 1 to 64 characters before it, a
    domain of dot-separated labels (at least two, none empty), no white space or
    control characters; and Django's own EmailValidator."""
    local, _, domain = value.partition("@")
    labels = domain.split(".")
    if (
        len(value) > EMAIL_MAX
        or value.count("@") != 1
        or not 1 <= len(local) <= LOCAL_PART_MAX
        or len(labels) < 2
        or not all(labels)
        or any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in value)
    ):
        raise ValidationError("Enter a valid email address.", code="invalid")
    EmailValidator()(value)


class MaximumBytesValidator:
    """A password of at most 72 bytes in UTF-8: bcrypt's limit, which every
    sprout stack keeps so that one account rule holds everywhere."""

    def __init__(self, max_bytes: int = 72) -> None:
        self.max_bytes = max_bytes

    def validate(self, password: str, user: Any = None) -> None:
        if len(password.encode("utf-8", "surrogatepass")) > self.max_bytes:
            raise ValidationError(self.get_help_text(), code="password_too_long")

    def get_help_text(self) -> str:
        return f"Your password must be at most {self.max_bytes} bytes long in UTF-8."
