from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlmodel import Field, SQLModel

from charity.models.base import UTCDateTime, utcnow


class ItemType(SQLModel, table=True):
    """A kind of goods and its unit of measure: "Gạo" in kg, "Vở học sinh" in quyển, "Cơm hộp" in suất."""

    __tablename__ = "item_type"
    __table_args__ = (
        CheckConstraint("name <> ''", name="name_not_empty"),
        CheckConstraint("unit_of_measure <> ''", name="unit_of_measure_not_empty"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=String(100), unique=True)
    unit_of_measure: str = Field(sa_type=String(20))
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
