"""The access world with a second coordinator, of the commune itself, so that one coordinator proposes
and another verifies; and a way to propose a household as a commune would."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from charity.accounts import signin
from charity.clock import local_today
from charity.db import Database
from charity.models import Membership, Role
from tests import factories
from tests.world import World, build_world

# Signed ten days ago.
GIVEN_ON = local_today() - timedelta(days=10)
CONSENT = {
    "purposes": ["support", "sensitive_data"],
    "method": "signed_form",
    "given_on": GIVEN_ON.isoformat(),
}


@pytest.fixture
async def world(database: Database) -> World:
    world = await build_world(database)
    async with database.write() as session:
        user = await factories.user(session, username="commune-coordinator", full_name="Trần Thị Lan")
        session.add(Membership(user_id=user.id, unit_id=world.units["COMMUNE"], role=Role.COORDINATOR))
        await session.flush()
        world.users["commune-coordinator"] = user.id
        world.tokens["commune-coordinator"], _ = await signin.issue_api_token(session, user, "127.0.0.1")
    return world


def household(world: World, **fields: Any) -> dict[str, Any]:
    """A poor household of the commune, as its volunteer would propose it."""
    return {
        "unit_id": world.units["COMMUNE"],
        "name": "Nguyễn Thị Hồng",
        "kind": "household",
        "sex": "female",
        "birth_year": 1968,
        "hamlet": "Thôn Phú Sơn",
        "phone": "0903 512 846",
        "id_number": "048168001234",
        "circumstances": "Chồng mất, nuôi hai con đi học.",
        "health": "Thoát vị đĩa đệm, không làm việc nặng được.",
        "category_ids": [1],
        "members": [{"name": "Lê Văn Minh", "relation": "con", "sex": "male", "birth_year": 2010}],
        "consent": CONSENT,
    } | fields


async def propose(
    client: AsyncTestClient[Litestar], world: World, who: str = "volunteer", **fields: Any
) -> dict[str, Any]:
    response = await client.post(
        "/api/beneficiaries", json=household(world, **fields), headers=world.auth(who)
    )
    assert response.status_code == 201, response.text
    return response.json()
