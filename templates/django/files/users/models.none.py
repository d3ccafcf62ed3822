from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """The project's user model: add fields here, then run makemigrations."""
