"""The home page a coordinator opens: today's gifts counted and added up, receipts still to print."""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.testing import AsyncTestClient

from charity.accounts.guard import SESSION_COOKIE
from charity.db import Database
from tests.world import build_world


async def test_the_dashboard_adds_up_todays_gifts_and_counts_receipts_to_print(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    world = await build_world(database)  # one gift of 200.000 đ recorded today, never printed
    client.cookies.set(SESSION_COOKIE, world.sessions["coordinator"])
    home = await client.get("/")
    assert home.status_code == 200
    tiles = re.findall(
        r'<span class="tile-label">([^<]+)</span><span class="tile-value">([^<]+)</span>', home.text
    )
    assert dict(tiles) == {
        "Đóng góp hôm nay": "1",
        "Tổng giá trị hôm nay": "200.000 đ",
        "Biên nhận chưa in": "1",
    }
    assert "In 1 biên nhận chưa in" in home.text
