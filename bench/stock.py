"""Taking goods out of a drive whose ledger is long: each distribution reads what the drive holds
(sums of its entries, under its lock) before it posts, where a gift only appends. Both are measured on
the ledger bench's drive of a million entries, one write transaction each, the gift as the baseline."""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal

from sqlalchemy import select

from bench.ledger import DRIVE_ID, ENTRIES
from charity.clock import local_today
from charity.db import Database
from charity.ledger.service import Posting, post, take_out
from charity.models import EntrySource, ItemType

POSTINGS = 30


async def _timed(database: Database, rice_id: int, *, out: bool) -> float:
    started = time.perf_counter()
    for _ in range(POSTINGS):
        async with database.write() as session:
            if out:
                posting = await take_out(session, DRIVE_ID, rice_id, Decimal(1), "Trao tặng")
            else:
                posting = Posting(amount=20_000, item_type_id=rice_id, quantity=Decimal(1), memo="Nhận")
            await post(
                session,
                drive_id=DRIVE_ID,
                posted_on=local_today(),
                source=EntrySource.DISTRIBUTION if out else EntrySource.RECEIPT,
                postings=[posting],
                user_id=None,
            )
    return (time.perf_counter() - started) / POSTINGS


async def _measure(database_url: str) -> dict[str, float]:
    database = Database(database_url)
    try:
        async with database.read() as session:
            rice_id = (await session.execute(select(ItemType.id))).scalar_one()
        return {
            "in_s": await _timed(database, rice_id, out=False),
            "out_s": await _timed(database, rice_id, out=True),
        }
    finally:
        await database.dispose()


def measure(database_url: str) -> dict[str, float]:
    return asyncio.run(_measure(database_url))


def report(result: dict[str, float]) -> str:
    ratio = result["out_s"] / result["in_s"]
    title = f"Taking 1 kg out of a drive of {ENTRIES:_} entries (SQLite)".replace("_", ".")
    return (
        f"{title:60}{result['out_s'] * 1000:7.1f} ms\n"
        f"{'  appending 1 kg in, as a gift posts':60}{result['in_s'] * 1000:7.1f} ms\n"
        f"{'  ratio':60}{ratio:7.1f}"
    )
