"""The gifts world with a unit tree for stock documents: the commune (the world's unit) under a
district with a rice drive of its own, whose coordinator also coordinates the commune (a second
coordinator there), and rice given to the commune's drive."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from charity.accounts import signin
from charity.clock import local_today
from charity.db import Database
from charity.models import DriveItemType, Membership, Role, Unit
from tests import factories
from tests.gifts_world import GiftsWorld, build_gifts_world


@dataclass
class StockWorld(GiftsWorld):
    district_id: int = 0
    district_drive_id: int = 0

    def today(self) -> str:
        return local_today().isoformat()


@pytest.fixture
async def world(database: Database) -> StockWorld:
    base = await build_gifts_world(database)
    world = StockWorld(**vars(base))
    async with database.write() as session:
        district = await factories.unit(session, code="HV", name="Hội Phụ nữ huyện Hòa Vang")
        commune = await session.get_one(Unit, world.unit_id)
        commune.parent_id = district.id
        drive = await factories.drive(session, district.id, name="Kho gạo huyện")
        session.add(DriveItemType(drive_id=drive.id, item_type_id=world.rice_id))
        user = await factories.user(session, username="coordinator2", full_name="Trần Văn Hai")
        session.add(Membership(user_id=user.id, unit_id=district.id, role=Role.COORDINATOR))
        world.users["coordinator2"] = user.id
        world.tokens["coordinator2"], _ = await signin.issue_api_token(session, user, "127.0.0.1")
        await session.flush()
        world.district_id, world.district_drive_id = district.id, drive.id
    return world


async def give_rice(
    client: AsyncTestClient[Litestar], world: StockWorld, quantity: str, unit_value: int
) -> None:
    """A gift of rice to the commune's drive, which gives it stock."""
    body = world.gift(
        cash=None,
        items=[{"item_type_id": world.rice_id, "quantity": quantity, "unit_value": unit_value}],
    )
    response = await client.post("/api/donations", json=body, headers=world.auth("volunteer"))
    assert response.status_code == 201, response.text


async def stock_of(client: AsyncTestClient[Litestar], world: StockWorld, drive_id: int) -> dict:
    response = await client.get(f"/api/drives/{drive_id}/stock", headers=world.auth("coordinator2"))
    assert response.status_code == 200, response.text
    return {asset["item_type_id"]: asset for asset in response.json()["assets"]}
