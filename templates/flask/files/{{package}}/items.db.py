"""The items resource: create, list, read, update and delete."""

from flask import Blueprint, request, url_for
from sqlalchemy import select

from .extensions import db
from .models import Item
from .validation import item_fields

bp = Blueprint("items", __name__, url_prefix="/items")


@bp.get("")
def list_items() -> list[dict[str, object]]:
    items = db.session.execute(select(Item).order_by(Item.id)).scalars()
    return [item.to_dict() for item in items]


@bp.post("")
def create_item() -> tuple[dict[str, object], int, dict[str, str]]:
    item = Item(**item_fields(request.get_json(silent=True)))
    db.session.add(item)
    db.session.commit()
    return item.to_dict(), 201, {"Location": url_for(".get_item", item_id=item.id)}


@bp.get("/<int:item_id>")
def get_item(item_id: int) -> dict[str, object]:
    return _get_or_404(item_id).to_dict()


@bp.route("/<int:item_id>", methods=["PUT", "PATCH"])
def update_item(item_id: int) -> dict[str, object]:
    item = _get_or_404(item_id)
    fields = item_fields(
        request.get_json(silent=True), partial=request.method == "PATCH"
    )
    for key, value in fields.items():
        setattr(item, key, value)
    db.session.commit()
    return item.to_dict()


@bp.delete("/<int:item_id>")
def delete_item(item_id: int) -> tuple[str, int]:
    db.session.delete(_get_or_404(item_id))
    db.session.commit()
    return "", 204


def _get_or_404(item_id: int) -> Item:
    return db.get_or_404(Item, item_id, description=f"Item {item_id} not found.")
