from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from .models import User
from .validators import validate_email_address


class RegistrationForm(forms.Form):
    """An email address (trimmed, lower-cased) and a password that passes
    AUTH_PASSWORD_VALIDATORS (not trimmed)."""

    email = forms.CharField(validators=[validate_email_address])
    password = forms.CharField(strip=False)

    def clean_email(self) -> str:
        return User.objects.normalize_email(self.cleaned_data["email"])

    def clean(self) -> dict[str, str]:
        cleaned = super().clean() or {}
        if "email" in cleaned and "password" in cleaned:
            try:
                validate_password(cleaned["password"], User(email=cleaned["email"]))
            except ValidationError as error:
                self.add_error("password", error)
        return cleaned


class LoginForm(forms.Form):
    email = forms.CharField(strip=False)
    password = forms.CharField(strip=False)
