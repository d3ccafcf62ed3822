import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.problems import assert_problem


@pytest.mark.parametrize("path", ["/nowhere", "/items/", "/health/"])
def test_unknown_path_is_a_404_problem(client: FlaskClient, path: str) -> None:
    assert_problem(client.get(path), 404, "Not Found", path)


@pytest.mark.parametrize(
    "item_id",
    ["abc", "0", "-1", "1.5", "007", "2147483648", "99999999999999999999999"],
)
@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_an_id_that_cannot_exist_is_a_404_problem(
    client: FlaskClient, method: str, item_id: str
) -> None:
    path = f"/items/{item_id}"
    response = getattr(client, method)(path, json={"name": "x"})
    assert_problem(response, 404, "Not Found", path)


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("post", "/items/1", {"GET", "PUT", "PATCH", "DELETE"}),
        ("delete", "/items", {"GET", "POST"}),
        ("put", "/items", {"GET", "POST"}),
        ("delete", "/health", {"GET"}),
    ],
)
def test_wrong_method_is_a_405_problem_with_allow(
    client: FlaskClient, method: str, path: str, allowed: set[str]
) -> None:
    response = getattr(client, method)(path, json={"name": "x"})
    assert_problem(response, 405, "Method Not Allowed", path)
    assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}


def test_body_over_1_mib_is_a_413_problem(client: FlaskClient) -> None:
    body = '{"name": "' + "x" * (1024 * 1024) + '"}'
    response = client.post("/items", data=body, content_type="application/json")
    assert_problem(response, 413, "Content Too Large", "/items")


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", None]
)
def test_body_that_is_not_json_is_a_415_problem(
    client: FlaskClient, content_type: str | None
) -> None:
    response = client.post("/items", data='{"name": "x"}', content_type=content_type)
    assert_problem(response, 415, "Unsupported Media Type", "/items")


def test_unhandled_error_is_a_500_problem_without_details(app: Flask) -> None:
    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret detail")

    response = app.test_client().get("/boom")
    assert_problem(response, 500, "Internal Server Error", "/boom")
    assert "secret detail" not in response.get_data(as_text=True)


def test_debug_mode_answers_problems_too(app: Flask) -> None:
    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret detail")

    app.debug = True
    client = app.test_client()
    assert_problem(client.get("/boom"), 500, "Internal Server Error", "/boom")
    assert_problem(client.get("/nowhere"), 404, "Not Found", "/nowhere")
