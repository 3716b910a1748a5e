"""Receipt books and their numbers: gapless, never reused, safe under concurrent writers.

A number is taken inside the issuing transaction while the book's row is locked (the UPDATE that counts
up locks it on PostgreSQL; SQLite's write transaction holds the whole database), so it is used exactly
when the receipt commits: a failure anywhere in the transaction rolls the counter back with everything
else.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from charity.errors import Conflict, Invalid, NotFound
from charity.models import BookStatus, ReceiptBook

DEFAULT_BOOK_CODE = "01"


def display_number(code: str, year: int, seq: int) -> str:
    """How a receipt is cited: book code and year, then its number ("01-2026/00125")."""
    return f"{code}-{year}/{seq:05d}"


@dataclass(frozen=True, slots=True)
class Number:
    book_id: int
    code: str
    year: int
    seq: int

    @property
    def display(self) -> str:
        return display_number(self.code, self.year, self.seq)


_BOOK = ReceiptBook.__table__
_OPEN = _BOOK.c.status == BookStatus.OPEN
# Counting up and reading the number taken is one statement, and it takes the book's row lock
# (PostgreSQL re-checks the conditions on the row it waited for, so a book closed meanwhile is skipped).
_TAKE = (
    update(_BOOK)
    .values(next_seq=_BOOK.c.next_seq + 1)
    .returning(_BOOK.c.id, _BOOK.c.code, _BOOK.c.year, (_BOOK.c.next_seq - 1).label("seq"))
)


_FROM_FIRST_OPEN = _TAKE.where(
    _OPEN,
    _BOOK.c.id
    == select(_BOOK.c.id)
    .where(_BOOK.c.unit_id == bindparam("for_unit"), _BOOK.c.year == bindparam("for_year"), _OPEN)
    .order_by(_BOOK.c.id)
    .limit(1)
    .scalar_subquery(),
)
_FROM_CHOSEN = _TAKE.where(
    _OPEN,
    _BOOK.c.id == bindparam("for_book"),
    _BOOK.c.unit_id == bindparam("for_unit"),
    _BOOK.c.year == bindparam("for_year"),
)


async def _ensure_default_book(session: AsyncSession, unit_id: int, year: int) -> None:
    """The first gift of a unit in a year opens its default book; concurrent first gifts create it once."""
    insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    await session.execute(
        insert(ReceiptBook)
        .values(unit_id=unit_id, year=year, code=DEFAULT_BOOK_CODE, next_seq=1, status=BookStatus.OPEN)
        .on_conflict_do_nothing(index_elements=["unit_id", "year", "code"])
    )


async def take_number(session: AsyncSession, unit_id: int, year: int, book_id: int | None = None) -> Number:
    """The next number of the unit's book for the year (the one asked for, or its first open book),
    locked until the transaction ends: a failure later in the transaction gives the number back."""
    statement, chosen = (_FROM_FIRST_OPEN, {}) if book_id is None else (_FROM_CHOSEN, {"for_book": book_id})
    parameters = {"for_unit": unit_id, "for_year": year, **chosen}
    row = (await session.execute(statement, parameters)).first()
    if row is None and book_id is None:
        books = await session.execute(
            select(ReceiptBook.id).where(ReceiptBook.unit_id == unit_id, ReceiptBook.year == year).limit(1)
        )
        if books.first() is None:
            await _ensure_default_book(session, unit_id, year)
        # Either the default book now exists, or another writer committed a book since the first try.
        row = (await session.execute(statement, parameters)).first()
    if row is not None:
        return Number(*row)
    if book_id is None:
        raise Conflict(
            f"Đơn vị không còn quyển biên nhận nào đang mở cho năm {year}. Điều phối viên cần mở quyển mới.",
            field="book_id",
        )
    book = await session.get(ReceiptBook, book_id)
    if book is None or book.unit_id != unit_id:
        raise NotFound("Không có quyển biên nhận này.", field="book_id")
    if book.year != year:
        raise Invalid(f"Quyển biên nhận {book.code}-{book.year} không dùng cho năm {year}.", field="book_id")
    raise Conflict(
        f"Quyển biên nhận {book.code}-{book.year} đã đóng, không cấp số được nữa.", field="book_id"
    )
