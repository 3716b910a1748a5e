"""Never more than is held, under load: distributions sent at once through two server processes
(as behind a load balancer) each take the drive's lock, so exactly as many succeed as the drive can
cover, the rest are refused naming what is short, and the chain stays whole."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from charity.db import Database
from tests.distributions_world import build_distributions_world, stock_up
from tests.integration.distributions.conftest import rice_held
from tests.support import SERVERS

REQUESTS = 50


@pytest.mark.xdist_group("servers")
async def test_fifty_distributions_of_ten_kg_from_three_hundred_kg(
    client: AsyncTestClient[Litestar], database: Database, servers: list[str]
) -> None:
    world = await build_distributions_world(database, households=REQUESTS)
    await stock_up(client, world, rice="300")
    headers = world.auth("coordinator")

    async def give(n: int) -> httpx.Response:
        async with httpx.AsyncClient(base_url=servers[n % SERVERS], timeout=60) as server:
            return await server.post(
                "/api/distributions",
                json=world.distribution(beneficiary_id=world.households[n]),
                headers=headers,
            )

    answers = await asyncio.gather(*(give(n) for n in range(REQUESTS)))
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201] * 30 + [409] * 20
    refused = [answer.json() for answer in answers if answer.status_code == 409]
    assert {answer["code"] for answer in refused} == {"short_of_stock"}
    assert all(answer["extra"]["held"] == "0.000" for answer in refused)
    numbers = sorted(answer.json()["number"] for answer in answers if answer.status_code == 201)
    assert [int(number.rsplit("/", 1)[1]) for number in numbers] == list(range(1, 31))
    assert await rice_held(client, world) == Decimal(0)
    verify = await client.get(f"/api/drives/{world.drive_id}/ledger/verify", headers=world.auth("auditor"))
    assert (verify.json()["intact"], verify.json()["entries"]) == (True, 31)
