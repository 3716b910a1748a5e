from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, String, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from charity.models.base import MAX_AMOUNT, Money, Quantity, UTCDateTime, both_or_neither, one_of, utcnow


class PaymentMethod(StrEnum):
    CASH = "cash"
    BANK_TRANSFER = "bank_transfer"
    E_WALLET = "e_wallet"


class Donation(SQLModel, table=True):
    """One gift event: an optional cash part and any number of goods lines, under one receipt."""

    __tablename__ = "donation"
    __table_args__ = (
        UniqueConstraint("recorded_by", "idempotency_key"),
        # A user's gifts of the last minutes, which a new gift is checked against (a duplicate sent
        # twice): without it the check reads every gift of the drive.
        Index("ix_donation_recorded_by_created_at", "recorded_by", "created_at"),
        one_of("cash_method", PaymentMethod),
        both_or_neither("cash_amount", "cash_method", name="cash_has_method"),
        CheckConstraint(
            f"cash_amount IS NULL OR cash_amount BETWEEN 1 AND {MAX_AMOUNT}", name="cash_amount_range"
        ),
        both_or_neither("idempotency_key", "request_hash", name="idempotency_has_hash"),
        CheckConstraint(
            "cash_reference = '' OR cash_method IN ('bank_transfer', 'e_wallet')",
            name="reference_only_for_transfers",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    drive_id: int = Field(foreign_key="drive.id", index=True)
    donor_id: int | None = Field(default=None, foreign_key="donor.id", index=True)
    received_on: date
    anonymous: bool = Field(default=False)
    # An anonymous donor may still want their own name on their receipt (not in public lists).
    name_on_receipt: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    cash_amount: int | None = Field(default=None, sa_type=Money)
    cash_method: str | None = Field(default=None, sa_type=String(20))
    # The bank's or the wallet's transaction reference of a transfer, as on the statement.
    cash_reference: str = Field(default="", sa_type=String(100), sa_column_kwargs={"server_default": ""})
    note: str = Field(default="", sa_type=String(500))
    recorded_by: int = Field(foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # A client's retry of the same request carries the same key and answers the same receipt.
    idempotency_key: str | None = Field(default=None, sa_type=String(100))
    request_hash: str | None = Field(default=None, sa_type=String(64))


class DonationItem(SQLModel, table=True):
    """A goods line of a donation; `value` = quantity × unit_value rounded half up to the đồng."""

    __tablename__ = "donation_item"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint(f"unit_value BETWEEN 0 AND {MAX_AMOUNT}", name="unit_value_range"),
        CheckConstraint("value >= 0", name="value_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    donation_id: int = Field(foreign_key="donation.id", index=True)
    item_type_id: int = Field(foreign_key="item_type.id", index=True)
    quantity: Decimal = Field(sa_type=Quantity)
    unit_value: int = Field(default=0, sa_type=Money)
    value: int = Field(default=0, sa_type=Money)
