import pytest
from django.contrib.auth import get_user_model

from .models import User


def test_custom_user_model_is_active():
    assert get_user_model() is User


@pytest.mark.django_db
def test_create_user_hashes_the_password():
    user = User.objects.create_user(username="ada", password="correct horse battery")

    assert user.pk is not None
    assert user.password != "correct horse battery"
    assert user.check_password("correct horse battery")


def test_admin_lists_users(admin_client):
    assert admin_client.get("/admin/users/user/").status_code == 200
