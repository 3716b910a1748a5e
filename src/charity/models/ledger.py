from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from charity.models.base import Money, Quantity, UTCDateTime, both_or_neither, one_of, utcnow


class EntrySource(StrEnum):
    RECEIPT = "receipt"
    VOID = "void"
    DISTRIBUTION = "distribution"
    CONVERSION = "conversion"
    ADJUSTMENT = "adjustment"
    TRANSFER = "transfer"


class LedgerEntry(SQLModel, table=True):
    """An append-only line of a drive's ledger (sổ quỹ for đồng, sổ kho for an item type).

    The asset is đồng when `item_type_id` is NULL, otherwise that item type with a signed `quantity`;
    `amount` is the signed value in đồng either way. Entries of a drive form a hash chain in
    `chain_seq` order: `hash` covers the entry's content and `prev_hash`, so an edit, deletion or
    insertion anywhere is detectable. Unique (drive_id, chain_seq) stops two writers forking the chain.
    """

    __tablename__ = "ledger_entry"
    __table_args__ = (
        UniqueConstraint("drive_id", "chain_seq"),
        # What a drive holds of an asset is a sum over its entries, read under the drive's lock before
        # anything is taken out: the index holds every column the sum reads.
        Index("ix_ledger_entry_holdings", "drive_id", "item_type_id", "quantity", "amount"),
        one_of("source", EntrySource),
        both_or_neither("item_type_id", "quantity", name="goods_have_quantity"),
        CheckConstraint("chain_seq >= 1", name="chain_seq_positive"),
        CheckConstraint("length(hash) = 64 AND length(prev_hash) = 64", name="hash_length"),
        CheckConstraint(
            "(receipt_id IS NULL OR (distribution_id IS NULL AND movement_id IS NULL))"
            " AND (distribution_id IS NULL OR movement_id IS NULL)",
            name="one_document",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    drive_id: int = Field(foreign_key="drive.id")
    chain_seq: int
    posted_on: date
    item_type_id: int | None = Field(default=None, foreign_key="item_type.id", index=True)
    quantity: Decimal | None = Field(default=None, sa_type=Quantity)
    amount: int = Field(sa_type=Money)
    source: str = Field(sa_type=String(20))
    receipt_id: int | None = Field(default=None, foreign_key="receipt.id", index=True)
    # The document besides a receipt that posted it (its void too): a distribution or a stock movement.
    distribution_id: int | None = Field(default=None, foreign_key="distribution.id", index=True)
    movement_id: int | None = Field(default=None, foreign_key="stock_movement.id", index=True)
    memo: str = Field(default="", sa_type=String(500))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, foreign_key="user_account.id")
    prev_hash: str = Field(sa_type=String(64))
    hash: str = Field(sa_type=String(64), unique=True)
