"""Pooled PostgreSQL connections: one the server closed (a restart, an idle timeout) costs a
volunteer nothing, the next gift is recorded on a fresh connection."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import make_url

from charity.db import Database
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


async def _server_connection(database_url: str) -> asyncpg.Connection:
    url = make_url(database_url)
    return await asyncpg.connect(
        host=url.host, port=url.port, user=url.username, password=url.password, database=url.database
    )
