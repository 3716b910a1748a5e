from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import msgspec

from charity.fields import Id, Text, Year
from charity.models import BookStatus, PaymentMethod, ReceiptStatus


class BookCreate(msgspec.Struct, forbid_unknown_fields=True):
    unit_id: Id
    year: Year
    code: Text


class BookOut(msgspec.Struct):
    id: int
    unit_id: int
    year: int
    code: str
    status: BookStatus
    next_seq: int
    issued: int


class CashOut(msgspec.Struct):
    amount: int
    method: PaymentMethod
    reference: str = ""


class ItemOut(msgspec.Struct):
    item_type_id: int
    name: str
    unit_of_measure: str
    quantity: Decimal
    unit_value: int
    value: int


class PartyOut(msgspec.Struct):
    id: int
    name: str


class ReceiptOut(msgspec.Struct):
    id: int
    book: str
    book_id: int
    year: int
    seq: int
    number: str
    status: ReceiptStatus
    total_value: int
    issued_at: datetime
    issued_by: int
    donation_id: int
    received_on: date
    drive: PartyOut
    unit: PartyOut
    donor: PartyOut | None
    anonymous: bool
    cash: CashOut | None
    items: list[ItemOut]
    note: str
    void_reason: str | None
    voided_at: datetime | None
    replaces_id: int | None
    replaced_by_id: int | None


class VoidRequest(msgspec.Struct, forbid_unknown_fields=True):
    reason: Text


class PrintRequest(msgspec.Struct, forbid_unknown_fields=True):
    """Receipts to print as one PDF: the ids given (in that order), or every receipt of the filter
    in book and number order."""

    ids: list[Id] | None = None
    drive_id: Id | None = None
    book_id: Id | None = None
    status: ReceiptStatus | None = None
    date_from: date | None = None
    date_to: date | None = None
    method: PaymentMethod | None = None
    not_printed: bool = False
