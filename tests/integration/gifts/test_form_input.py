"""The gift form builds its gift field by field; what the API refuses on decoding (ids no row can
have, control characters) it refuses too, with the form shown again and nothing written."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from charity.accounts.guard import SESSION_COOKIE
from charity.app import create_app
from charity.clock import local_today
from charity.db import Database
from charity.models import Donation, Donor
from charity.settings import Settings
from tests.world import build_world

BAD_FIELDS = [
    ("drive_id", str(2**31), "Không có mã số này."),
    ("donor_id", str(2**40), "Không có mã số này."),
    ("note", "Gạo\x00nếp", "Có ký tự điều khiển hoặc ký tự đảo chiều văn bản không được phép."),
    # Without the script the reference field shows for cash too.
    ("cash_reference", "FT24263", "Tiền mặt không có mã giao dịch: mã giao dịch chỉ ghi cho chuyển khoản"),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_FIELDS, ids=[field for field, *_ in BAD_FIELDS])
async def test_the_gift_form_refuses_what_the_api_refuses(
    database: Database, settings: Settings, field: str, value: str, message: str
) -> None:
    world = await build_world(database)
    body = {
        "key": "form-input-0001",
        "drive_id": str(world.ids["drive"]),
        "received_on": local_today().isoformat(),
        "donor_id": str(world.ids["donor"]),
        "cash_amount": "100.000",
        field: value,
    }
    await _refused(database, settings, world.sessions["volunteer"], body, message)


async def test_a_new_donor_with_a_control_character_is_refused(
    database: Database, settings: Settings
) -> None:
    world = await build_world(database)
    body = {
        "key": "form-input-0002",
        "drive_id": str(world.ids["drive"]),
        "received_on": local_today().isoformat(),
        "donor_name": "Lê\x00Văn Tám",
        "cash_amount": "100.000",
    }
    await _refused(
        database,
        settings,
        world.sessions["volunteer"],
        body,
        "Có ký tự điều khiển hoặc ký tự đảo chiều văn bản không được phép.",
    )


async def _refused(
    database: Database, settings: Settings, session_id: str, body: dict[str, str], message: str
) -> None:
    async def counts() -> tuple[int, int]:
        async with database.read() as session:
            return (
                (await session.execute(select(func.count()).select_from(Donation))).scalar_one(),
                (await session.execute(select(func.count()).select_from(Donor))).scalar_one(),
            )

    before = await counts()
    async with AsyncTestClient(app=create_app(settings)) as client:
        await client.get("/login")
        client.cookies.set(SESSION_COOKIE, session_id)
        response = await client.post(
            "/gifts/new",
            data=body,
            headers={"x-csrftoken": client.cookies["charity_csrf"]},
            follow_redirects=False,
        )
    assert response.status_code == 422, response.text[:500]
    assert message in response.text
    assert await counts() == before
