"""A gift and the close of its month at the same time, on SQLite and PostgreSQL: either the gift is
recorded and the close comes after it, or the close comes first and the gift is refused. A gift is
never recorded inside a month once it is closed. On PostgreSQL each order is also brought about on
purpose, by another writer holding a row the posting or the close needs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from sqlalchemy import make_url, select

from charity.db import Database
from charity.ledger.service import verify_chain
from charity.models import AuditEvent
from tests.gifts_world import GiftsWorld

GIFTS_PER_MONTH = 3


async def _audited(database: Database, action: str, object_id: int) -> int:
    """The id of the audit event for the action on the object: events are numbered as they are written."""
    async with database.read() as session:
        return (
            await session.execute(
                select(AuditEvent.id).where(AuditEvent.action == action, AuditEvent.object_id == object_id)
            )
        ).scalar_one()


async def test_gifts_and_the_close_of_their_month_sent_together(
    concurrent: httpx.AsyncClient, world: GiftsWorld, database: Database
) -> None:
    recorded = 0
    for month in (f"2026-{number:02d}" for number in range(1, 12)):
        *gifts, close = await asyncio.gather(
            *(
                concurrent.post(
                    "/api/donations",
                    json=world.gift(received_on=f"{month}-{day:02d}"),
                    headers=world.auth("volunteer"),
                )
                for day in range(1, GIFTS_PER_MONTH + 1)
            ),
            concurrent.post(
                "/api/periods",
                json={"unit_id": world.unit_id, "month": month},
                headers=world.auth("coordinator"),
            ),
        )
        assert close.status_code == 201, close.text
        closed_at = await _audited(database, "period.close", close.json()["id"])
        for gift in gifts:
            if gift.status_code == 409:
                assert gift.json()["code"] == "period_closed"
                continue
            assert gift.status_code == 201, gift.text
            recorded += 1
            # Recorded before the close, never after it.
            assert await _audited(database, "receipt.issue", gift.json()["receipt"]["id"]) < closed_at
    async with database.read() as session:
        chain = await verify_chain(session, world.drive_id)
    assert chain.intact
    assert chain.entries == recorded


@pytest.fixture
async def other_writer(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    """A connection of its own to the test's PostgreSQL database, standing for another writer."""
    connection = await asyncpg.connect(
        make_url(database_url).set(drivername="postgresql").render_as_string(False)
    )
    yield connection
    await connection.close()


async def _until_waiting(connection: asyncpg.Connection, count: int) -> None:
    """Until `count` other transactions of the database wait for a lock."""
    for _ in range(200):
        # Inside a transaction the server answers from the activity it read first, unless told afresh.
        await connection.execute("SELECT pg_stat_clear_snapshot()")
        waiting = await connection.fetchval(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        if waiting >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{count} transactions never waited for a lock")


def _close(concurrent: httpx.AsyncClient, world: GiftsWorld) -> asyncio.Task[httpx.Response]:
    return asyncio.create_task(
        concurrent.post(
            "/api/periods",
            json={"unit_id": world.unit_id, "month": "2026-11"},
            headers=world.auth("coordinator"),
        )
    )


# SQLite runs one writer at a time: these two orders are PostgreSQL's.
@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
async def test_a_close_waits_for_a_posting_under_way(
    concurrent: httpx.AsyncClient, world: GiftsWorld, other_writer: asyncpg.Connection
) -> None:
    async with other_writer.transaction():
        # A posting to the unit's drive is under way: it holds the drive's row, as `post` does.
        await other_writer.execute("SELECT id FROM drive WHERE id = $1 FOR NO KEY UPDATE", world.drive_id)
        closing = _close(concurrent, world)
        await _until_waiting(other_writer, 1)
        await asyncio.sleep(0.2)
        assert not closing.done(), "the close went ahead while a posting held its drive"
    assert (await closing).status_code == 201


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
async def test_a_gift_that_waits_for_a_close_under_way_is_refused_after_it(
    concurrent: httpx.AsyncClient, world: GiftsWorld, database: Database, other_writer: asyncpg.Connection
) -> None:
    assert (
        await concurrent.post("/api/donations", json=world.gift(), headers=world.auth("volunteer"))
    ).status_code == 201
    async with other_writer.transaction():
        # Holding the unit's row stops the close at its insert (which points at the unit), after it
        # has locked the unit's drives.
        await other_writer.execute("SELECT id FROM unit WHERE id = $1 FOR UPDATE", world.unit_id)
        closing = _close(concurrent, world)
        await _until_waiting(other_writer, 1)
        gift = asyncio.create_task(
            concurrent.post(
                "/api/donations", json=world.gift(received_on="2026-11-20"), headers=world.auth("volunteer")
            )
        )
        await _until_waiting(other_writer, 2)
    closed, refused = await closing, await gift
    assert closed.status_code == 201, closed.text
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "period_closed"
    async with database.read() as session:
        assert (await verify_chain(session, world.drive_id)).entries == 1
