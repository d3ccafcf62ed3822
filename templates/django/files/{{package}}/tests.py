import pytest
from django.core.management import call_command
from django.test import Client
from pytest_django import Settings


def test_health(client: Client) -> None:
    response = client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_answers_head(client: Client) -> None:
    assert client.head("/health").status_code == 200


def test_health_refuses_post(client: Client) -> None:
    response = client.post("/health")

    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    assert "GET" in response["Allow"]


def test_health_answers_any_host_over_plain_http(
    client: Client, settings: Settings
) -> None:
    settings.ALLOWED_HOSTS = ["example.com"]
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/health", headers={"host": "10.0.0.7:8000"}).status_code == 200
    refused = client.get("/items", headers={"host": "10.0.0.7:8000"})
    assert refused.status_code == 400
    assert refused["Content-Type"] == "application/problem+json"
    assert client.get("/items", headers={"host": "example.com"}).status_code == 301


@pytest.mark.django_db
def test_migrations_match_the_models() -> None:
    """Fails when a model changed without a migration (`manage.py makemigrations`)."""
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
