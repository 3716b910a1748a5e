from __future__ import annotations

from datetime import date

import msgspec

from charity.fields import Amount, Id, Quantity, Text, UnitValue
from charity.models import DonorKind, PaymentMethod, ReceiptStatus
from charity.money import plain
from charity.receipts.schemas import CashOut, ItemOut, ReceiptOut


class CashIn(msgspec.Struct, forbid_unknown_fields=True):
    amount: Amount
    method: PaymentMethod = PaymentMethod.CASH
    # A bank transfer's or e-wallet payment's transaction reference (mã giao dịch), as on the statement.
    reference: Text = ""

    def __post_init__(self) -> None:
        self.amount = plain(self.amount)


class ItemIn(msgspec.Struct, forbid_unknown_fields=True):
    item_type_id: Id
    quantity: Quantity
    unit_value: UnitValue = 0  # type: ignore[assignment]

    def __post_init__(self) -> None:
        self.unit_value = plain(self.unit_value)


class DonorIn(msgspec.Struct, forbid_unknown_fields=True):
    """An existing donor by `id`, or the fields of a new one."""

    id: Id | None = None
    name: Text = ""
    kind: DonorKind = DonorKind.PERSON
    phone: Text = ""
    address: Text = ""
    email: Text = ""
    tax_code: Text = ""


class GiftIn(msgspec.Struct, forbid_unknown_fields=True):
    drive_id: Id
    received_on: date
    donor: DonorIn | None = None
    cash: CashIn | None = None
    items: list[ItemIn] = msgspec.field(default_factory=list)
    anonymous: bool = False
    # An anonymous donor who still wants their name on their own receipt.
    name_on_receipt: bool = False
    note: Text = ""
    # The book to number the receipt from; by default the unit's open book of the year.
    book_id: Id | None = None
    # The caller has checked a total above the unit's large-gift threshold (else 422 `large_amount`).
    confirm_large: bool = False
    # The caller knows of the like gift it recorded minutes ago (else 409 `possible_duplicate`).
    confirm_duplicate: bool = False


class ReplaceIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Text
    gift: GiftIn


class ReceiptRef(msgspec.Struct):
    id: int
    book: str
    seq: int
    number: str
    status: ReceiptStatus
    total_value: int


class DonationOut(msgspec.Struct):
    id: int
    drive_id: int
    received_on: date
    donor_id: int | None
    anonymous: bool
    cash: CashOut | None
    items: list[ItemOut]
    note: str
    receipt: ReceiptRef

    @classmethod
    def of(cls, receipt: ReceiptOut) -> DonationOut:
        return cls(
            id=receipt.donation_id,
            drive_id=receipt.drive.id,
            received_on=receipt.received_on,
            donor_id=receipt.donor.id if receipt.donor else None,
            anonymous=receipt.anonymous,
            cash=receipt.cash,
            items=receipt.items,
            note=receipt.note,
            receipt=ReceiptRef(
                receipt.id, receipt.book, receipt.seq, receipt.number, receipt.status, receipt.total_value
            ),
        )
