"""Closed periods on the pages: forms sent wrong are shown again with a Vietnamese message (a 4xx,
never a 5xx), and the gift form refuses a gift dated in a closed month the same way."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from charity.accounts.guard import SESSION_COOKIE
from charity.app import create_app
from charity.db import Database
from charity.models import ClosedPeriod, Donation
from charity.settings import Settings
from tests import factories
from tests.integration.periods.conftest import Clock
from tests.world import World, build_world


@pytest.fixture
async def world(vietnam_clock: Clock, database: Database) -> World:
    return await build_world(database)


@pytest.fixture
async def pages(settings: Settings) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=create_app(settings)) as client:
        await client.get("/login")
        yield client


async def _send(
    client: AsyncTestClient[Litestar], world: World, who: str, path: str, body: dict[str, str]
) -> httpx.Response:
    client.cookies.set(SESSION_COOKIE, world.sessions[who])
    return await client.post(
        path, data=body, headers={"x-csrftoken": client.cookies["charity_csrf"]}, follow_redirects=False
    )


async def test_the_close_form_says_what_is_wrong(
    pages: AsyncTestClient[Litestar], world: World, database: Database
) -> None:
    commune = str(world.units["COMMUNE"])
    for body, status, message in (
        ({"unit_id": commune, "month": ""}, 422, "Chọn tháng cần khóa sổ."),
        ({"unit_id": "", "month": "2026-11"}, 422, "Chọn đơn vị cần khóa sổ."),
        ({"unit_id": commune, "month": "tháng mười một"}, 422, "Tháng không hợp lệ"),
        ({"unit_id": commune, "month": "2026-12"}, 422, "Tháng 12/2026 chưa kết thúc"),
        ({"unit_id": str(world.units["ELSEWHERE"]), "month": "2026-11"}, 404, "Không có đơn vị này."),
    ):
        response = await _send(pages, world, "coordinator", "/periods", body)
        assert response.status_code == status, body
        assert message in response.text
        assert 'role="alert"' in response.text
    # As a person writes a month where the browser shows a plain text box.
    closed = await _send(pages, world, "coordinator", "/periods", {"unit_id": commune, "month": "11/2026"})
    assert (closed.status_code, closed.headers["location"]) == (303, "/periods?done=closed")
    async with database.read() as session:
        months = (await session.execute(select(ClosedPeriod.month))).scalars().all()
    assert date(2026, 11, 1) in months


async def test_the_reopen_form_needs_a_reason(pages: AsyncTestClient[Litestar], world: World) -> None:
    path = f"/periods/{world.ids['period']}/reopen"
    refused = await _send(pages, world, "admin", path, {"reason": "  "})
    assert refused.status_code == 422
    assert "Cần ghi lý do mở lại kỳ đã khóa sổ." in refused.text
    reopened = await _send(pages, world, "admin", path, {"reason": "Bổ sung biên nhận bị sót"})
    assert (reopened.status_code, reopened.headers["location"]) == (303, "/periods?done=reopened")
    again = await _send(pages, world, "admin", path, {"reason": "Lần nữa"})
    assert again.status_code == 409
    assert "đã được mở lại trước đó" in again.text


async def test_the_gift_form_refuses_a_gift_dated_in_a_closed_month(
    pages: AsyncTestClient[Litestar], world: World, database: Database
) -> None:
    async with database.write() as session:
        drive = await factories.drive(
            session, world.units["COMMUNE"], starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31)
        )
        drive_id = drive.id
    commune = str(world.units["COMMUNE"])
    assert (
        await _send(pages, world, "coordinator", "/periods", {"unit_id": commune, "month": "2026-11"})
    ).status_code == 303
    async with database.read() as session:
        before = (await session.execute(select(func.count()).select_from(Donation))).scalar_one()
    response = await _send(
        pages,
        world,
        "volunteer",
        "/gifts/new",
        {
            "key": "closed-month-0001",
            "drive_id": str(drive_id),
            "received_on": "2026-11-20",
            "donor_id": str(world.ids["donor"]),
            "cash_amount": "100.000",
        },
    )
    assert response.status_code == 409
    assert "Tháng 11/2026 của Hội Phụ nữ COMMUNE đã khóa sổ" in response.text
    async with database.read() as session:
        assert (await session.execute(select(func.count()).select_from(Donation))).scalar_one() == before
