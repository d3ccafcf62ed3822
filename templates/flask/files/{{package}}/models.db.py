"""Database models."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db


class Item(db.Model):
    __tablename__ = "items"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(1000), default="")

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "description": self.description}
