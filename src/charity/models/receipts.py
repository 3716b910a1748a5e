from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from charity.models.base import Money, UTCDateTime, one_of, utcnow
from charity.models.units import ReceiptForm


class BookStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class ReceiptStatus(StrEnum):
    ISSUED = "issued"
    VOID = "void"


class ReceiptBook(SQLModel, table=True):
    """A receipt book (quyển biên nhận) of a unit for one year; it numbers its receipts 1, 2, 3… without gaps.

    `next_seq` is the number the next receipt takes; the issuing transaction locks the row, takes the
    number and increments it, so a number is used exactly when its receipt commits.
    """

    __tablename__ = "receipt_book"
    __table_args__ = (
        UniqueConstraint("unit_id", "year", "code"),
        one_of("status", BookStatus),
        CheckConstraint("code <> ''", name="code_not_empty"),
        CheckConstraint("year BETWEEN 2000 AND 2999", name="year_range"),
        CheckConstraint("next_seq >= 1", name="next_seq_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    year: int
    code: str = Field(sa_type=String(20))
    next_seq: int = Field(default=1)
    status: str = Field(default=BookStatus.OPEN, sa_type=String(10))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Receipt(SQLModel, table=True):
    """The receipt of one donation. Never edited or deleted: a wrong one is voided and keeps its number."""

    __tablename__ = "receipt"
    __table_args__ = (
        UniqueConstraint("book_id", "seq"),
        one_of("status", ReceiptStatus),
        CheckConstraint("seq >= 1", name="seq_positive"),
        CheckConstraint("total_value >= 0", name="total_value_not_negative"),
        CheckConstraint(
            "(status = 'issued' AND void_reason IS NULL AND voided_at IS NULL)"
            " OR (status = 'void' AND void_reason IS NOT NULL AND void_reason <> '' AND voided_at IS NOT NULL)",
            name="void_has_reason",
        ),
        CheckConstraint("replaces_id IS NULL OR replaces_id <> id", name="not_own_replacement"),
        one_of("form", ReceiptForm),
    )

    id: int | None = Field(default=None, primary_key=True)
    donation_id: int = Field(foreign_key="donation.id", unique=True)
    book_id: int = Field(foreign_key="receipt_book.id")
    seq: int
    status: str = Field(default=ReceiptStatus.ISSUED, sa_type=String(10))
    total_value: int = Field(sa_type=Money)
    issued_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    issued_by: int = Field(foreign_key="user_account.id")
    void_reason: str | None = Field(default=None, sa_type=String(500))
    voided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    voided_by: int | None = Field(default=None, foreign_key="user_account.id")
    # The form it was issued on (its unit's `receipt_form` then): every later copy prints the same.
    form: str = Field(sa_type=String(10))
    # The receipt this one was issued to replace (the replaced one is void).
    replaces_id: int | None = Field(default=None, foreign_key="receipt.id", unique=True)
