"""The items, kept in memory: each app (and each server process) has its own."""

import threading
from dataclasses import asdict, dataclass


@dataclass
class Item:
    id: int
    name: str
    description: str = ""

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


class ItemStore:
    """A thread-safe store of items; they are lost when the server stops."""

    def __init__(self) -> None:
        self._items: dict[int, Item] = {}
        self._next_id = 1
        self._lock = threading.Lock()

    def page(self, limit: int, offset: int) -> tuple[list[Item], int]:
        """Up to `limit` items from the `offset`-th, by id, and the count of all."""
        with self._lock:
            items = list(self._items.values())  # in insertion order: by id
            return items[offset : offset + limit], len(items)

    def get(self, item_id: int) -> Item | None:
        with self._lock:
            return self._items.get(item_id)

    def add(self, fields: dict[str, str]) -> Item:
        with self._lock:
            item = Item(id=self._next_id, **fields)
            self._items[item.id] = item
            self._next_id += 1
            return item

    def update(self, item_id: int, fields: dict[str, str]) -> Item | None:
        with self._lock:
            item = self._items.get(item_id)
            if item is not None:
                for key, value in fields.items():
                    setattr(item, key, value)
            return item

    def delete(self, item_id: int) -> bool:
        with self._lock:
            return self._items.pop(item_id, None) is not None
