"""Receipt PDFs opened from the pages: a link on another site cannot spend a receipt's original print."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from charity.accounts.guard import SESSION_COOKIE
from charity.db import Database
from charity.models import ReceiptPrint
from tests.world import build_world


async def test_a_cross_site_link_does_not_print_but_the_page_does(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    world = await build_world(database)
    client.cookies.set(SESSION_COOKIE, world.sessions["coordinator"])
    path = f"/receipts/{world.ids['receipt']}/pdf"

    forged = await client.get(path, headers={"Sec-Fetch-Site": "cross-site"})
    assert forged.status_code == 403
    assert "Biên nhận" in forged.text
    async with database.read() as session:
        assert (await session.execute(select(func.count()).select_from(ReceiptPrint))).scalar_one() == 0

    for origin in ("same-origin", "none"):  # the receipt page's own link; a bookmark or a typed address
        printed = await client.get(path, headers={"Sec-Fetch-Site": origin})
        assert printed.status_code == 200
        assert printed.headers["content-type"] == "application/pdf"
    async with database.read() as session:
        assert (await session.execute(select(func.count()).select_from(ReceiptPrint))).scalar_one() == 2
