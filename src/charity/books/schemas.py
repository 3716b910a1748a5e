from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

import msgspec


class BookKind(StrEnum):
    CASH = "cash"  # sổ quỹ tiền mặt: money handed over in cash
    BANK = "bank"  # sổ tiền gửi: bank transfers and e-wallets
    GOODS = "goods"  # sổ kho / thẻ kho: one item type


class BookLine(msgspec.Struct):
    posted_on: date
    seq: int  # the entry's place in the drive's chain
    document: str  # the receipt's number, "" for an entry with none
    source: str  # receipt, void, …
    method: str | None  # money books: how it was given (cash, bank_transfer, e_wallet)
    who: str
    memo: str
    amount_in: int
    amount_out: int
    balance: int
    # Goods only: the quantities, signed the same way.
    quantity_in: Decimal | None = None
    quantity_out: Decimal | None = None
    quantity_balance: Decimal | None = None
    # Money books: a transfer's or e-wallet payment's transaction reference, as on the statement.
    reference: str = ""


class BookTotals(msgspec.Struct):
    amount: int
    quantity: Decimal | None = None


class BookOut(msgspec.Struct):
    """A drive's book for a period: what it held before, each line with its running balance, the
    period's totals in and out, and what it held after (opening + in − out)."""

    drive_id: int
    kind: BookKind
    item_type_id: int | None
    date_from: date | None
    date_to: date | None
    opening: BookTotals
    lines: list[BookLine]
    total_in: BookTotals
    total_out: BookTotals
    closing: BookTotals
