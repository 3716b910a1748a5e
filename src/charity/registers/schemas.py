from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

import msgspec

from charity.models import DistributionStatus, PaymentMethod, Purpose, ReceiptStatus


class RegisterKind(StrEnum):
    RECEIPTS = "receipts"  # sổ đăng ký biên nhận: every receipt issued in the period
    VOIDS = "voids"  # sổ theo dõi biên nhận hủy: every void made in the period
    BOOKS = "books"  # sổ theo dõi quyển biên nhận: the numbers each book used
    DISTRIBUTIONS = "distributions"  # sổ theo dõi trao tặng: every distribution numbered in the period


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


class DistributionLine(msgspec.Struct):
    """A distribution as the register lists it. The recipient is a beneficiary's code and name as
    the caller's role may see it (blank where it may not), or a counted group's place and count."""

    distribution_id: int
    number: str
    # The day it was handed over; none while planned, or if it was voided before.
    handed_over_on: date | None
    drive_id: int
    drive: str
    round_id: int | None
    round: str
    beneficiary_id: int | None
    recipient_code: str
    recipient: str
    group_count: int | None
    purpose: Purpose
    cash: int  # 0: no money given
    cash_method: PaymentMethod | None
    goods: str  # "10 kg Gạo, 2 thùng Mì gói"
    # Cash and goods at their book value, once handed over.
    value: int | None
    status: DistributionStatus
    void_reason: str


class GoodsTotal(msgspec.Struct):
    item_type_id: int
    name: str
    unit_of_measure: str
    quantity: Decimal
    value: int


class DistributionTotals(msgspec.Struct):
    """What the distributions register adds up to: the money, each item type and the value of what
    was handed over; planned and void distributions are counted apart and add nothing."""

    lines: int
    planned: int
    voided: int
    cash: int
    value: int
    goods: list[GoodsTotal]
