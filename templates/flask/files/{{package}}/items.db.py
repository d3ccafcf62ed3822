"""The items resource: create, list, read, update and delete."""

from flask import Blueprint, abort, request, url_for
from sqlalchemy import func, select

from .extensions import db
from .models import Item
from .validation import item_fields, json_object, page_bounds

bp = Blueprint("items", __name__, url_prefix="/items")

# The largest id the database's integer column holds: a larger one names no item.
ID_MAX = 2**31 - 1


@bp.get("")
def list_items() -> dict[str, object]:
    limit, offset = page_bounds(request.args)
    total = db.session.scalar(select(func.count()).select_from(Item)) or 0
    page: list[Item] = []
    # An offset past the end asks for nothing (and could overflow the database).
    if offset < total:
        query = select(Item).order_by(Item.id).limit(limit).offset(offset)
        page = list(db.session.scalars(query))
    return {
        "items": [item.to_dict() for item in page],
        "limit": limit,
        "offset": offset,
        "total": total,
    }


@bp.post("")
def create_item() -> tuple[dict[str, object], int, dict[str, str]]:
    item = Item(**item_fields(json_object()))
    db.session.add(item)
    db.session.commit()
    return item.to_dict(), 201, {"Location": url_for(".get_item", item_id=item.id)}


@bp.get("/<item_id:item_id>")
def get_item(item_id: int) -> dict[str, object]:
    return _get_or_404(item_id).to_dict()


@bp.route("/<item_id:item_id>", methods=["PUT", "PATCH"])
def update_item(item_id: int) -> dict[str, object]:
    item = _get_or_404(item_id)
    fields = item_fields(json_object(), partial=request.method == "PATCH")
    for key, value in fields.items():
        setattr(item, key, value)
    db.session.commit()
    return item.to_dict()


@bp.delete("/<item_id:item_id>")
def delete_item(item_id: int) -> tuple[str, int]:
    db.session.delete(_get_or_404(item_id))
    db.session.commit()
    return "", 204


def _get_or_404(item_id: int) -> Item:
    item = db.session.get(Item, item_id) if item_id <= ID_MAX else None
    if item is None:
        abort(404, description=f"Item {item_id} not found.")
    return item
