"""The rules every request keeps, on every path (request_rules.py), as the test
client sends them. test_servers.py sends the bytes the test client cannot."""

import pytest
from django.http import HttpResponse
from django.test import Client


def assert_problem(response: HttpResponse, status: int, path: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert (problem["status"], problem["instance"]) == (status, path)


@pytest.mark.parametrize("method", ["FOO", "TRACE", "CONNECT", "PROPFIND"])
@pytest.mark.parametrize("path", ["/health", "/items", "/nowhere"])
def test_an_unknown_method_is_501(client: Client, method: str, path: str) -> None:
    assert_problem(client.generic(method, path), 501, path)


def test_a_request_line_over_8_kib_is_414(client: Client) -> None:
    assert client.get("/health?x=" + "x" * 8100).status_code == 200

    assert_problem(client.get("/health?x=" + "x" * 8200), 414, "/health")


def test_headers_over_16_kib_in_all_are_431(client: Client) -> None:
    headers = {f"x-part-{n}": "x" * 1000 for n in range(15)}
    assert client.get("/health", headers=headers).status_code == 200

    headers.update({"x-part-15": "x" * 1000, "x-part-16": "x" * 1000})
    assert_problem(client.get("/health", headers=headers), 431, "/health")


@pytest.mark.parametrize(
    ("path", "instance"),
    [
        ("/items/%ff", "/items/%FF"),
        ("/items/%00", "/items/%00"),
        ("/items/%c3%28", "/items/%C3%28"),
        ("/health?x=%zz", "/health"),
        ("/health?x=%", "/health"),
        ("/health?x=%ff", "/health"),
        ("/health?x=%00", "/health"),
    ],
)
def test_a_url_that_does_not_decode_is_400(
    client: Client, path: str, instance: str
) -> None:
    assert_problem(client.get(path), 400, instance)


def test_a_declared_length_over_1_mib_is_413_before_the_body_is_read(
    client: Client,
) -> None:
    response = client.generic(
        "POST",
        "/items",
        b"{}",
        content_type="application/json",
        CONTENT_LENGTH=str(2 * 1024 * 1024),
    )

    assert_problem(response, 413, "/items")


def test_options_on_health(client: Client) -> None:
    response = client.options("/health")

    assert response.status_code == 200
    assert {m.strip() for m in response["Allow"].split(",")} == {
        "GET",
        "HEAD",
        "OPTIONS",
    }
    assert response.content == b""


@pytest.mark.parametrize("path", ["/health/", "/HEALTH", "/Health"])
def test_health_matches_exactly(client: Client, path: str) -> None:
    assert_problem(client.get(path), 404, path)
