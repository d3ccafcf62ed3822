import pytest
from flask.testing import FlaskClient


def create(client: FlaskClient, **fields: object) -> dict[str, object]:
    response = client.post("/items", json={"name": "First", **fields})
    assert response.status_code == 201
    return response.json


def test_list_is_empty_at_first(client: FlaskClient) -> None:
    response = client.get("/items")
    assert response.status_code == 200
    assert response.json == []


def test_create_and_read(client: FlaskClient) -> None:
    response = client.post("/items", json={"name": " First ", "description": "One"})
    assert response.status_code == 201
    item = response.json
    assert item == {"id": item["id"], "name": "First", "description": "One"}
    assert response.headers["Location"] == f"/items/{item['id']}"

    assert client.get(f"/items/{item['id']}").json == item
    assert client.get("/items").json == [item]


def test_description_defaults_to_empty(client: FlaskClient) -> None:
    assert create(client)["description"] == ""


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ""},
        {"name": "   "},
        {"name": 42},
        {"name": "x" * 101},
        {"name": "ok", "description": 1},
        {"name": "ok", "description": "x" * 501},
        ["not", "an", "object"],
    ],
)
def test_create_rejects_invalid_body(client: FlaskClient, body: object) -> None:
    response = client.post("/items", json=body)
    assert response.status_code == 400
    assert response.json["error"] == "Bad Request"


def test_create_rejects_non_json(client: FlaskClient) -> None:
    response = client.post("/items", data="name=First")
    assert response.status_code == 400
    assert response.json["message"] == "The request body must be a JSON object."


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


def test_update_rejects_invalid_body(client: FlaskClient) -> None:
    item = create(client)
    assert client.put(f"/items/{item['id']}", json={}).status_code == 400
    assert client.patch(f"/items/{item['id']}", json={"name": ""}).status_code == 400
    assert client.get(f"/items/{item['id']}").json["name"] == "First"


def test_delete(client: FlaskClient) -> None:
    item = create(client)
    response = client.delete(f"/items/{item['id']}")
    assert response.status_code == 204
    assert client.get(f"/items/{item['id']}").status_code == 404
    assert client.get("/items").json == []


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_missing_item_is_404(client: FlaskClient, method: str) -> None:
    response = getattr(client, method)("/items/999", json={"name": "x"})
    assert response.status_code == 404
    assert response.json == {"error": "Not Found", "message": "Item 999 not found."}
