def test_health(client):
    response = client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_answers_head(client):
    assert client.head("/health").status_code == 200


def test_health_refuses_post(client):
    assert client.post("/health").status_code == 405


def test_health_stays_on_plain_http_when_https_is_enforced(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/health").status_code == 200
    assert client.get("/items/").status_code == 301
