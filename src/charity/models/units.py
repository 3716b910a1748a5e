from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, String
from sqlmodel import Field, SQLModel

from charity.models.base import Money, UTCDateTime, one_of, utcnow


class ReceiptPaper(StrEnum):
    A5 = "a5"  # one receipt per A5 landscape sheet
    A4_TWO = "a4x2"  # two copies (liên 1, 2) on one A4 sheet
    A4_THREE = "a4x3"  # three copies (liên 1, 2, 3)


class ReceiptForm(StrEnum):
    """Which receipt a unit prints for a gift of money alone, by the accounting regime it keeps."""

    ENTERPRISE = "01-TT"  # Phiếu thu, mẫu 01-TT (enterprise regimes, Circulars 200/2014 and 133/2016)
    PUBLIC_SECTOR = "C40-BB"  # Phiếu thu, mẫu C40-BB (administrative and non-business units)
    PLAIN = "plain"  # "Biên nhận đóng góp", no form code (a pagoda, a unit with no formal regime)


# How long a beneficiary's verification holds before it is due for review, unless the unit sets its own.
REVIEW_MONTHS_DEFAULT = 12

# Above this a gift asks whoever records it to confirm the amount, unless the unit sets its own figure.
LARGE_GIFT_DEFAULT = 100_000_000


# An adjustment after a count whose value is above this waits for a second coordinator's approval.
ADJUSTMENT_DEFAULT = 1_000_000


class Unit(SQLModel, table=True):
    """An organisation unit (đơn vị): province, district, commune, branch or pagoda, as a tree."""

    __tablename__ = "unit"
    __table_args__ = (
        CheckConstraint("code <> ''", name="code_not_empty"),
        CheckConstraint("name <> ''", name="name_not_empty"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        one_of("receipt_paper", ReceiptPaper),
        CheckConstraint("zero_tens_word IN ('linh', 'lẻ')", name="zero_tens_word"),
        one_of("receipt_form", ReceiptForm),
        CheckConstraint("large_gift_threshold >= 1", name="large_gift_threshold_positive"),
        CheckConstraint("review_months BETWEEN 1 AND 60", name="review_months_range"),
        CheckConstraint("adjustment_threshold >= 0", name="adjustment_threshold_not_negative"),
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
    receipt_form: str = Field(
        default=ReceiptForm.PLAIN,
        sa_type=String(10),
        sa_column_kwargs={"server_default": ReceiptForm.PLAIN.value},
    )
    large_gift_threshold: int = Field(
        default=LARGE_GIFT_DEFAULT,
        sa_type=Money,
        sa_column_kwargs={"server_default": str(LARGE_GIFT_DEFAULT)},
    )
    review_months: int = Field(
        default=REVIEW_MONTHS_DEFAULT, sa_column_kwargs={"server_default": str(REVIEW_MONTHS_DEFAULT)}
    )
    adjustment_threshold: int = Field(
        default=ADJUSTMENT_DEFAULT,
        sa_type=Money,
        sa_column_kwargs={"server_default": str(ADJUSTMENT_DEFAULT)},
    )
