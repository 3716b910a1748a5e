"""Stock documents besides gifts and distributions: a conversion (rice sold: goods out, cash in), an
adjustment after a count (kiểm kê) and a transfer between drives of the unit tree. Each is numbered
in its unit's book of its kind and posts to the ledger in one transaction."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from charity.models.base import Money, Quantity, UTCDateTime, both_or_neither, one_of, utcnow
from charity.models.distributions import DocumentKind


class MovementStatus(StrEnum):
    PENDING = "pending"  # an adjustment above the unit's threshold, awaiting a second coordinator
    POSTED = "posted"
    REJECTED = "rejected"


class AdjustmentReason(StrEnum):
    SPOILED = "spoiled"  # hư hỏng, mốc, hết hạn
    LOST = "lost"  # hao hụt, mất
    MISCOUNTED = "miscounted"  # ghi sai khi nhận
    FOUND = "found"  # thừa khi kiểm kê


class MovementKind(StrEnum):
    """The stock documents; each is also a `DocumentKind`, numbered in a book of its own."""

    CONVERSION = DocumentKind.CONVERSION.value
    ADJUSTMENT = DocumentKind.ADJUSTMENT.value
    TRANSFER = DocumentKind.TRANSFER.value


class StockMovement(SQLModel, table=True):
    """One conversion, adjustment or transfer. `drive_id` is the drive it takes from (or counts);
    `to_drive_id` the drive a transfer gives to."""

    __tablename__ = "stock_movement"
    __table_args__ = (
        UniqueConstraint("book_id", "seq"),
        one_of("kind", MovementKind),
        one_of("status", MovementStatus),
        one_of("reason", AdjustmentReason),
        CheckConstraint("(kind = 'transfer') = (to_drive_id IS NOT NULL)", name="transfer_has_target"),
        CheckConstraint("to_drive_id IS NULL OR to_drive_id <> drive_id", name="not_to_itself"),
        CheckConstraint("(kind = 'adjustment') = (reason IS NOT NULL)", name="adjustment_has_reason"),
        CheckConstraint("kind = 'adjustment' OR status = 'posted'", name="only_adjustments_wait"),
        both_or_neither("cash_amount", "cash_method", name="cash_has_method"),
        CheckConstraint("cash_amount IS NULL OR cash_amount >= 1", name="cash_amount_positive"),
        CheckConstraint("kind <> 'conversion' OR cash_amount IS NOT NULL", name="conversion_has_price"),
        CheckConstraint("decided_by IS NULL OR decided_by <> created_by", name="not_decided_by_creator"),
        both_or_neither("decided_by", "decided_at", name="decision_has_time"),
        CheckConstraint("status <> 'pending' OR decided_by IS NULL", name="pending_undecided"),
        CheckConstraint("status <> 'rejected' OR decided_by IS NOT NULL", name="rejected_by_someone"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(sa_type=String(20))
    book_id: int = Field(foreign_key="document_book.id")
    seq: int
    drive_id: int = Field(foreign_key="drive.id", index=True)
    to_drive_id: int | None = Field(default=None, foreign_key="drive.id", index=True)
    moved_on: date
    status: str = Field(default=MovementStatus.POSTED, sa_type=String(20))
    # A conversion's buyer and price (the cash in); a transfer's cash.
    counterparty: str = Field(default="", sa_type=String(200))
    cash_amount: int | None = Field(default=None, sa_type=Money)
    cash_method: str | None = Field(default=None, sa_type=String(20))
    reason: str | None = Field(default=None, sa_type=String(20))
    note: str = Field(default="", sa_type=String(500))
    created_by: int = Field(foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The second coordinator who approved or rejected an adjustment above the threshold; an
    # adjustment within it is posted at once and has none.
    decided_by: int | None = Field(default=None, foreign_key="user_account.id")
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decision_note: str = Field(default="", sa_type=String(500))


class StockMovementLine(SQLModel, table=True):
    """A goods line of a movement: the quantity taken out (conversion, transfer) or the count against
    the book (adjustment: `quantity` is counted − book, signed). `value` is the value posted."""

    __tablename__ = "stock_movement_line"
    __table_args__ = (
        UniqueConstraint("movement_id", "item_type_id"),
        CheckConstraint("quantity <> 0", name="quantity_not_zero"),
        both_or_neither("counted_quantity", "book_quantity", name="count_has_book"),
    )

    id: int | None = Field(default=None, primary_key=True)
    movement_id: int = Field(foreign_key="stock_movement.id", index=True)
    item_type_id: int = Field(foreign_key="item_type.id", index=True)
    quantity: Decimal = Field(sa_type=Quantity)
    counted_quantity: Decimal | None = Field(default=None, sa_type=Quantity)
    book_quantity: Decimal | None = Field(default=None, sa_type=Quantity)
    value: int | None = Field(default=None, sa_type=Money)
