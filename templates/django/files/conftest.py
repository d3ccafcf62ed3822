import pytest


@pytest.fixture(autouse=True)
def _plain_http(settings):
    """The test client speaks plain HTTP: no redirect to HTTPS."""
    settings.SECURE_SSL_REDIRECT = False
