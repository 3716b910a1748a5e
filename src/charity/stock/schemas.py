from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import msgspec

from charity.fields import Amount, Id, Quantity, Text
from charity.models import AdjustmentReason, MovementKind, MovementStatus, PaymentMethod
from charity.money import plain
from charity.receipts.schemas import CashOut


class CashIn(msgspec.Struct, forbid_unknown_fields=True):
    """Money that changes hands: a conversion's price, a transfer's cash."""

    amount: Amount
    method: PaymentMethod = PaymentMethod.CASH

    def __post_init__(self) -> None:
        self.amount = plain(self.amount)


class LineIn(msgspec.Struct, forbid_unknown_fields=True):
    """Goods taken out of the drive, priced at their book value."""

    item_type_id: Id
    quantity: Quantity


class ConversionIn(msgspec.Struct, forbid_unknown_fields=True):
    drive_id: Id
    moved_on: date
    items: list[LineIn]
    # The price the buyer paid: the cash that comes in.
    cash: CashIn
    buyer: Text = ""
    note: Text = ""


class AdjustmentIn(msgspec.Struct, forbid_unknown_fields=True):
    drive_id: Id
    counted_on: date
    item_type_id: Id
    # What the count found (0 when nothing is left); the book's quantity is read when it is recorded.
    counted_quantity: Quantity
    reason: AdjustmentReason
    note: Text = ""


class DecisionIn(msgspec.Struct, forbid_unknown_fields=True):
    # Why, for a rejection (required there); optional for an approval.
    note: Text = ""


class TransferIn(msgspec.Struct, forbid_unknown_fields=True):
    from_drive_id: Id
    to_drive_id: Id
    moved_on: date
    items: list[LineIn] = msgspec.field(default_factory=list)
    cash: CashIn | None = None
    note: Text = ""


class LineOut(msgspec.Struct):
    item_type_id: int
    name: str
    unit_of_measure: str
    # Taken out (conversion, transfer), or counted − book for an adjustment (signed).
    quantity: Decimal
    # The value posted (signed like the quantity for an adjustment); for a pending adjustment, the
    # value it will post.
    value: int
    counted_quantity: Decimal | None = None
    book_quantity: Decimal | None = None


class MovementOut(msgspec.Struct):
    id: int
    kind: MovementKind
    number: str  # "CD-2026/00001"
    status: MovementStatus
    unit_id: int
    drive_id: int
    drive_name: str
    # A transfer's destination.
    to_drive_id: int | None
    to_drive_name: str | None
    moved_on: date
    # A conversion's buyer.
    counterparty: str
    cash: CashOut | None
    reason: AdjustmentReason | None
    note: str
    lines: list[LineOut]
    goods_value: int
    created_by: int
    created_by_name: str
    created_at: datetime
    decided_by: int | None
    decided_by_name: str | None
    decided_at: datetime | None
    decision_note: str


class AssetOut(msgspec.Struct):
    """One asset a drive holds: đồng (`item_type_id` null, quantity = amount) or an item type."""

    item_type_id: int | None
    name: str
    unit_of_measure: str
    quantity: Decimal
    value: int


class StockOut(msgspec.Struct):
    drive_id: int
    # Đồng first, then each item type the ledger has ever held, by name.
    assets: list[AssetOut]
    total_value: int
