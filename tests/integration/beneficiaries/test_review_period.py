"""A unit sets how long its beneficiaries' verifications hold: one made after the change lasts the new
number of months, one made before keeps its date, and a period outside 1 to 60 months is refused."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from charity.clock import local_today
from tests.integration.beneficiaries.conftest import propose
from tests.world import World


def _months_after_the_first(day: date, months: int) -> date:
    """The first of the month `months` after `day`'s."""
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, 1)


async def _verify(client: AsyncTestClient[Litestar], world: World, household: dict[str, Any], on: date):
    return await client.post(
        f"/api/beneficiaries/{household['id']}/verify",
        json={"meeting_date": on.isoformat(), "minutes_number": "07/BB-HPN"},
        headers=world.auth("commune-coordinator"),
    )


async def _set(client: AsyncTestClient[Litestar], world: World, months: object):
    return await client.patch(
        f"/api/units/{world.units['COMMUNE']}", json={"review_months": months}, headers=world.auth("admin")
    )


async def test_a_verification_after_the_change_lasts_the_new_number_of_months(
    client: AsyncTestClient[Litestar], world: World
) -> None:
    meeting = local_today().replace(day=1)
    before = await propose(client, world)
    verified = await _verify(client, world, before, meeting)
    assert verified.status_code == 200, verified.text
    assert verified.json()["review_until"] == _months_after_the_first(meeting, 12).isoformat()

    changed = await _set(client, world, 3)
    assert changed.status_code == 200, changed.text
    assert changed.json()["review_months"] == 3
    after = await propose(
        client, world, name="Trần Văn An", sex="male", birth_year=1975, phone="", id_number="001075004321"
    )
    verified = await _verify(client, world, after, meeting)
    assert verified.status_code == 200, verified.text
    assert verified.json()["review_until"] == _months_after_the_first(meeting, 3).isoformat()

    kept = await client.get(f"/api/beneficiaries/{before['id']}", headers=world.auth("commune-coordinator"))
    assert kept.json()["review_until"] == _months_after_the_first(meeting, 12).isoformat()
    # A meeting longer ago than the new period decided nothing that still holds.
    late = await _verify(client, world, after, _months_after_the_first(meeting, -4))
    assert late.status_code == 422
    assert "đã quá 3 tháng" in late.json()["detail"]


@pytest.mark.parametrize("months", [0, 61, -1])
async def test_a_review_period_outside_one_to_sixty_months_is_refused_in_vietnamese(
    client: AsyncTestClient[Litestar], world: World, months: int
) -> None:
    refused = await _set(client, world, months)
    assert refused.status_code == 422, refused.text
    assert refused.json()["detail"] == "Thời hạn công nhận đối tượng phải từ 1 đến 60 tháng."
    unit = await client.get(f"/api/units/{world.units['COMMUNE']}", headers=world.auth("admin"))
    assert unit.json()["review_months"] == 12
