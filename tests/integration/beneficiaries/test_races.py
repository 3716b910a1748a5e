"""One person proposed twice at the same moment, on SQLite and PostgreSQL: the proposals are checked one
after the other, so the second is answered with the first as its likely duplicate, never both created."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from sqlalchemy import func, make_url, select

from charity.db import Database
from charity.models import Beneficiary
from tests.integration.beneficiaries.conftest import household
from tests.world import World

AT_ONCE = 5


async def _with_cccd(database: Database) -> int:
    async with database.read() as session:
        return (
            await session.execute(
                select(func.count()).select_from(Beneficiary).where(Beneficiary.id_number == "048168001234")
            )
        ).scalar_one()


def _propose(concurrent: httpx.AsyncClient, world: World, who: str) -> asyncio.Task[httpx.Response]:
    return asyncio.create_task(
        concurrent.post("/api/beneficiaries", json=household(world), headers=world.auth(who))
    )


async def test_proposals_of_one_person_sent_together_create_one_record(
    concurrent: httpx.AsyncClient, world: World, database: Database
) -> None:
    answers = await asyncio.gather(
        *(_propose(concurrent, world, ("volunteer", "coordinator")[i % 2]) for i in range(AT_ONCE))
    )
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201] + [409] * (AT_ONCE - 1), [a.text for a in answers]
    assert await _with_cccd(database) == 1


@pytest.fixture
async def other_writer(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(
        make_url(database_url).set(drivername="postgresql").render_as_string(False)
    )
    yield connection
    await connection.close()


async def _until_waiting(connection: asyncpg.Connection, count: int) -> None:
    for _ in range(200):
        await connection.execute("SELECT pg_stat_clear_snapshot()")
        waiting = await connection.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        if waiting >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{count} transactions never waited for a lock")


# SQLite has one writer at a time; on PostgreSQL the unit's list is what makes proposals queue.
@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
async def test_proposals_wait_for_a_change_of_their_unit_s_list_under_way(
    concurrent: httpx.AsyncClient, world: World, database: Database, other_writer: asyncpg.Connection
) -> None:
    async with other_writer.transaction():
        await other_writer.execute(
            "SELECT id FROM unit WHERE id = $1 FOR NO KEY UPDATE", world.units["COMMUNE"]
        )
        first, second = _propose(concurrent, world, "volunteer"), _propose(concurrent, world, "coordinator")
        await _until_waiting(other_writer, 2)
        await asyncio.sleep(0.2)
        assert not first.done(), "a proposal went ahead while its unit's list was held"
        assert not second.done(), "a proposal went ahead while its unit's list was held"
    assert sorted([(await first).status_code, (await second).status_code]) == [201, 409]
    assert await _with_cccd(database) == 1
