"""What every path decides the same way (request_checks.py, validation.py)."""

import io
import json

import pytest
from flask.testing import FlaskClient

from tests.problems import assert_problem


@pytest.mark.parametrize("path", ["/items/", "/ITEMS", "/Items", "/health/", "/Health"])
def test_paths_match_exactly_and_are_never_redirected(
    client: FlaskClient, path: str
) -> None:
    assert_problem(client.get(path), 404, "Not Found", path)


@pytest.mark.parametrize(
    ("path", "allowed"),
    [("/items", {"GET", "POST"}), ("/items/1", {"GET", "PUT", "PATCH", "DELETE"})],
)
def test_options_lists_the_methods_with_an_empty_body(
    client: FlaskClient, path: str, allowed: set[str]
) -> None:
    response = client.options(path)
    assert response.status_code == 200
    assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}
    assert response.data == b""


def test_head_answers_as_get_without_a_body(client: FlaskClient) -> None:
    response = client.head("/health")
    assert response.status_code == 200
    assert response.content_type == "application/json"
    assert response.data == b""


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PROPFIND", "FOO", "get"])
@pytest.mark.parametrize("path", ["/items", "/health", "/nowhere"])
def test_a_method_http_does_not_define_here_is_501(
    client: FlaskClient, method: str, path: str
) -> None:
    response = client.open(path, method=method)
    assert_problem(response, 501, "Not Implemented", path)


@pytest.mark.parametrize("query", ["limit=2&limit=3", "offset=1&offset=1"])
def test_a_query_parameter_given_twice_is_400(client: FlaskClient, query: str) -> None:
    response = client.get(f"/items?{query}")
    assert_problem(response, 400, "Bad Request", "/items")
    name = query.split("=")[0]
    assert [error["pointer"] for error in response.json["errors"]] == [f"/{name}"]


def test_a_query_parameter_the_route_does_not_read_is_ignored(
    client: FlaskClient,
) -> None:
    assert client.get("/items?sort=name&sort=id").status_code == 200


@pytest.mark.parametrize(
    ("target", "path"),
    [
        ("/%", "/%"),
        ("/items?x=%zz", "/items"),
        ("/items/%4", "/items/%4"),
        ("/items/%00", "/items/%00"),
        ("/items/%ff", "/items/%ff"),
        ("/items?name=%c3%28", "/items"),
    ],
)
def test_a_malformed_url_is_400(client: FlaskClient, target: str, path: str) -> None:
    response = client.get(target, environ_overrides={"RAW_URI": target})
    assert_problem(response, 400, "Bad Request", path)


def test_a_request_line_over_8192_bytes_is_414(client: FlaskClient) -> None:
    fits = "/items?x=" + "a" * (8192 - len("GET  HTTP/1.1") - len("/items?x="))
    assert client.get(fits).status_code == 200
    response = client.get(fits + "a")
    assert_problem(response, 414, "URI Too Long", "/items")


def test_headers_over_16384_bytes_are_431(client: FlaskClient) -> None:
    assert client.get("/health", headers={"X-Big": "a" * 9000}).status_code == 200
    response = client.get("/health", headers={"X-A": "a" * 9000, "X-B": "b" * 9000})
    assert_problem(response, 431, "Request Header Fields Too Large", "/health")


@pytest.mark.parametrize(
    "content_type",
    [
        "application/problem+json",
        "application/merge-patch+json",
        "application/json; charset=latin-1",
        "multipart/form-data; boundary=x",
        "text/json",
    ],
)
def test_a_body_that_is_not_application_json_is_415(
    client: FlaskClient, content_type: str
) -> None:
    response = client.post("/items", data='{"name": "x"}', content_type=content_type)
    assert_problem(response, 415, "Unsupported Media Type", "/items")
    assert client.get("/items").json["total"] == 0


def test_a_charset_of_utf_8_in_any_case_is_json(client: FlaskClient) -> None:
    response = client.post(
        "/items", data='{"name": "x"}', content_type="application/json; charset=UTF-8"
    )
    assert response.status_code == 201


def test_a_declared_length_over_1_mib_is_413_before_the_body_is_read(
    client: FlaskClient,
) -> None:
    body = io.BytesIO(b"never read")
    response = client.post(
        "/items",
        input_stream=body,
        content_type="application/json",
        environ_overrides={"CONTENT_LENGTH": str(1024 * 1024 + 1)},
    )
    assert_problem(response, 413, "Content Too Large", "/items")
    assert body.tell() == 0


@pytest.mark.parametrize(
    ("size", "status"), [(1024 * 1024, 400), (2 * 1024 * 1024, 413)]
)
def test_a_chunked_body_over_1_mib_is_413(
    client: FlaskClient, size: int, status: int
) -> None:
    """Without a Content-Length (chunked), the body is measured as it is read."""
    body = b'{"description": "' + b"d" * (size - 19) + b'"}'
    response = client.post(
        "/items",
        input_stream=io.BytesIO(body),
        content_type="application/json",
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == status


def test_a_content_length_that_is_not_a_number_is_400(client: FlaskClient) -> None:
    response = client.get("/health", environ_overrides={"CONTENT_LENGTH": "x1"})
    assert_problem(response, 400, "Bad Request", "/health")


def test_a_body_that_is_not_utf_8_is_400(client: FlaskClient) -> None:
    response = client.post(
        "/items", data=b'{"name": "caf\xe9"}', content_type="application/json"
    )
    assert_problem(response, 400, "Bad Request", "/items")


@pytest.mark.parametrize(
    ("body", "pointers"),
    [
        ('{"name": "\\ud800"}', ["/name"]),
        ('{"name": "ok", "description": "a\\udc00b"}', ["/description"]),
        ('{"name": "ok", "extra": ["\\udfff"]}', ["/extra/0"]),
        ('{"name": "\\ud83c\\udf75\\ud800"}', ["/name"]),
    ],
)
def test_an_unpaired_surrogate_is_400_and_never_stored(
    client: FlaskClient, body: str, pointers: list[str]
) -> None:
    response = client.post("/items", data=body, content_type="application/json")
    assert_problem(response, 400, "Bad Request", "/items")
    assert [error["pointer"] for error in response.json["errors"]] == pointers
    assert client.get("/items").json["total"] == 0


def test_a_paired_surrogate_escape_is_text(client: FlaskClient) -> None:
    response = client.post(
        "/items", data='{"name": "\\ud83c\\udf75"}', content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json["name"] == "\U0001f375"


def test_lengths_count_code_points(client: FlaskClient) -> None:
    """100 emoji are 100 characters (200 UTF-16 units, 400 UTF-8 bytes)."""
    name = "\U0001f375" * 100
    response = client.post("/items", json={"name": name})
    assert response.status_code == 201
    assert client.get(response.headers["Location"]).json["name"] == name
    too_long = client.post("/items", json={"name": name + "x"})
    assert_problem(too_long, 400, "Bad Request", "/items")


def test_a_body_on_a_route_that_reads_none_is_ignored(client: FlaskClient) -> None:
    response = client.get("/health", data=json.dumps([1, 2]), content_type="text/plain")
    assert response.status_code == 200
