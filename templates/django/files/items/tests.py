"""The items API keeps the HTTP contract: statuses, headers and bodies."""

from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from pytest_django import Settings

from .models import Item

pytestmark = pytest.mark.django_db

JSON = "application/json"


def assert_problem(response: HttpResponse, status: int, title: str, path: str) -> None:
    """An RFC 9457 problem: application/problem+json with the five members."""
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "about:blank"
    assert problem["title"] == title
    assert problem["status"] == status
    assert isinstance(problem["detail"], str) and problem["detail"]
    assert problem["instance"] == path


def pointers(response: HttpResponse) -> list[str]:
    return [error["pointer"] for error in response.json()["errors"]]


@pytest.fixture
def item() -> Item:
    return Item.objects.create(name="First", description="The first item")


def create(client: Client, **fields: Any) -> dict[str, Any]:
    response = client.post("/items", {"name": "New", **fields}, content_type=JSON)
    assert response.status_code == 201
    return response.json()


def test_list_is_an_empty_page_at_first(client: Client) -> None:
    response = client.get("/items")

    assert response.status_code == 200
    assert response["Content-Type"] == JSON
    assert response.json() == {"items": [], "limit": 20, "offset": 0, "total": 0}


def test_list_is_paged_by_id(client: Client) -> None:
    ids = [Item.objects.create(name=f"Item {n}").pk for n in range(3)]

    page = client.get("/items?limit=2&offset=1").json()

    assert [entry["id"] for entry in page["items"]] == ids[1:]
    assert (page["limit"], page["offset"], page["total"]) == (2, 1, 3)
    assert client.get("/items?offset=99999999999999999999").json()["items"] == []


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=101", "limit=abc", "limit=-1", "offset=-1", "offset=x"]
)
def test_list_rejects_a_bad_page(client: Client, query: str) -> None:
    response = client.get(f"/items?{query}")

    assert_problem(response, 400, "Bad Request", "/items")
    assert pointers(response) == ["/" + query.split("=")[0]]


def test_create(client: Client) -> None:
    response = client.post(
        "/items",
        {"name": "  New ", "description": " Made by a test ", "id": 99},
        content_type=JSON,
    )

    assert response.status_code == 201
    assert response["Content-Type"] == JSON
    body = response.json()
    assert body["name"] == "New"
    assert body["description"] == " Made by a test "
    assert response["Location"] == f"/items/{body['id']}"
    assert Item.objects.filter(pk=body["id"], name="New").exists()


def test_create_accepts_json_with_a_charset(client: Client) -> None:
    response = client.post(
        "/items", '{"name": "New"}', content_type="application/json; charset=utf-8"
    )

    assert response.status_code == 201


def test_description_defaults_to_empty(client: Client) -> None:
    assert create(client)["description"] == ""


def test_unicode_is_kept_exactly(client: Client) -> None:
    text = "🍵 чай شاي"
    body = create(client, name=text, description=text)

    assert Item.objects.get(pk=body["id"]).name == text


def test_lengths_at_the_limits_are_accepted(client: Client) -> None:
    body = create(client, name="x" * 100, description="y" * 1000)

    assert (len(body["name"]), len(body["description"])) == (100, 1000)


@pytest.mark.parametrize(
    ("body", "expected"),
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
    client: Client, body: dict[str, Any], expected: list[str]
) -> None:
    response = client.post("/items", body, content_type=JSON)

    assert_problem(response, 400, "Bad Request", "/items")
    assert pointers(response) == expected
    assert all(isinstance(e["detail"], str) for e in response.json()["errors"])
    assert not Item.objects.exists()


@pytest.mark.parametrize(
    "data", ["{not json", "[1, 2]", '"text"', "42", "null", "[" * 100_000]
)
def test_create_rejects_a_body_that_is_not_a_json_object(
    client: Client, data: str
) -> None:
    response = client.post("/items", data, content_type=JSON)

    assert_problem(response, 400, "Bad Request", "/items")
    assert not Item.objects.exists()


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded"]
)
def test_create_rejects_a_body_that_is_not_json(
    client: Client, content_type: str
) -> None:
    response = client.post("/items", '{"name": "New"}', content_type=content_type)

    assert_problem(response, 415, "Unsupported Media Type", "/items")


def test_create_rejects_a_body_over_1_mib(client: Client) -> None:
    body = '{"name": "' + "x" * (1024 * 1024) + '"}'

    response = client.post("/items", body, content_type=JSON)

    assert_problem(response, 413, "Content Too Large", "/items")


def test_retrieve(client: Client, item: Item) -> None:
    response = client.get(f"/items/{item.pk}")

    assert response.status_code == 200
    assert response.json()["id"] == item.pk
    assert response.json()["name"] == "First"


def test_replace(client: Client, item: Item) -> None:
    response = client.put(f"/items/{item.pk}", {"name": "Renamed"}, content_type=JSON)

    assert response.status_code == 200
    item.refresh_from_db()
    assert (item.name, item.description) == ("Renamed", "")


def test_replace_requires_a_name(client: Client, item: Item) -> None:
    path = f"/items/{item.pk}"
    response = client.put(path, {"description": "No name"}, content_type=JSON)

    assert_problem(response, 400, "Bad Request", path)
    assert pointers(response) == ["/name"]
    item.refresh_from_db()
    assert item.name == "First"


def test_partial_update(client: Client, item: Item) -> None:
    path = f"/items/{item.pk}"
    response = client.patch(path, {"description": "Changed"}, content_type=JSON)

    assert response.status_code == 200
    assert response.json()["name"] == "First"
    assert response.json()["description"] == "Changed"
    unchanged = client.patch(path, {}, content_type=JSON)
    assert unchanged.status_code == 200
    assert unchanged.json() == response.json()


@pytest.mark.parametrize("body", [{"name": ""}, {"name": 5}, {"description": None}])
def test_partial_update_rejects_invalid_fields(
    client: Client, item: Item, body: dict[str, Any]
) -> None:
    path = f"/items/{item.pk}"
    response = client.patch(path, body, content_type=JSON)

    assert_problem(response, 400, "Bad Request", path)
    assert pointers(response) == ["/" + next(iter(body))]
    item.refresh_from_db()
    assert (item.name, item.description) == ("First", "The first item")


def test_delete(client: Client, item: Item) -> None:
    response = client.delete(f"/items/{item.pk}")

    assert response.status_code == 204
    assert response.content == b""
    assert not Item.objects.filter(pk=item.pk).exists()
    path = f"/items/{item.pk}"
    assert_problem(client.get(path), 404, "Not Found", path)


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_a_missing_item_is_404(client: Client, method: str) -> None:
    response = getattr(client, method)(
        "/items/999999", {"name": "Nobody"}, content_type=JSON
    )

    assert_problem(response, 404, "Not Found", "/items/999999")
    assert response.json()["detail"] == "Item 999999 not found."


@pytest.mark.parametrize(
    "item_id", ["abc", "0", "-1", "1.5", "007", "2147483648", "99999999999999999999999"]
)
@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_an_id_that_cannot_exist_is_404(
    client: Client, method: str, item_id: str
) -> None:
    path = f"/items/{item_id}"
    response = getattr(client, method)(path, {"name": "x"}, content_type=JSON)

    assert_problem(response, 404, "Not Found", path)


@pytest.mark.parametrize("path", ["/nowhere", "/items/", "/items/1/"])
def test_an_unknown_path_is_404(client: Client, path: str) -> None:
    assert_problem(client.get(path), 404, "Not Found", path)


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("post", "/items/1", {"GET", "PUT", "PATCH", "DELETE"}),
        ("delete", "/items", {"GET", "POST"}),
        ("put", "/items", {"GET", "POST"}),
    ],
)
def test_a_wrong_method_is_405_with_allow(
    client: Client, method: str, path: str, allowed: set[str]
) -> None:
    response = getattr(client, method)(path, {"name": "x"}, content_type=JSON)

    assert_problem(response, 405, "Method Not Allowed", path)
    assert allowed <= {m.strip() for m in response["Allow"].split(",")}


@pytest.mark.parametrize("debug", [False, True])
def test_errors_are_problems_with_debug_on_or_off(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, debug: bool
) -> None:
    def fail(*args: Any) -> None:
        raise RuntimeError("secret detail")

    settings.DEBUG = debug
    monkeypatch.setattr("items.views.page_of", fail)
    client = Client(raise_request_exception=False)

    response = client.get("/items")
    assert_problem(response, 500, "Internal Server Error", "/items")
    assert b"secret detail" not in response.content
    assert_problem(client.get("/nowhere"), 404, "Not Found", "/nowhere")
    assert_problem(client.get("/items/abc"), 404, "Not Found", "/items/abc")


def test_admin_lists_items(admin_client: Client, item: Item) -> None:
    response = admin_client.get("/admin/items/item/")

    assert response.status_code == 200
    assert b"First" in response.content
