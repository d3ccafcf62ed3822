import pytest

from .models import Item

pytestmark = pytest.mark.django_db

LIST_URL = "/items/"


def detail_url(pk):
    return f"/items/{pk}/"


@pytest.fixture
def item():
    return Item.objects.create(name="First", description="The first item")


def test_list_is_empty_at_first(client):
    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert response.json() == []


def test_list_returns_the_items(client, item):
    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert [entry["name"] for entry in response.json()] == ["First"]


def test_create(client):
    response = client.post(
        LIST_URL,
        {"name": "New", "description": "Made by a test"},
        content_type="application/json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "New"
    assert body["description"] == "Made by a test"
    assert Item.objects.filter(pk=body["id"], name="New").exists()


def test_create_requires_a_name(client):
    response = client.post(
        LIST_URL, {"description": "No name"}, content_type="application/json"
    )

    assert response.status_code == 400
    assert "name" in response.json()
    assert not Item.objects.exists()


def test_create_rejects_a_name_that_is_too_long(client):
    response = client.post(
        LIST_URL, {"name": "x" * 101}, content_type="application/json"
    )

    assert response.status_code == 400
    assert "name" in response.json()


def test_create_rejects_malformed_json(client):
    response = client.post(LIST_URL, "{not json", content_type="application/json")

    assert response.status_code == 400


def test_retrieve(client, item):
    response = client.get(detail_url(item.pk))

    assert response.status_code == 200
    assert response.json()["id"] == item.pk
    assert response.json()["name"] == "First"


def test_retrieve_a_missing_item_is_404(client):
    assert client.get(detail_url(999999)).status_code == 404


def test_replace(client, item):
    response = client.put(
        detail_url(item.pk),
        {"name": "Renamed", "description": ""},
        content_type="application/json",
    )

    assert response.status_code == 200
    item.refresh_from_db()
    assert item.name == "Renamed"
    assert item.description == ""


def test_replace_requires_a_name(client, item):
    response = client.put(
        detail_url(item.pk), {"description": "No name"}, content_type="application/json"
    )

    assert response.status_code == 400
    assert "name" in response.json()
    item.refresh_from_db()
    assert item.name == "First"


def test_partial_update(client, item):
    response = client.patch(
        detail_url(item.pk), {"description": "Changed"}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json()["name"] == "First"
    assert response.json()["description"] == "Changed"


def test_partial_update_rejects_an_empty_name(client, item):
    response = client.patch(
        detail_url(item.pk), {"name": ""}, content_type="application/json"
    )

    assert response.status_code == 400
    assert "name" in response.json()


def test_update_a_missing_item_is_404(client):
    response = client.put(
        detail_url(999999), {"name": "Nobody"}, content_type="application/json"
    )

    assert response.status_code == 404


def test_delete(client, item):
    response = client.delete(detail_url(item.pk))

    assert response.status_code == 204
    assert not Item.objects.filter(pk=item.pk).exists()


def test_delete_a_missing_item_is_404(client):
    assert client.delete(detail_url(999999)).status_code == 404


def test_admin_lists_items(admin_client, item):
    response = admin_client.get("/admin/items/item/")

    assert response.status_code == 200
    assert b"First" in response.content
