from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError

from charity.audit.service import Actor, record
from charity.db import Database, lock_rows
from charity.models import ReceiptBook
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


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
async def test_a_writer_that_fills_the_disk_fails_alone(database: Database) -> None:
    """Disk full rolls back SQLite's whole transaction: that writer fails, and the writers before and
    after it keep their changes."""
    book_id = await _new_book(database)

    async def fill_the_disk() -> None:
        async with database.write() as session:
            pages = (await session.execute(text("PRAGMA page_count"))).scalar_one()
            await session.execute(text(f"PRAGMA max_page_count = {pages}"))
            await record(session, Actor.command_line(), "filler", after={"text": "x" * 200_000})

    outcomes = await asyncio.gather(
        _bump(database, book_id), fill_the_disk(), _bump(database, book_id), return_exceptions=True
    )
    assert isinstance(outcomes[1], DBAPIError)
    assert outcomes[0] is None
    assert outcomes[2] is None
    async with database.read() as session:
        assert (await session.get(ReceiptBook, book_id)).next_seq == 3


async def test_a_write_transaction_holds_nothing_before_its_first_statement(database: Database) -> None:
    """Work done at the start of a write transaction before it touches the database (hashing a
    password) does not keep other writers waiting."""
    book_id = await _new_book(database)
    others_done = asyncio.Event()

    async def others() -> None:
        await asyncio.gather(*(_bump(database, book_id) for _ in range(3)))
        others_done.set()

    async with database.write() as session:
        task = asyncio.create_task(others())
        await asyncio.wait_for(others_done.wait(), timeout=10)
        await session.execute(update(ReceiptBook).where(ReceiptBook.id == book_id).values(next_seq=100))
    await task
    async with database.read() as session:
        assert (await session.get(ReceiptBook, book_id)).next_seq == 100
