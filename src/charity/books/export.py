"""A drive's book as a file: the same reading as the JSON book, laid out as the book is kept on
paper, with the drive's chain end at its foot so that a kept printout can be checked later."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

from litestar.response import Stream
from sqlalchemy.ext.asyncio import AsyncSession

from charity.access import Principal
from charity.audit.service import Actor, record
from charity.books.schemas import BookKind, BookLine
from charity.books.service import BookQuery, OpenBook, Running, lines, open_book
from charity.clock import VIETNAM, now
from charity.db import Database
from charity.errors import Invalid
from charity.exports.pdf import MAX_PDF_LINES
from charity.exports.report import Column, Format, Kind, Report, Row, period_text
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
_LEAD = [
    Column("Ngày ghi sổ", Kind.DATE, 12),
    Column("Số chứng từ", Kind.TEXT, 15),
    Column("Diễn giải", Kind.TEXT, 42),
]
_TAIL = [Column("Người ghi", Kind.TEXT, 20), Column("Dòng sổ", Kind.INTEGER, 8)]


def columns(book: OpenBook) -> list[Column]:
    if book.item_type is None:
        money = [
            Column("Thu", Kind.MONEY, 15),
            Column("Chi", Kind.MONEY, 15),
            Column("Tồn quỹ", Kind.MONEY, 16),
        ]
        return [*_LEAD, Column("Hình thức", Kind.TEXT, 13), *money, *_TAIL]
    unit = book.item_type.unit_of_measure
    quantities = [Column(f"{title} ({unit})", Kind.QUANTITY, 12) for title in ("Nhập", "Xuất", "Tồn")]
    values = [Column(f"Giá trị {title}", Kind.MONEY, 15) for title in ("nhập", "xuất", "tồn")]
    return [*_LEAD, *quantities, *values, *_TAIL]


def line_row(line: BookLine, goods: bool) -> Row:
    lead = (line.posted_on, line.document, line.memo)
    money = (line.amount_in or None, line.amount_out or None, line.balance)
    tail = (line.who, line.seq)
    if goods:
        quantities = (line.quantity_in or None, line.quantity_out or None, line.quantity_balance)
        return (*lead, *quantities, *money, *tail)
    return (*lead, PAYMENT_METHODS.get(line.method or "", ""), *money, *tail)


def balance_row(book: OpenBook, label: str, day: date | None, amount: int, quantity: object) -> Row:
    if book.item_type is None:
        return (day, "", label, "", None, None, amount, "", None)
    return (day, "", label, None, None, quantity, None, None, amount, "", None)


def totals_row(book: OpenBook, running: Running) -> Row:
    if book.item_type is None:
        return (
            None,
            "",
            "Cộng phát sinh trong kỳ",
            "",
            running.amount_in,
            running.amount_out,
            None,
            "",
            None,
        )
    return (
        None,
        "",
        "Cộng phát sinh trong kỳ",
        running.quantity_in,
        running.quantity_out,
        None,
        running.amount_in,
        running.amount_out,
        None,
        "",
        None,
    )


async def _report(session: AsyncSession, book: OpenBook, who: str) -> Report:
    unit = await session.get_one(Unit, book.drive.unit_id)
    running = Running(book)
    goods = book.item_type is not None
    facts = [("Đơn vị", unit.name), ("Cuộc vận động", book.drive.name)]
    if book.item_type is not None:
        facts.append(("Loại hàng", f"{book.item_type.name} ({book.item_type.unit_of_measure})"))
    facts += [
        ("Kỳ", period_text(book.query.date_from, book.query.date_to)),
        ("Xuất lúc", f"{now().astimezone(VIETNAM).strftime('%d/%m/%Y %H:%M')}"),
        ("Người xuất", who),
    ]

    async def batches() -> AsyncIterator[list[Row]]:
        yield [
            balance_row(
                book, "Số dư đầu kỳ", book.query.date_from, book.opening.amount, book.opening.quantity
            )
        ]
        async for batch in lines(session, book, running):
            yield [line_row(line, goods) for line in batch]

    return Report(
        title=TITLES[book.query.kind],
        facts=facts,
        columns=columns(book),
        batches=batches(),
        totals=lambda: [
            totals_row(book, running),
            balance_row(book, "Số dư cuối kỳ", book.query.date_to, running.amount, running.quantity),
        ],
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
    if format == Format.PDF and book.count > MAX_PDF_LINES:
        raise Invalid(
            f"Kỳ này có {book.count} dòng, quá dài để in (tối đa {MAX_PDF_LINES} dòng): "
            "hãy xuất XLSX, hoặc chọn kỳ ngắn hơn.",
            field="format",
        )
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
    span = "-".join(day.isoformat() for day in (query.date_from, query.date_to) if day)
    item = f"-{ascii_slug(book.item_type.name)}" if book.item_type else ""
    file_name = "-".join(
        part for part in (_FILE_NAMES[query.kind] + item, ascii_slug(book.drive.name), span) if part
    )
    who = principal.full_name or principal.username

    async def make(reading: AsyncSession) -> Report:
        return await _report(reading, await open_book(reading, principal, query), who)

    return export_answer(database, make, format, file_name)
