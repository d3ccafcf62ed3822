import pytest
from flask.testing import FlaskClient

from tests.problems import assert_problem


def create(client: FlaskClient, **fields: object) -> dict[str, object]:
    response = client.post("/items", json={"name": "First", **fields})
    assert response.status_code == 201
    return response.json


def test_list_is_an_empty_page_at_first(client: FlaskClient) -> None:
    response = client.get("/items")
    assert response.status_code == 200
    assert response.content_type == "application/json"
    assert response.json == {"items": [], "limit": 20, "offset": 0, "total": 0}


def test_create_and_read(client: FlaskClient) -> None:
    response = client.post(
        "/items", json={"name": " First ", "description": " One ", "id": 99}
    )
    assert response.status_code == 201
    item = response.json
    assert item == {"id": item["id"], "name": "First", "description": " One "}
    assert response.headers["Location"] == f"/items/{item['id']}"

    assert client.get(f"/items/{item['id']}").json == item
    assert client.get("/items").json["items"] == [item]


def test_json_content_type_may_have_parameters(client: FlaskClient) -> None:
    response = client.post(
        "/items",
        data='{"name": "Tea"}',
        content_type="application/json; charset=utf-8",
    )
    assert response.status_code == 201


def test_description_defaults_to_empty(client: FlaskClient) -> None:
    assert create(client)["description"] == ""


def test_unicode_is_kept_exactly(client: FlaskClient) -> None:
    text = "🍵 чай شاي"
    item = create(client, name=text, description=text)
    assert client.get(f"/items/{item['id']}").json["name"] == text


def test_lengths_at_the_limits_are_accepted(client: FlaskClient) -> None:
    item = create(client, name="x" * 100, description="y" * 1000)
    assert len(item["name"]) == 100
    assert len(item["description"]) == 1000


def test_list_is_paged_by_id(client: FlaskClient) -> None:
    ids = [create(client, name=f"Item {n}")["id"] for n in range(3)]
    response = client.get("/items?limit=2&offset=1")
    assert response.status_code == 200
    page = response.json
    assert [item["id"] for item in page["items"]] == ids[1:3]
    assert (page["limit"], page["offset"], page["total"]) == (2, 1, 3)
    assert client.get("/items?offset=99999999999999999999").json["items"] == []
    page = client.get("/items?offset=" + "0" * 5000 + "2").json  # leading zeros
    assert ([item["id"] for item in page["items"]], page["offset"]) == (ids[2:], 2)


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=101",
        "limit=abc",
        "limit=-1",
        "offset=-1",
        "offset=x",
        "limit=" + "9" * 5000,
        "offset=" + "9" * 5000,
    ],
)
def test_list_rejects_a_bad_page(client: FlaskClient, query: str) -> None:
    response = client.get(f"/items?{query}")
    assert_problem(response, 400, "Bad Request", "/items")
    name = query.split("=")[0]
    assert [error["pointer"] for error in response.json["errors"]] == [f"/{name}"]


@pytest.mark.parametrize(
    ("body", "pointers"),
    [
        ({}, ["/name"]),
        ({"name": ""}, ["/name"]),
        ({"name": "   "}, ["/name"]),
        ({"name": 123}, ["/name"]),
        ({"name": None}, ["/name"]),
        ({"name": True}, ["/name"]),
        ({"name": ["x"]}, ["/name"]),
        ({"name": "x" * 101}, ["/name"]),
        ({"name": "a\u0000b"}, ["/name"]),
        ({"name": "ok", "description": 1}, ["/description"]),
        ({"name": "ok", "description": None}, ["/description"]),
        ({"name": "ok", "description": "x" * 1001}, ["/description"]),
        ({"name": "ok", "description": "\u0000"}, ["/description"]),
        ({"name": 1, "description": 2}, ["/name", "/description"]),
    ],
)
def test_create_rejects_invalid_fields(
    client: FlaskClient, body: dict[str, object], pointers: list[str]
) -> None:
    response = client.post("/items", json=body)
    assert_problem(response, 400, "Bad Request", "/items")
    assert [error["pointer"] for error in response.json["errors"]] == pointers
    assert all(isinstance(error["detail"], str) for error in response.json["errors"])
    assert client.get("/items").json["total"] == 0


@pytest.mark.parametrize(
    "data",
    [
        "{not json",
        "[1, 2]",
        '"text"',
        "42",
        "null",
        "[" * 100_000,
        "NaN",
        '{"name": "Tea", "price": Infinity}',
        '{"name": "Tea", "price": -Infinity}',
        '{"name": "Tea", "price": NaN}',
    ],
)
def test_create_rejects_a_body_that_is_not_a_json_object(
    client: FlaskClient, data: str
) -> None:
    response = client.post("/items", data=data, content_type="application/json")
    assert_problem(response, 400, "Bad Request", "/items")


def test_replace(client: FlaskClient) -> None:
    item = create(client, description="One")
    response = client.put(f"/items/{item['id']}", json={"name": "Renamed"})
    assert response.status_code == 200
    assert response.json == {"id": item["id"], "name": "Renamed", "description": ""}
    assert client.get(f"/items/{item['id']}").json == response.json


def test_patch_changes_only_given_fields(client: FlaskClient) -> None:
    item = create(client, description="One")
    response = client.patch(f"/items/{item['id']}", json={"description": "Two"})
    assert response.status_code == 200
    assert response.json == {"id": item["id"], "name": "First", "description": "Two"}
    unchanged = client.patch(f"/items/{item['id']}", json={})
    assert unchanged.json == response.json


def test_update_rejects_invalid_body(client: FlaskClient) -> None:
    item = create(client)
    path = f"/items/{item['id']}"
    assert_problem(client.put(path, json={}), 400, "Bad Request", path)
    assert_problem(client.patch(path, json={"name": 5}), 400, "Bad Request", path)
    assert_problem(
        client.patch(path, data="[", content_type="application/json"),
        400,
        "Bad Request",
        path,
    )
    assert_problem(
        client.put(path, data="x", content_type="text/plain"),
        415,
        "Unsupported Media Type",
        path,
    )
    assert client.get(path).json["name"] == "First"


def test_delete(client: FlaskClient) -> None:
    item = create(client)
    response = client.delete(f"/items/{item['id']}")
    assert response.status_code == 204
    assert response.data == b""
    assert_problem(
        client.get(f"/items/{item['id']}"), 404, "Not Found", f"/items/{item['id']}"
    )
    assert client.get("/items").json["items"] == []


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_missing_item_is_404(client: FlaskClient, method: str) -> None:
    response = getattr(client, method)("/items/999", json={"name": "x"})
    assert_problem(response, 404, "Not Found", "/items/999")
    assert response.json["detail"] == "Item 999 not found."
