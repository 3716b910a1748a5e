"""Pooled PostgreSQL connections: one the server closed (a restart, an idle timeout) costs a
volunteer nothing, the next gift is recorded on a fresh connection; and more requests at once than
the pool keeps are served on extra connections, closed when done."""

from __future__ import annotations

import asyncio

import asyncpg
import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import make_url

from charity.app import create_app
from charity.db import Database
from charity.settings import Settings
from tests.gifts_world import GiftsWorld, build_gifts_world


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
async def test_gifts_go_on_after_the_server_closed_every_pooled_connection(
    client: AsyncTestClient[Litestar], database: Database, database_url: str
) -> None:
    world: GiftsWorld = await build_gifts_world(database)
    for _ in range(3):
        response = await client.post("/api/donations", json=world.gift(), headers=world.auth("volunteer"))
        assert response.status_code == 201, response.text

    admin = await _server_connection(database_url)
    try:
        closed = await admin.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await admin.close()
    assert closed >= 1
    await asyncio.sleep(0.2)

    for _ in range(3):
        response = await client.post("/api/donations", json=world.gift(), headers=world.auth("volunteer"))
        assert response.status_code == 201, response.text
    assert (await client.get("/api/receipts", headers=world.auth("coordinator"))).json()["total"] == 6


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
async def test_more_token_lookups_at_once_than_pooled_connections(database_url: str) -> None:
    database = Database(database_url, pool_size=1)
    try:

        async def look_up() -> int:
            async with database.standalone() as driver:
                return await driver.connection.fetchval("SELECT 1 FROM pg_sleep(0.05)")

        for _ in range(2):
            assert await asyncio.gather(*(look_up() for _ in range(3))) == [1, 1, 1]
            # The two extra connections are closed again: the pool keeps one, the server sees one.
            assert await _connections_to(database_url) == 1
    finally:
        await database.dispose()


async def _server_connection(database_url: str) -> asyncpg.Connection:
    url = make_url(database_url)
    return await asyncpg.connect(
        host=url.host, port=url.port, user=url.username, password=url.password, database=url.database
    )


async def _connections_to(database_url: str) -> int:
    admin = await _server_connection(database_url)
    try:
        return await admin.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await admin.close()


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
async def test_more_gifts_at_once_than_pooled_connections(settings: Settings, database: Database) -> None:
    """The unit's first gifts of the year all find no open book and go on to open it in a write
    transaction while others still wait to write: with two connections and one writer at a time for
    24 gifts, none of them waits for a connection another one holds while it waits for them."""
    world = await build_gifts_world(database, volunteers=25)
    small = Database(settings.database_url, pool_size=1, overflow=1)
    small.writers = asyncio.Semaphore(1)
    # Straight on the ASGI app, so that the requests run at once.
    transport = httpx.ASGITransport(app=create_app(settings, database=small))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            answers = await asyncio.wait_for(
                asyncio.gather(
                    *(
                        client.post("/api/donations", json=world.gift(), headers=world.auth(f"volunteer{n}"))
                        for n in range(1, 25)
                    )
                ),
                timeout=20,
            )
    finally:
        await small.dispose()
    assert [answer.status_code for answer in answers] == [201] * 24
    assert sorted(answer.json()["receipt"]["seq"] for answer in answers) == list(range(1, 25))
