"""A drive's books for a period, read from its ledger: the cash book (sổ quỹ tiền mặt), the bank
book (sổ tiền gửi: transfers and e-wallets) and, per item type, the goods book (sổ kho)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from charity.access import Principal
from charity.books.schemas import BookKind, BookLine, BookOut, BookTotals
from charity.drives.service import VERIFIERS, get_drive
from charity.errors import Invalid
from charity.models import Donation, LedgerEntry, PaymentMethod, Receipt, ReceiptBook, User
from charity.receipts.numbering import display_number

# A period's lines as JSON; a longer period is for the exports.
MAX_LINES = 5_000
METHODS = {
    BookKind.CASH: (PaymentMethod.CASH,),
    BookKind.BANK: (PaymentMethod.BANK_TRANSFER, PaymentMethod.E_WALLET),
}


def _of_book(kind: BookKind, item_type_id: int | None) -> list[ColumnElement[bool]]:
    if kind == BookKind.GOODS:
        if item_type_id is None:
            raise Invalid("Sổ kho cần chọn loại hàng.", field="item_type_id")
        return [LedgerEntry.item_type_id == item_type_id]
    if item_type_id is not None:
        raise Invalid("Loại hàng chỉ dùng cho sổ kho.", field="item_type_id")
    # Money's book follows how it was given: the gift's payment method, through its receipt.
    return [LedgerEntry.item_type_id.is_(None), Donation.cash_method.in_(METHODS[kind])]


def _entries(drive_id: int, conditions: list[ColumnElement[bool]]) -> Select[Any]:
    return (
        select(LedgerEntry)
        .outerjoin(Receipt, Receipt.id == LedgerEntry.receipt_id)
        .outerjoin(Donation, Donation.id == Receipt.donation_id)
        .where(LedgerEntry.drive_id == drive_id, *conditions)
    )


def _totals(kind: BookKind, amount: Any, quantity: Any) -> BookTotals:
    # PostgreSQL sums BIGINT into NUMERIC.
    return BookTotals(int(amount or 0), Decimal(quantity or 0) if kind == BookKind.GOODS else None)


async def book(
    session: AsyncSession,
    principal: Principal,
    drive_id: int,
    kind: BookKind,
    *,
    date_from: date | None,
    date_to: date | None,
    item_type_id: int | None = None,
) -> BookOut:
    """The drive's `kind` book from `date_from` to `date_to` (either open): the balance carried from
    before, each line in the order it was posted with the running balance, and the closing balance."""
    if date_from and date_to and date_from > date_to:
        raise Invalid("Ngày bắt đầu phải trước ngày kết thúc.", field="from")
    drive = await get_drive(session, principal, drive_id, VERIFIERS)
    entries = _entries(drive.id, _of_book(kind, item_type_id))
    opening = _totals(kind, 0, 0)
    if date_from is not None:
        amount, quantity = (
            await session.execute(
                entries.where(LedgerEntry.posted_on < date_from).with_only_columns(
                    func.sum(LedgerEntry.amount), func.sum(LedgerEntry.quantity)
                )
            )
        ).one()
        opening = _totals(kind, amount, quantity)
    period = entries
    if date_from is not None:
        period = period.where(LedgerEntry.posted_on >= date_from)
    if date_to is not None:
        period = period.where(LedgerEntry.posted_on <= date_to)
    rows = (
        await session.execute(
            period.outerjoin(ReceiptBook, ReceiptBook.id == Receipt.book_id)
            .outerjoin(User, User.id == LedgerEntry.created_by)
            .with_only_columns(
                LedgerEntry, ReceiptBook.code, ReceiptBook.year, Receipt.seq, User.full_name, User.username
            )
            .order_by(LedgerEntry.posted_on, LedgerEntry.chain_seq)
            .limit(MAX_LINES + 1)
        )
    ).all()
    if len(rows) > MAX_LINES:
        raise Invalid(
            f"Kỳ này có hơn {MAX_LINES} dòng: hãy chọn kỳ ngắn hơn, hoặc xuất sổ ra tệp.", field="from"
        )
    goods = kind == BookKind.GOODS
    amount, quantity = opening.amount, opening.quantity
    lines, amount_in, amount_out = [], 0, 0
    quantity_in = quantity_out = Decimal(0)
    for entry, code, year, seq, full_name, username in rows:
        amount += entry.amount
        amount_in += max(entry.amount, 0)
        amount_out += max(-entry.amount, 0)
        line = BookLine(
            posted_on=entry.posted_on,
            seq=entry.chain_seq,
            document=display_number(code, year, seq) if code else "",
            source=entry.source,
            who=(full_name or username) if username else "",
            memo=entry.memo,
            amount_in=max(entry.amount, 0),
            amount_out=max(-entry.amount, 0),
            balance=amount,
        )
        if goods and entry.quantity is not None and quantity is not None:
            quantity += entry.quantity
            quantity_in += max(entry.quantity, Decimal(0))
            quantity_out += max(-entry.quantity, Decimal(0))
            line.quantity_in = max(entry.quantity, Decimal(0))
            line.quantity_out = max(-entry.quantity, Decimal(0))
            line.quantity_balance = quantity
        lines.append(line)
    return BookOut(
        drive_id=drive.id,
        kind=kind,
        item_type_id=item_type_id,
        date_from=date_from,
        date_to=date_to,
        opening=opening,
        lines=lines,
        total_in=BookTotals(amount_in, quantity_in if goods else None),
        total_out=BookTotals(amount_out, quantity_out if goods else None),
        closing=BookTotals(amount, quantity),
    )
