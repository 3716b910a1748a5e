"""Gapless numbers for the documents besides receipts that post to a drive's ledger: each unit keeps
one book per kind of document and year, numbered 1, 2, 3… ("TT-2026/00012" for a distribution).

As with receipt books, the number is taken inside the writing transaction while the book's row is
locked (the counting UPDATE locks it on PostgreSQL; SQLite's write transaction holds the database),
so a failure anywhere later gives it back. The book comes before any drive in the lock order.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from charity.models import DocumentBook, DocumentKind

PREFIXES = {
    DocumentKind.DISTRIBUTION: "TT",  # trao tặng
    DocumentKind.CONVERSION: "CD",  # chuyển đổi (bán hàng)
    DocumentKind.ADJUSTMENT: "KK",  # kiểm kê
    DocumentKind.TRANSFER: "DC",  # điều chuyển
}


def document_number(kind: DocumentKind | str, year: int, seq: int) -> str:
    return f"{PREFIXES[DocumentKind(kind)]}-{year}/{seq:05d}"


@dataclass(frozen=True, slots=True)
class Number:
    book_id: int
    kind: DocumentKind
    year: int
    seq: int

    @property
    def display(self) -> str:
        return document_number(self.kind, self.year, self.seq)


_BOOK = DocumentBook.__table__
_TAKE = (
    update(_BOOK)
    .where(
        _BOOK.c.unit_id == bindparam("for_unit"),
        _BOOK.c.year == bindparam("for_year"),
        _BOOK.c.kind == bindparam("for_kind"),
    )
    .values(next_seq=_BOOK.c.next_seq + 1)
    .returning(_BOOK.c.id, (_BOOK.c.next_seq - 1).label("seq"))
)


async def take_number(session: AsyncSession, unit_id: int, kind: DocumentKind, year: int) -> Number:
    """The next number of the unit's book of this kind for the year, opening the book on its first
    document (concurrent first documents create it once)."""
    insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    await session.execute(
        insert(DocumentBook)
        .values(unit_id=unit_id, year=year, kind=kind, next_seq=1)
        .on_conflict_do_nothing(index_elements=["unit_id", "year", "kind"])
    )
    book_id, seq = (
        await session.execute(_TAKE, {"for_unit": unit_id, "for_year": year, "for_kind": kind})
    ).one()
    return Number(book_id, kind, year, seq)
