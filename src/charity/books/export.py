"""A drive's book as a file: the same reading as the JSON book, laid out as the book is kept on
paper, with the drive's chain end at its foot so that a kept printout can be checked later."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal

from litestar.response import Stream
from sqlalchemy.ext.asyncio import AsyncSession

from charity.access import Principal
from charity.audit.service import Actor, record
from charity.books.schemas import BookKind, BookLine
from charity.books.service import BookQuery, OpenBook, Running, lines, open_book
from charity.db import Database
from charity.exports.pdf import refuse_unprintable
from charity.exports.report import Column, Format, Kind, Report, Row, Value, closing_facts, file_name
from charity.exports.response import export_answer
from charity.labels import PAYMENT_METHODS
from charity.models import Unit
from charity.text import ascii_slug

TITLES = {
    BookKind.CASH: "SỔ QUỸ TIỀN MẶT",
    BookKind.BANK: "SỔ TIỀN GỬI (CHUYỂN KHOẢN, VÍ ĐIỆN TỬ)",
    BookKind.GOODS: "SỔ KHO (THẺ KHO)",
}
_FILE_NAMES = {BookKind.CASH: "so-quy-tien-mat", BookKind.BANK: "so-tien-gui", BookKind.GOODS: "so-kho"}


class Layout:
    """A book's columns, each named by the key its rows give a value under."""

    def __init__(self, book: OpenBook) -> None:
        lead = [
            ("day", Column("Ngày ghi sổ", Kind.DATE, 12)),
            ("document", Column("Số chứng từ", Kind.TEXT, 15)),
            ("memo", Column("Diễn giải", Kind.TEXT, 42)),
        ]
        tail = [("who", Column("Người ghi", Kind.TEXT, 20)), ("seq", Column("Dòng sổ", Kind.INTEGER, 8))]
        if book.item_type is None:
            money = [
                ("amount_in", Column("Thu", Kind.MONEY, 15)),
                ("amount_out", Column("Chi", Kind.MONEY, 15)),
                ("balance", Column("Tồn quỹ", Kind.MONEY, 16)),
            ]
            how = [("method", Column("Hình thức", Kind.TEXT, 13))]
            if book.query.kind == BookKind.BANK:
                how.append(("reference", Column("Mã giao dịch", Kind.TEXT, 18)))
            keyed = [*lead, *how, *money, *tail]
        else:
            unit = book.item_type.unit_of_measure
            keyed = [
                *lead,
                ("quantity_in", Column(f"Nhập ({unit})", Kind.QUANTITY, 12)),
                ("quantity_out", Column(f"Xuất ({unit})", Kind.QUANTITY, 12)),
                ("quantity_balance", Column(f"Tồn ({unit})", Kind.QUANTITY, 12)),
                ("amount_in", Column("Giá trị nhập", Kind.MONEY, 15)),
                ("amount_out", Column("Giá trị xuất", Kind.MONEY, 15)),
                ("balance", Column("Giá trị tồn", Kind.MONEY, 15)),
                *tail,
            ]
        self.keys = [key for key, _ in keyed]
        self.columns = [column for _, column in keyed]

    def row(self, **values: Value) -> Row:
        return tuple(values.get(key) for key in self.keys)

    def line(self, line: BookLine) -> Row:
        return self.row(
            day=line.posted_on,
            document=line.document,
            memo=line.memo,
            method=PAYMENT_METHODS.get(line.method or ""),
            reference=line.reference,
            amount_in=line.amount_in or None,
            amount_out=line.amount_out or None,
            balance=line.balance,
            quantity_in=line.quantity_in or None,
            quantity_out=line.quantity_out or None,
            quantity_balance=line.quantity_balance,
            who=line.who,
            seq=line.seq,
        )

    def balance(self, label: str, day: date | None, amount: int, quantity: Decimal | None) -> Row:
        return self.row(day=day, memo=label, balance=amount, quantity_balance=quantity)

    def opening(self, book: OpenBook) -> Row:
        return self.balance("Số dư đầu kỳ", book.query.date_from, book.opening.amount, book.opening.quantity)

    def closing(self, book: OpenBook, running: Running) -> Row:
        closing = running.closing()
        return self.balance("Số dư cuối kỳ", book.query.date_to, closing.amount, closing.quantity)

    def totals(self, running: Running) -> Row:
        return self.row(
            memo="Cộng phát sinh trong kỳ",
            amount_in=running.amount_in,
            amount_out=running.amount_out,
            quantity_in=running.quantity_in,
            quantity_out=running.quantity_out,
        )


async def _report(session: AsyncSession, book: OpenBook, who: str) -> Report:
    unit = await session.get_one(Unit, book.drive.unit_id)
    running = Running(book)
    layout = Layout(book)
    facts = [("Đơn vị", unit.name), ("Cuộc vận động", book.drive.name)]
    if book.item_type is not None:
        facts.append(("Loại hàng", f"{book.item_type.name} ({book.item_type.unit_of_measure})"))
    facts += closing_facts(book.query.date_from, book.query.date_to, who)

    async def batches() -> AsyncIterator[list[Row]]:
        yield [layout.opening(book)]
        async for batch in lines(session, book, running):
            yield [layout.line(line) for line in batch]

    return Report(
        title=TITLES[book.query.kind],
        facts=facts,
        columns=layout.columns,
        batches=batches(),
        totals=lambda: [layout.totals(running), layout.closing(book, running)],
        foot=[
            f"Điểm cuối chuỗi sổ của cuộc vận động khi xuất: dòng số {book.drive.ledger_seq}, "
            f"mã băm {book.drive.ledger_hash}."
        ],
    )


async def book_file(
    database: Database,
    session: AsyncSession,
    actor: Actor,
    principal: Principal,
    query: BookQuery,
    format: Format,
) -> Stream:
    """The book as a file: checked and recorded (an audit event) in the request's `session`, then
    read and sent from a snapshot of its own."""
    book = await open_book(session, principal, query)
    if format == Format.PDF:
        refuse_unprintable("Kỳ này", book.count)
    await record(
        session,
        actor,
        "book.export",
        object_type="drive",
        object_id=book.drive.id,
        unit_id=book.drive.unit_id,
        after={
            "book": query.kind.value,
            "item_type_id": query.item_type_id,
            "from": query.date_from.isoformat() if query.date_from else None,
            "to": query.date_to.isoformat() if query.date_to else None,
            "format": format.value,
            "lines": book.count,
        },
    )
    item = f"-{ascii_slug(book.item_type.name)}" if book.item_type else ""
    name = file_name(
        _FILE_NAMES[query.kind] + item,
        ascii_slug(book.drive.name),
        date_from=query.date_from,
        date_to=query.date_to,
    )
    who = principal.full_name or principal.username

    async def make(reading: AsyncSession) -> Report:
        return await _report(reading, await open_book(reading, principal, query), who)

    return export_answer(database, make, format, name)
