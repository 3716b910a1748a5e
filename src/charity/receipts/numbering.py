"""Receipt books and their numbers: gapless, never reused, safe under concurrent writers.

A number is taken inside the issuing transaction while the book's row is locked (`SELECT … FOR UPDATE`
on PostgreSQL; SQLite's write transaction holds the whole database), so it is used exactly when the
receipt commits: a failure anywhere in the transaction rolls the counter back with everything else.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from charity.db import lock_rows
from charity.errors import Conflict, Invalid, NotFound
from charity.models import BookStatus, ReceiptBook

DEFAULT_BOOK_CODE = "01"


def display_number(book: ReceiptBook, seq: int) -> str:
    """How a receipt is cited: book code and year, then its number ("01-2026/00125")."""
    return f"{book.code}-{book.year}/{seq:05d}"


async def _ensure_default_book(session: AsyncSession, unit_id: int, year: int) -> None:
    """The first gift of a unit in a year opens its default book; concurrent first gifts create it once."""
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    await session.execute(
        insert(ReceiptBook)
        .values(unit_id=unit_id, year=year, code=DEFAULT_BOOK_CODE, next_seq=1, status=BookStatus.OPEN)
        .on_conflict_do_nothing(index_elements=["unit_id", "year", "code"])
    )


async def book_for_gift(
    session: AsyncSession, unit_id: int, year: int, book_id: int | None = None
) -> ReceiptBook:
    """The locked book a unit's next receipt is numbered from: the one asked for, or the unit's first
    open book of the year (created when the unit has none at all)."""
    if book_id is None:
        books = (
            await session.execute(
                select(ReceiptBook.id, ReceiptBook.status)
                .where(ReceiptBook.unit_id == unit_id, ReceiptBook.year == year)
                .order_by(ReceiptBook.id)
            )
        ).all()
        if not books:
            await _ensure_default_book(session, unit_id, year)
            return await book_for_gift(session, unit_id, year)
        open_books = [book for book, status in books if status == BookStatus.OPEN]
        if not open_books:
            raise Conflict(
                f"Đơn vị không còn quyển biên nhận nào đang mở cho năm {year}. Điều phối viên cần mở quyển mới.",
                field="book_id",
            )
        book_id = open_books[0]
    locked = await lock_rows(session, ReceiptBook, [book_id])
    if not locked or locked[0].unit_id != unit_id:
        raise NotFound("Không có quyển biên nhận này.", field="book_id")
    book = locked[0]
    if book.status != BookStatus.OPEN:
        raise Conflict(
            f"Quyển biên nhận {book.code}-{book.year} đã đóng, không cấp số được nữa.", field="book_id"
        )
    if book.year != year:
        raise Invalid(f"Quyển biên nhận {book.code}-{book.year} không dùng cho năm {year}.", field="book_id")
    return book


async def take_number(session: AsyncSession, book: ReceiptBook) -> int:
    """The next number of a locked book."""
    seq = book.next_seq
    book.next_seq = seq + 1
    await session.flush()
    return seq
