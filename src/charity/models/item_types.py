from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Index, String, event
from sqlmodel import Field, SQLModel

from charity.models.base import UTCDateTime, utcnow
from charity.text import name_key


class ItemType(SQLModel, table=True):
    """A kind of goods and its unit of measure: "Gạo" in kg, "Vở học sinh" in quyển, "Cơm hộp" in suất."""

    __tablename__ = "item_type"
    __table_args__ = (
        CheckConstraint("name <> ''", name="name_not_empty"),
        CheckConstraint("unit_of_measure <> ''", name="unit_of_measure_not_empty"),
        # Unique names whatever their case or Unicode form: charity.text.name_key of the name.
        Index("ix_item_type_name_key", "name_key", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=String(100), unique=True)
    name_key: str = Field(default="", sa_type=String(200), sa_column_kwargs={"server_default": ""})
    unit_of_measure: str = Field(sa_type=String(20))
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


@event.listens_for(ItemType, "before_insert")
@event.listens_for(ItemType, "before_update")
def _key_the_name(_mapper: Any, _connection: Any, item_type: ItemType) -> None:
    """A new or renamed item type's key follows its name."""
    item_type.name_key = name_key(item_type.name)
