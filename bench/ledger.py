"""Verifying a drive's ledger: a chain of ENTRIES entries walked by `verify_chain` (read from SQLite,
each entry's canonical text hashed and compared), beside hashing the same canonical bytes with
hashlib in a loop in the same run. The chain is a goods book of ENTRIES lines, which the export
bench reads too."""

from __future__ import annotations

import asyncio
import hashlib
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from charity import migrate
from charity.clock import local_today
from charity.db import Database
from charity.ledger.chain import HASHED_FIELDS, canonical
from charity.ledger.service import Posting, post, verify_chain
from charity.models import Drive, DriveKind, DriveStatus, EntrySource, ItemType, LedgerEntry, Unit

ENTRIES = 1_000_000
DRIVE_ID = 1  # the one drive of the bench's database
CHUNK = 20_000  # entries posted per transaction while the chain is built


async def _build(database_url: str) -> None:
    """A drive whose ledger is ENTRIES lines of rice counted in, by the one posting path."""
    database = Database(database_url)
    try:
        async with database.write() as session:
            unit = Unit(code="BENCH", name="Hội Phụ nữ xã Hòa Khánh Tây")
            rice = ItemType(name="Gạo", unit_of_measure="kg")
            session.add_all([unit, rice])
            await session.flush()
            today = local_today()
            drive = Drive(
                unit_id=unit.id,
                name="Hũ gạo tình thương",
                kind=DriveKind.RICE_JAR,
                status=DriveStatus.OPEN,
                starts_on=date(today.year, 1, 1),
                ends_on=date(today.year, 12, 31),
            )
            session.add(drive)
            await session.flush()
            drive_id = drive.id
        for start in range(0, ENTRIES, CHUNK):
            async with database.write() as session:
                await post(
                    session,
                    drive_id=drive_id,
                    posted_on=today,
                    source=EntrySource.ADJUSTMENT,
                    postings=[
                        Posting(
                            amount=1_000 + n,
                            item_type_id=rice.id,
                            quantity=Decimal("2.5"),
                            memo=f"Kiểm kê {n}",
                        )
                        for n in range(start, start + CHUNK)
                    ],
                    receipt_id=None,
                    user_id=None,
                )
    finally:
        await database.dispose()


@contextmanager
def chain_database() -> Iterator[str]:
    """A migrated SQLite database holding the bench's chain, until the block ends."""
    with tempfile.TemporaryDirectory() as directory:
        database_url = f"sqlite+aiosqlite:///{directory}/ledger.db"
        migrate.upgrade(database_url)
        asyncio.run(_build(database_url))
        yield database_url


async def _measure(database_url: str) -> dict[str, float]:
    drive_id = DRIVE_ID
    database = Database(database_url)
    try:
        async with database.read() as session:
            entries = await session.stream_scalars(
                select(LedgerEntry).where(LedgerEntry.drive_id == drive_id).order_by(LedgerEntry.chain_seq)
            )
            blobs = [
                canonical({name: getattr(entry, name) for name in HASHED_FIELDS}).encode("utf-8")
                async for entry in entries
            ]
        started = time.perf_counter()
        for blob in blobs:
            hashlib.sha256(blob).hexdigest()
        baseline = time.perf_counter() - started
        started = time.perf_counter()
        async with database.read() as session:
            report = await verify_chain(session, drive_id)
        walked = time.perf_counter() - started
        if not report.intact or report.entries != ENTRIES:
            raise RuntimeError(f"the bench's own chain does not verify: {report}")
        return {"verify_s": walked, "hashlib_s": baseline}
    finally:
        await database.dispose()


def measure(database_url: str) -> dict[str, float]:
    return asyncio.run(_measure(database_url))


def report(result: dict[str, float]) -> str:
    ratio = result["verify_s"] / result["hashlib_s"]
    verdict = "" if ratio <= 2 else "  target missed: more than 2×"
    return (
        f"{f'Verifying a chain of {ENTRIES:_} entries (SQLite)'.replace('_', '.'):50}"
        f"{result['verify_s']:7.1f} s\n"
        f"{'  hashing the same canonical bytes, hashlib':50}{result['hashlib_s']:7.1f} s\n"
        f"{'  ratio (target ≤ 2)':50}{ratio:7.1f}{verdict}"
    )
