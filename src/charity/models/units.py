from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlmodel import Field, SQLModel

from charity.models.base import UTCDateTime, utcnow


class Unit(SQLModel, table=True):
    """An organisation unit (đơn vị): province, district, commune, branch or pagoda, as a tree."""

    __tablename__ = "unit"
    __table_args__ = (
        CheckConstraint("code <> ''", name="code_not_empty"),
        CheckConstraint("name <> ''", name="name_not_empty"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_type=String(32), unique=True)
    name: str = Field(sa_type=String(200))
    parent_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    address: str = Field(default="", sa_type=String(300))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
