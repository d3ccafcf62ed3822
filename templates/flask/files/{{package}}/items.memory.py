"""The items resource: create, list, read, update and delete."""

from typing import NoReturn

from flask import Blueprint, abort, current_app, request, url_for
from flask.blueprints import BlueprintSetupState

from .models import Item, ItemStore
from .validation import item_fields, json_object, page_bounds

bp = Blueprint("items", __name__, url_prefix="/items")


@bp.record_once
def create_store(state: BlueprintSetupState) -> None:
    state.app.extensions["items"] = ItemStore()


def store() -> ItemStore:
    return current_app.extensions["items"]


@bp.get("")
def list_items() -> dict[str, object]:
    limit, offset = page_bounds(request.args)
    page, total = store().page(limit, offset)
    return {
        "items": [item.to_dict() for item in page],
        "limit": limit,
        "offset": offset,
        "total": total,
    }


@bp.post("")
def create_item() -> tuple[dict[str, object], int, dict[str, str]]:
    item = store().add(item_fields(json_object()))
    return item.to_dict(), 201, {"Location": url_for(".get_item", item_id=item.id)}


@bp.get("/<item_id:item_id>")
def get_item(item_id: int) -> dict[str, object]:
    return _get_or_404(item_id).to_dict()


@bp.route("/<item_id:item_id>", methods=["PUT", "PATCH"])
def update_item(item_id: int) -> dict[str, object]:
    _get_or_404(item_id)
    fields = item_fields(json_object(), partial=request.method == "PATCH")
    item = store().update(item_id, fields)
    if item is None:
        _not_found(item_id)
    return item.to_dict()


@bp.delete("/<item_id:item_id>")
def delete_item(item_id: int) -> tuple[str, int]:
    if not store().delete(item_id):
        _not_found(item_id)
    return "", 204


def _get_or_404(item_id: int) -> Item:
    item = store().get(item_id)
    if item is None:
        _not_found(item_id)
    return item


def _not_found(item_id: int) -> NoReturn:
    abort(404, description=f"Item {item_id} not found.")
