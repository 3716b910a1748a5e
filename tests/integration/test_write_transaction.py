from __future__ import annotations

import asyncio

from sqlalchemy import func, select, update

from charity.db import Database, lock_rows
from charity.models import ReceiptBook
from tests import factories

WRITERS = 20


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

    class Boom(Exception):
        pass

    try:
        async with database.write() as session:
            await session.execute(update(ReceiptBook).where(ReceiptBook.id == book_id).values(next_seq=99))
            raise Boom
    except Boom:
        pass
    async with database.read() as session:
        assert (await session.get(ReceiptBook, book_id)).next_seq == 1
