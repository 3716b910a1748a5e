from __future__ import annotations

from decimal import Decimal

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from charity.db import Database
from tests.distributions_world import DistributionsWorld, build_distributions_world


@pytest.fixture
async def world(database: Database) -> DistributionsWorld:
    return await build_distributions_world(database)


async def rice_held(
    client: AsyncTestClient[Litestar], world: DistributionsWorld, drive_id: int | None = None
) -> Decimal:
    """What the drive's goods book (sổ kho) says is held of rice."""
    response = await client.get(
        f"/api/drives/{drive_id or world.drive_id}/books/goods",
        params={"item_type_id": world.rice_id},
        headers=world.auth("auditor"),
    )
    assert response.status_code == 200, response.text
    return Decimal(response.json()["closing"]["quantity"])


async def cash_held(client: AsyncTestClient[Litestar], world: DistributionsWorld) -> int:
    response = await client.get(f"/api/drives/{world.drive_id}/books/cash", headers=world.auth("auditor"))
    assert response.status_code == 200, response.text
    return response.json()["closing"]["amount"]
