from __future__ import annotations

import re
from decimal import Decimal

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from charity.accounts import signin
from charity.accounts.guard import SESSION_COOKIE
from charity.db import Database
from charity.models import User
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


async def signed_in(
    client: AsyncTestClient[Litestar], database: Database, world: DistributionsWorld, who: str
) -> None:
    """The client is a browser signed in as `who`."""
    async with database.write() as session:
        user = await session.get_one(User, world.users[who])
        cookie, _ = await signin.start_web_session(session, user, "127.0.0.1")
    client.cookies.set(SESSION_COOKIE, cookie)


def text_of(html: str) -> str:
    """A page's text as a reader sees it, tags dropped and spaces folded (none before a comma or a
    full stop that follows a tag)."""
    return re.sub(r" ([,.])", r"\1", " ".join(re.sub(r"<[^>]+>", " ", html).split()))
