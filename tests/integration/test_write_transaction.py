from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from charity import sqlite_inline
from charity.audit.service import Actor, record
from charity.db import Database, _GroupCommit, lock_rows
from charity.models import ReceiptBook, Unit
from tests import factories

WRITERS = 20


class Boom(Exception):
    pass


async def _take_numbers(database: Database, book_id: int, count: int) -> list[int]:
    """Each writer reads the book's next number and increments it, the pattern the receipt path uses:
    without the write lock up front two writers would read the same number or fail as locked."""
    taken = []
    for _ in range(count):
        async with database.write() as session:
            (book,) = await lock_rows(session, ReceiptBook, [book_id])
            taken.append(book.next_seq)
            await asyncio.sleep(0)  # let other writers try to get in
            await session.execute(
                update(ReceiptBook).where(ReceiptBook.id == book_id).values(next_seq=book.next_seq + 1)
            )
    return taken


async def _new_book(database: Database) -> int:
    async with database.write() as session:
        unit = await factories.unit(session)
        return (await factories.receipt_book(session, unit.id)).id


async def test_concurrent_writers_queue_instead_of_failing(database: Database) -> None:
    book_id = await _new_book(database)
    results = await asyncio.gather(*(_take_numbers(database, book_id, 5) for _ in range(WRITERS)))
    numbers = sorted(n for result in results for n in result)
    assert numbers == list(range(1, WRITERS * 5 + 1))


async def test_writers_of_separate_engines_queue_on_the_database_lock(database_url: str) -> None:
    """Two engines stand for two server processes: they share no in-process lock, only the database's."""
    first, second = Database(database_url), Database(database_url)
    try:
        book_id = await _new_book(first)
        results = await asyncio.gather(
            *(_take_numbers(engine, book_id, 3) for engine in [first, second] * (WRITERS // 2))
        )
        numbers = sorted(n for result in results for n in result)
        assert numbers == list(range(1, WRITERS * 3 + 1))
        async with first.read() as session:
            assert (
                await session.execute(select(func.max(ReceiptBook.next_seq)))
            ).scalar_one() == WRITERS * 3 + 1
    finally:
        await first.dispose()
        await second.dispose()


async def test_a_failed_write_transaction_leaves_nothing(database: Database) -> None:
    book_id = await _new_book(database)

    try:
        async with database.write() as session:
            await session.execute(update(ReceiptBook).where(ReceiptBook.id == book_id).values(next_seq=99))
            raise Boom
    except Boom:
        pass
    async with database.read() as session:
        assert (await session.get(ReceiptBook, book_id)).next_seq == 1


async def _bump(
    database: Database, book_id: int, *, fail: bool = False, check: Database | None = None
) -> None:
    """One writer adding 1 to the book's counter, failing at the end when asked; with `check`, confirms
    through another engine (another process) that its change is on disk the moment it returns."""
    async with database.write() as session:
        (book,) = await lock_rows(session, ReceiptBook, [book_id])
        seen = book.next_seq
        await session.execute(update(ReceiptBook).where(ReceiptBook.id == book_id).values(next_seq=seen + 1))
        await asyncio.sleep(0)  # others queue behind this writer, so they share its commit
        if fail:
            raise Boom
    if check is not None:
        async with check.read() as session:
            committed = (
                await session.execute(select(ReceiptBook.next_seq).where(ReceiptBook.id == book_id))
            ).scalar_one()
        assert committed >= seen + 1


async def test_a_failing_writer_among_concurrent_ones_loses_only_its_own_change(database: Database) -> None:
    book_id = await _new_book(database)
    outcomes = await asyncio.gather(
        *(_bump(database, book_id, fail=n % 4 == 0) for n in range(WRITERS)), return_exceptions=True
    )
    failed = [outcome for outcome in outcomes if isinstance(outcome, Boom)]
    assert len(failed) == WRITERS // 4
    assert all(outcome is None or isinstance(outcome, Boom) for outcome in outcomes)
    async with database.read() as session:
        assert (await session.get(ReceiptBook, book_id)).next_seq == 1 + WRITERS - len(failed)


async def test_a_write_is_on_disk_when_its_block_ends(database: Database, database_url: str) -> None:
    other = Database(database_url)
    try:
        book_id = await _new_book(database)
        await asyncio.gather(*(_bump(database, book_id, check=other) for _ in range(WRITERS)))
    finally:
        await other.dispose()


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)  # PostgreSQL commits each writer alone
async def test_when_a_shared_commit_fails_every_writer_sharing_it_fails(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    book_id = await _new_book(database)

    async def disk_error(_connection: sqlite_inline.Connection) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(sqlite_inline.Connection, "commit", disk_error)
    outcomes = await asyncio.gather(
        *(_bump(database, book_id) for _ in range(WRITERS)), return_exceptions=True
    )
    assert all(isinstance(outcome, DBAPIError) for outcome in outcomes)
    monkeypatch.undo()
    async with database.read() as session:
        assert (await session.get(ReceiptBook, book_id)).next_seq == 1


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)  # PostgreSQL commits each writer alone
async def test_when_sqlite_drops_a_shared_transaction_no_writer_of_it_is_told_it_was_saved(
    database: Database,
) -> None:
    """Disk full rolls back SQLite's whole transaction, not just the failing statement: the writers
    that shared it must fail too, and the writers after it start afresh."""
    book_id = await _new_book(database)

    async def fill_the_disk() -> None:
        async with database.write() as session:
            pages = (await session.execute(text("PRAGMA page_count"))).scalar_one()
            await session.execute(text(f"PRAGMA max_page_count = {pages}"))
            await record(session, Actor.command_line(), "filler", after={"text": "x" * 200_000})

    async def later_bump() -> None:
        await asyncio.sleep(0.05)
        await _bump(database, book_id)

    outcomes = await asyncio.gather(
        _bump(database, book_id),
        _bump(database, book_id),
        fill_the_disk(),
        later_bump(),
        return_exceptions=True,
    )
    assert isinstance(outcomes[2], sqlite3.OperationalError)
    assert outcomes[3] is None
    acknowledged = [n for n, outcome in enumerate(outcomes) if outcome is None and n != 2]
    async with database.read() as session:
        next_seq = (await session.get(ReceiptBook, book_id)).next_seq
    assert next_seq == 1 + len(acknowledged)


async def test_a_commit_is_counted_even_when_its_writer_was_cancelled(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a process read before one of its write transactions committed may be out of date (the
    bearer-token cache forgets it). A writer cancelled while its commit still goes on (SQLite: its
    batch commits after the writer stopped waiting; PostgreSQL: the commit's answer was lost) is
    counted too."""
    before = database.write_transactions
    writer: asyncio.Task[None] | None = None
    if database.is_sqlite:
        real_commit = _GroupCommit._commit

        async def commit_after_the_writer_left(self: _GroupCommit, batch: Any) -> None:
            assert writer is not None
            writer.cancel()
            await asyncio.sleep(0)
            await real_commit(self, batch)

        monkeypatch.setattr(_GroupCommit, "_commit", commit_after_the_writer_left)
    else:
        real_session_commit = AsyncSession.commit

        async def commit_and_lose_the_answer(self: AsyncSession) -> None:
            await real_session_commit(self)
            raise asyncio.CancelledError

        monkeypatch.setattr(AsyncSession, "commit", commit_and_lose_the_answer)

    async def add_unit() -> None:
        async with database.write() as session:
            await factories.unit(session, code="CTD", name="Hội Chữ thập đỏ xã")

    writer = asyncio.create_task(add_unit())
    with pytest.raises(asyncio.CancelledError):
        await writer
    for _ in range(100):
        if database.write_transactions > before:
            break
        await asyncio.sleep(0.01)
    assert database.write_transactions == before + 1
    async with database.read() as session:
        assert (await session.execute(select(func.count()).select_from(Unit))).scalar_one() == 1
