def test_health(client):
    response = client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_answers_head(client):
    assert client.head("/health").status_code == 200


def test_health_refuses_post(client):
    assert client.post("/health").status_code == 405


def test_health_answers_any_host_over_plain_http(client, settings):
    settings.ALLOWED_HOSTS = ["example.com"]
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/health", headers={"host": "10.0.0.7:8000"}).status_code == 200
    assert client.get("/items/", headers={"host": "10.0.0.7:8000"}).status_code == 400
    assert client.get("/items/", headers={"host": "example.com"}).status_code == 301
