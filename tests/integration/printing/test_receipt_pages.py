"""Receipt PDFs from the pages: Xem shows a preview and records nothing, even from a link on another
site; In is a form sent from the receipt's own page, and records the print."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from charity.accounts.guard import SESSION_COOKIE
from charity.db import Database
from charity.models import ReceiptPrint
from tests.support import pdf_pages
from tests.world import build_world


async def _prints(database: Database) -> int:
    async with database.read() as session:
        return (await session.execute(select(func.count()).select_from(ReceiptPrint))).scalar_one()


async def test_viewing_from_the_pages_records_nothing_and_printing_is_a_form(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    world = await build_world(database)
    client.cookies.set(SESSION_COOKIE, world.sessions["coordinator"])
    receipt = world.ids["receipt"]

    for origin in ("cross-site", "same-origin", "none"):
        viewed = await client.get(f"/receipts/{receipt}/pdf", headers={"Sec-Fetch-Site": origin})
        assert viewed.status_code == 200
        assert viewed.headers["content-type"] == "application/pdf"
    assert await _prints(database) == 0

    page = await client.get(f"/receipts/{receipt}")
    assert f'action="/receipts/{receipt}/print"' in page.text
    assert "Chưa in: lần in đầu là bản chính." in page.text
    forged = await client.post(f"/receipts/{receipt}/print")  # no CSRF token: not from our page
    assert forged.status_code == 403
    assert await _prints(database) == 0

    csrf = {"x-csrftoken": client.cookies["charity_csrf"]}
    printed = await client.post(f"/receipts/{receipt}/print", headers=csrf)
    assert printed.status_code == 200
    assert "BẢN SAO" not in pdf_pages(printed.content)[0]
    again = await client.post(f"/receipts/{receipt}/print", headers=csrf)
    assert "BẢN SAO số 1" in pdf_pages(again.content)[0]
    assert await _prints(database) == 2
    history = (await client.get(f"/receipts/{receipt}")).text
    assert "Đã in 2 lần" in history
    assert "in bản chính" in history
    assert "in bản sao số 1" in history
