from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, String
from sqlmodel import Field, SQLModel

from charity.models.base import UTCDateTime, one_of, utcnow


class ReceiptPaper(StrEnum):
    A5 = "a5"  # one receipt per A5 landscape sheet
    A4_TWO = "a4x2"  # two copies (liên 1, 2) on one A4 sheet
    A4_THREE = "a4x3"  # three copies (liên 1, 2, 3)


class Unit(SQLModel, table=True):
    """An organisation unit (đơn vị): province, district, commune, branch or pagoda, as a tree."""

    __tablename__ = "unit"
    __table_args__ = (
        CheckConstraint("code <> ''", name="code_not_empty"),
        CheckConstraint("name <> ''", name="name_not_empty"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        one_of("receipt_paper", ReceiptPaper),
        CheckConstraint("zero_tens_word IN ('linh', 'lẻ')", name="zero_tens_word"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_type=String(32), unique=True)
    name: str = Field(sa_type=String(200))
    parent_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    address: str = Field(default="", sa_type=String(300))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # How this unit prints receipts, and how it reads 105 ("một trăm linh năm" or "một trăm lẻ năm").
    receipt_paper: str = Field(
        default=ReceiptPaper.A5,
        sa_type=String(10),
        sa_column_kwargs={"server_default": ReceiptPaper.A5.value},
    )
    zero_tens_word: str = Field(
        default="linh", sa_type=String(10), sa_column_kwargs={"server_default": "linh"}
    )
