"""The dashboard warns of an appeal's distribution deadline (Decree 93/2021: within 20 days after
receiving ends) once receiving has ended or the deadline is near, with what is still to distribute,
and marks it overdue after the deadline."""

from __future__ import annotations

import re
from datetime import timedelta

from litestar import Litestar
from litestar.testing import AsyncTestClient

from charity.clock import format_date, local_today
from charity.db import Database
from charity.models import DriveItemType, DriveKind
from tests import factories
from tests.distributions_world import DistributionsWorld
from tests.integration.distributions.conftest import signed_in, text_of

TODAY = local_today()


async def _appeal(database: Database, world: DistributionsWorld, name: str, ended: int) -> int:
    """An appeal that stopped receiving `ended` days ago (a negative number: it receives for as many
    days more), with its deadline 20 days after."""
    ends_on = TODAY - timedelta(days=ended)
    async with database.write() as session:
        drive = await factories.drive(
            session,
            world.unit_id,
            name=name,
            kind=DriveKind.APPEAL,
            starts_on=ends_on - timedelta(days=30),
            ends_on=ends_on,
            distribution_deadline=ends_on + timedelta(days=20),
        )
        session.add(DriveItemType(drive_id=drive.id, item_type_id=world.rice_id))
        return drive.id


async def _give_to(
    client: AsyncTestClient[Litestar], world: DistributionsWorld, drive_id: int, ended: int
) -> None:
    on = (TODAY - timedelta(days=max(ended, 0))).isoformat()
    gift = world.gift(
        drive_id=drive_id,
        received_on=on,
        cash={"amount": 2_000_000, "method": "bank_transfer"},
        items=[{"item_type_id": world.rice_id, "quantity": "150", "unit_value": 20_000}],
    )
    answer = await client.post(
        "/api/donations", json=gift | {"confirm_large": True}, headers=world.auth("coordinator")
    )
    assert answer.status_code == 201, answer.text


def _appeals(html: str) -> list[str]:
    return [
        text_of(found)
        for found in re.findall(r'<article class="drive-line appeal-due[^"]*">(.*?)</article>', html, re.S)
    ]


async def test_the_dashboard_shows_appeals_near_or_past_their_deadline_with_what_is_left(
    client: AsyncTestClient[Litestar], world: DistributionsWorld, database: Database
) -> None:
    closed = await _appeal(database, world, "Cứu trợ bão số 3", ended=5)
    late = await _appeal(database, world, "Cứu trợ lũ tháng 9", ended=25)
    receiving = await _appeal(database, world, "Cứu trợ sạt lở", ended=-30)
    nearly = await _appeal(database, world, "Cứu trợ lốc xoáy", ended=-3)
    empty = await _appeal(database, world, "Cứu trợ hạn mặn", ended=10)
    for drive_id, ended in ((closed, 5), (late, 25), (receiving, -30), (nearly, -3)):
        await _give_to(client, world, drive_id, ended)
    # One stopped receiving ahead of its window: its deadline stays 20 days after the window.
    closing = await client.post(f"/api/drives/{nearly}/close", headers=world.auth("coordinator"))
    assert closing.status_code == 200, closing.text
    # The late appeal gave out part of its rice; the empty one never received anything.
    given = await client.post(
        "/api/distributions",
        json=world.distribution(
            drive_id=late,
            purpose="essentials",
            items=[{"item_type_id": world.rice_id, "quantity": "50"}],
            late_reason="Đường vào thôn bị sạt lở, chưa vào được",
        ),
        headers=world.auth("coordinator"),
    )
    assert given.status_code == 201, given.text
    assert empty

    await signed_in(client, database, world, "coordinator")
    home = await client.get("/")
    assert home.status_code == 200
    assert _appeals(home.text) == [
        f"Cứu trợ lũ tháng 9 Quá hạn Hạn phân phối: {format_date(TODAY - timedelta(days=5))} (quá hạn 5 ngày)"
        " Chưa phân phối: 2.000.000 đ · 100 kg Gạo",
        f"Cứu trợ bão số 3 Hạn phân phối: {format_date(TODAY + timedelta(days=15))} (còn 15 ngày)"
        " Chưa phân phối: 2.000.000 đ · 150 kg Gạo",
        f"Cứu trợ lốc xoáy Hạn phân phối: {format_date(TODAY + timedelta(days=3 + 20))} (còn 23 ngày)"
        " Chưa phân phối: 2.000.000 đ · 150 kg Gạo",
    ]


async def test_appeals_to_distribute_are_for_those_who_answer_for_the_books(
    client: AsyncTestClient[Litestar], world: DistributionsWorld, database: Database
) -> None:
    late = await _appeal(database, world, "Cứu trợ lũ tháng 9", ended=25)
    await _give_to(client, world, late, 25)
    for who, sees in (("auditor", True), ("volunteer", False), ("outsider", False)):
        await signed_in(client, database, world, who)
        home = await client.get("/")
        assert home.status_code == 200
        assert bool(_appeals(home.text)) == sees, who
