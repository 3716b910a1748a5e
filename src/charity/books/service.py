"""A drive's books for a period, read from its ledger: the cash book (sổ quỹ tiền mặt), the bank
book (sổ tiền gửi: transfers and e-wallets) and, per item type, the goods book (sổ kho).

One reading serves the JSON answer and the exports: `open_book` checks who asks and carries the
balance in; `lines` streams the period's lines with their running balances."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from charity.access import Principal
from charity.books.schemas import BookKind, BookLine, BookOut, BookTotals
from charity.drives.service import VERIFIERS, get_drive
from charity.errors import Invalid, NotFound
from charity.ledger.documents import document_number
from charity.models import (
    Distribution,
    DocumentBook,
    DocumentKind,
    Donation,
    Donor,
    Drive,
    EntrySource,
    ItemType,
    LedgerEntry,
    PaymentMethod,
    Receipt,
    ReceiptBook,
    StockMovement,
    User,
)
from charity.money import QUANTITY_PLACES
from charity.receipts.numbering import display_number
from charity.receipts.printing import ANONYMOUS

# A period's lines as JSON; a longer period is for the exports.
MAX_LINES = 5_000
_BATCH = 2_000
METHODS = {
    BookKind.CASH: (PaymentMethod.CASH,),
    BookKind.BANK: (PaymentMethod.BANK_TRANSFER, PaymentMethod.E_WALLET),
}


@dataclass(frozen=True, slots=True)
class BookQuery:
    """Which book, for which period (either end open)."""

    drive_id: int
    kind: BookKind
    date_from: date | None = None
    date_to: date | None = None
    item_type_id: int | None = None


@dataclass(slots=True)
class OpenBook:
    """A book as it stands at the start of its period, and how many lines the period has."""

    query: BookQuery
    drive: Drive
    item_type: ItemType | None
    opening: BookTotals
    count: int
    period: Select[Any]


def _of_book(kind: BookKind, item_type_id: int | None) -> list[ColumnElement[bool]]:
    if kind == BookKind.GOODS:
        if item_type_id is None:
            raise Invalid("Sổ kho cần chọn loại hàng.", field="item_type_id")
        return [LedgerEntry.item_type_id == item_type_id]
    if item_type_id is not None:
        raise Invalid("Loại hàng chỉ dùng cho sổ kho.", field="item_type_id")
    # Money's book follows how it moved: the payment method of the gift, distribution or stock
    # document that posted it.
    return [LedgerEntry.item_type_id.is_(None), _METHOD.in_(METHODS[kind])]


_METHOD = func.coalesce(Donation.cash_method, Distribution.cash_method, StockMovement.cash_method)
_DISTRIBUTION_BOOK, _MOVEMENT_BOOK = aliased(DocumentBook), aliased(DocumentBook)


def _entries(drive_id: int, conditions: list[ColumnElement[bool]]) -> Select[Any]:
    return (
        select(LedgerEntry.id)
        .outerjoin(Receipt, Receipt.id == LedgerEntry.receipt_id)
        .outerjoin(Donation, Donation.id == Receipt.donation_id)
        .outerjoin(Distribution, Distribution.id == LedgerEntry.distribution_id)
        .outerjoin(StockMovement, StockMovement.id == LedgerEntry.movement_id)
        .where(LedgerEntry.drive_id == drive_id, *conditions)
    )


def _quantity(value: Any) -> Decimal:
    """A quantity as every line of a book gives it, to the gram: 0 reads "0.000" like 12.5 "12.500"."""
    return Decimal(value or 0).quantize(QUANTITY_PLACES)


_NOTHING = _quantity(0)


def _totals(kind: BookKind, amount: Any, quantity: Any) -> BookTotals:
    # PostgreSQL sums BIGINT into NUMERIC.
    return BookTotals(int(amount or 0), _quantity(quantity) if kind == BookKind.GOODS else None)


async def open_book(session: AsyncSession, principal: Principal, query: BookQuery) -> OpenBook:
    """The book the query names, for one who answers for the drive: the balance carried from before
    the period and the number of lines in it."""
    kind, date_from, date_to, item_type_id = query.kind, query.date_from, query.date_to, query.item_type_id
    if date_from and date_to and date_from > date_to:
        raise Invalid("Ngày bắt đầu phải trước ngày kết thúc.", field="from")
    drive = await get_drive(session, principal, query.drive_id, VERIFIERS)
    entries = _entries(drive.id, _of_book(kind, item_type_id))
    item_type = None
    if item_type_id is not None:
        item_type = await session.get(ItemType, item_type_id)
        if item_type is None:
            raise NotFound("Không có loại hàng này.")
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
    count = (await session.execute(period.with_only_columns(func.count()))).scalar_one()
    return OpenBook(query, drive, item_type, opening, count, period)


class Running:
    """The balance as the lines go by, and the period's totals in and out."""

    def __init__(self, book: OpenBook) -> None:
        self.goods = book.query.kind == BookKind.GOODS
        self.amount = book.opening.amount
        self.quantity = _quantity(book.opening.quantity)
        self.amount_in = self.amount_out = 0
        self.quantity_in = self.quantity_out = _NOTHING

    def line(self, row: Row[Any]) -> BookLine:
        (posted_on, seq, amount, quantity, source, memo, method, reference) = row[:8]
        (code, year, number, full_name, username, donor, anonymous) = row[8:15]
        (document_kind, document_year, document_seq) = row[15:]
        self.amount += amount
        self.amount_in += max(amount, 0)
        self.amount_out += max(-amount, 0)
        if source == EntrySource.RECEIPT:
            memo = f"Nhận ủng hộ của {donor if donor and not anonymous else ANONYMOUS}"
        line = BookLine(
            posted_on=posted_on,
            seq=seq,
            document=display_number(code, year, number)
            if code
            else document_number(document_kind, document_year, document_seq)
            if document_seq
            else "",
            source=source,
            method=None if self.goods else method,
            reference="" if self.goods else reference or "",
            who=(full_name or username) if username else "",
            memo=memo,
            amount_in=max(amount, 0),
            amount_out=max(-amount, 0),
            balance=self.amount,
        )
        if self.goods:
            self.quantity += quantity
            line.quantity_in = max(quantity, _NOTHING)
            line.quantity_out = max(-quantity, _NOTHING)
            line.quantity_balance = self.quantity
            self.quantity_in += line.quantity_in
            self.quantity_out += line.quantity_out
        return line

    def total_in(self) -> BookTotals:
        return BookTotals(self.amount_in, self.quantity_in if self.goods else None)

    def total_out(self) -> BookTotals:
        return BookTotals(self.amount_out, self.quantity_out if self.goods else None)

    def closing(self) -> BookTotals:
        return BookTotals(self.amount, self.quantity if self.goods else None)


async def lines(session: AsyncSession, book: OpenBook, running: Running) -> AsyncIterator[list[BookLine]]:
    """The period's lines in the order they were posted, in batches, never all held at once."""
    rows = await session.stream(
        book.period.outerjoin(ReceiptBook, ReceiptBook.id == Receipt.book_id)
        .outerjoin(_DISTRIBUTION_BOOK, _DISTRIBUTION_BOOK.id == Distribution.book_id)
        .outerjoin(_MOVEMENT_BOOK, _MOVEMENT_BOOK.id == StockMovement.book_id)
        .outerjoin(User, User.id == LedgerEntry.created_by)
        .outerjoin(Donor, Donor.id == Donation.donor_id)
        .with_only_columns(
            LedgerEntry.posted_on,
            LedgerEntry.chain_seq,
            LedgerEntry.amount,
            LedgerEntry.quantity,
            LedgerEntry.source,
            LedgerEntry.memo,
            _METHOD,
            Donation.cash_reference,
            ReceiptBook.code,
            ReceiptBook.year,
            Receipt.seq,
            User.full_name,
            User.username,
            Donor.name,
            Donation.anonymous,
            func.coalesce(StockMovement.kind, literal(DocumentKind.DISTRIBUTION.value)),
            func.coalesce(_DISTRIBUTION_BOOK.year, _MOVEMENT_BOOK.year),
            func.coalesce(Distribution.seq, StockMovement.seq),
        )
        .order_by(LedgerEntry.posted_on, LedgerEntry.chain_seq)
        .execution_options(yield_per=_BATCH)
    )
    async for batch in rows.partitions():
        yield [running.line(row) for row in batch]


async def book(session: AsyncSession, principal: Principal, query: BookQuery) -> BookOut:
    """The book as JSON: the balance carried in, each line with its running balance, the period's
    totals and the balance carried out (opening + in − out)."""
    opened = await open_book(session, principal, query)
    if opened.count > MAX_LINES:
        raise Invalid(
            f"Kỳ này có {opened.count} dòng, quá {MAX_LINES} dòng: hãy chọn kỳ ngắn hơn, hoặc xuất sổ ra tệp.",
            field="from",
        )
    running = Running(opened)
    found = [line async for batch in lines(session, opened, running) for line in batch]
    return BookOut(
        drive_id=opened.drive.id,
        kind=query.kind,
        item_type_id=query.item_type_id,
        date_from=query.date_from,
        date_to=query.date_to,
        opening=opened.opening,
        lines=found,
        total_in=running.total_in(),
        total_out=running.total_out(),
        closing=running.closing(),
    )
