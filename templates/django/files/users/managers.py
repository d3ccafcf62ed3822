from typing import Any

from django.contrib.auth.base_user import BaseUserManager


class UserManager(BaseUserManager):
    """Users by email address: trimmed and lower-cased, so that one address is
    one account whatever its case (Ann@Example.COM is ann@example.com)."""

    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        return (email or "").strip().lower()

    def get_by_natural_key(self, email: str | None) -> Any:
        return self.get(email=self.normalize_email(email))

    def create_user(
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> Any:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> Any:
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if (
            extra_fields["is_staff"] is not True
            or extra_fields["is_superuser"] is not True
        ):
            raise ValueError(
                "A superuser must have is_staff=True and is_superuser=True."
            )
        return self._create_user(email, password, **extra_fields)

    def _create_user(
        self, email: str, password: str | None, **extra_fields: Any
    ) -> Any:
        if not email:
            raise ValueError("The email address must be set.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user
