from __future__ import annotations

from datetime import date
from enum import StrEnum

import msgspec

from charity.models import PaymentMethod, ReceiptStatus


class RegisterKind(StrEnum):
    RECEIPTS = "receipts"  # sổ đăng ký biên nhận: every receipt issued in the period
    VOIDS = "voids"  # sổ theo dõi biên nhận hủy: every void made in the period
    BOOKS = "books"  # sổ theo dõi quyển biên nhận: the numbers each book used


class ReceiptLine(msgspec.Struct):
    receipt_id: int
    number: str
    issued_on: date
    drive_id: int
    drive: str
    donor: str  # the donor's name, or "Ẩn danh" for an anonymous gift
    anonymous: bool
    cash: int  # 0: no money in this gift
    cash_method: PaymentMethod | None
    goods: str  # "10 kg Gạo, 40 quyển Vở học sinh"
    goods_value: int | None  # None: no goods, or none of them valued
    status: ReceiptStatus
    void_reason: str | None
    replaced_by: str | None  # the number of the receipt issued in its place
    recorded_by: str


class VoidLine(msgspec.Struct):
    receipt_id: int
    number: str
    issued_on: date
    voided_on: date
    drive_id: int
    drive: str
    donor: str
    anonymous: bool
    cash: int
    goods: str
    goods_value: int | None
    reason: str
    voided_by: str
    replaced_by: str | None


class BookLine(msgspec.Struct):
    """What one receipt book used in the period, and the proof that its numbers have no hole: every
    number from 1 to `last` is held by a receipt of the book (of any drive, any day)."""

    book_id: int
    code: str
    year: int
    unit_id: int
    unit: str
    first: int
    last: int
    issued: int
    voided: int
    gapless: bool
    missing_count: int
    # The first missing numbers, at most `MISSING_SHOWN` of them.
    missing: list[int]


class RegisterTotals(msgspec.Struct):
    """What the lines of a filter add up to: on the receipts register a void receipt is counted
    apart and adds nothing; on the voids register every line is what was voided."""

    lines: int
    voided: int
    cash: int
    goods_value: int
