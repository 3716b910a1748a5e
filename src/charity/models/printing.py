from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from charity.models.base import UTCDateTime, utcnow


class ReceiptPrint(SQLModel, table=True):
    """One print of a receipt: copy 0 is the original, every later print a numbered copy (BẢN SAO)."""

    __tablename__ = "receipt_print"
    __table_args__ = (
        UniqueConstraint("receipt_id", "copy_number"),
        CheckConstraint("copy_number >= 0", name="copy_number_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    receipt_id: int = Field(foreign_key="receipt.id")
    copy_number: int
    printed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    printed_by: int | None = Field(default=None, foreign_key="user_account.id")


class ReceiptVerification(SQLModel, table=True):
    """The public token in a receipt's QR code and in the link sent to its donor: random, so receipts
    cannot be listed by trying numbers. Written when the receipt is issued."""

    __tablename__ = "receipt_verification"

    token: str = Field(sa_type=String(32), primary_key=True)
    receipt_id: int = Field(foreign_key="receipt.id", unique=True)
