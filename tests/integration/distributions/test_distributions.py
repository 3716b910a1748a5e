"""Giving out: a distribution to a household or a counted group takes what it gives from the drive's
books at their book value, is numbered from its own gapless book, never takes more than is held, and
a void gives it back."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from charity.clock import local_today
from charity.db import Database
from charity.models import Consent
from tests.distributions_world import DistributionsWorld, stock_up
from tests.integration.distributions.conftest import cash_held, rice_held

YEAR = local_today().year


async def _give(client: AsyncTestClient[Litestar], world: DistributionsWorld, **fields: object):
    return await client.post(
        "/api/distributions", json=world.distribution(**fields), headers=world.auth("coordinator")
    )


async def test_a_handover_takes_the_goods_out_at_book_value_and_is_numbered(
    client: AsyncTestClient[Litestar], world: DistributionsWorld
) -> None:
    await stock_up(client, world, rice="300", unit_value=20_000)
    first = await _give(client, world)
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["number"] == f"TT-{YEAR}/00001"
    assert body["status"] == "handed_over"
    assert body["items"][0]["value"] == 200_000
    assert body["total_value"] == 200_000
    assert body["beneficiary"]["name"] == "Nguyễn Thị Hồng"
    second = await _give(client, world, beneficiary_id=world.households[1])
    assert second.json()["number"] == f"TT-{YEAR}/00002"
    assert await rice_held(client, world) == Decimal("280")


async def test_asking_for_more_than_is_held_is_refused_naming_what_is_short(
    client: AsyncTestClient[Litestar], world: DistributionsWorld
) -> None:
    await stock_up(client, world, rice="300")
    refused = await _give(client, world, items=[{"item_type_id": world.rice_id, "quantity": "400"}])
    assert refused.status_code == 409
    answer = refused.json()
    assert answer["code"] == "short_of_stock"
    assert "300 kg Gạo" in answer["detail"]
    assert "400 kg" in answer["detail"]
    assert (answer["extra"]["held"], answer["extra"]["asked"], answer["extra"]["item"]) == (
        "300.000",
        "400.000",
        "Gạo",
    )
    listed = await client.get("/api/distributions", headers=world.auth("coordinator"))
    assert listed.json()["total"] == 0
    assert await rice_held(client, world) == Decimal("300")
    # The refused one took no number.
    assert (await _give(client, world)).json()["number"] == f"TT-{YEAR}/00001"


async def test_money_is_given_from_the_drive_and_never_more_than_it_holds(
    client: AsyncTestClient[Litestar], world: DistributionsWorld
) -> None:
    await stock_up(client, world, rice="10", cash=1_000_000)
    given = await _give(client, world, items=[], cash={"amount": 600_000, "method": "cash"})
    assert given.status_code == 201, given.text
    assert await cash_held(client, world) == 400_000
    refused = await _give(
        client, world, beneficiary_id=world.households[1], items=[], cash={"amount": 500_000}
    )
    assert refused.status_code == 409
    assert "400.000 đ" in refused.json()["detail"]


async def test_a_counted_group_receives_without_names(
    client: AsyncTestClient[Litestar], world: DistributionsWorld
) -> None:
    await stock_up(client, world, rice="300")
    group = {"place": "Bệnh viện Đa khoa tỉnh", "count": 250, "description": "Bệnh nhân nghèo khoa Nội"}
    given = await _give(client, world, beneficiary_id=None, group=group, purpose="meals")
    assert given.status_code == 201, given.text
    assert given.json()["group"] == group
    assert given.json()["beneficiary"] is None
    both = await _give(client, world, group=group)
    assert both.status_code == 422
    neither = await _give(client, world, beneficiary_id=None)
    assert neither.status_code == 422


async def test_only_verified_consenting_beneficiaries_receive(
    client: AsyncTestClient[Litestar], world: DistributionsWorld, database: Database
) -> None:
    await stock_up(client, world)
    unverified = await _give(client, world, beneficiary_id=world.unverified_id)
    assert unverified.status_code == 422
    assert unverified.json()["code"] == "not_eligible"
    assert "chưa được bình xét" in unverified.json()["detail"]
    household = world.households[2]
    consent_id = await _consent_of(database, household)
    withdrawn_now = await client.post(
        f"/api/beneficiaries/{household}/consents/{consent_id}/withdraw",
        json={"withdrawn_on": local_today().isoformat()},
        headers=world.auth("coordinator"),
    )
    assert withdrawn_now.status_code == 200, withdrawn_now.text
    withdrawn = await _give(client, world, beneficiary_id=world.households[2])
    assert withdrawn.status_code == 422
    assert "đồng ý" in withdrawn.json()["detail"]
    assert await rice_held(client, world) == Decimal("300")


async def _consent_of(database: Database, beneficiary_id: int) -> int:
    async with database.read() as session:
        return (
            await session.execute(select(Consent.id).where(Consent.beneficiary_id == beneficiary_id))
        ).scalar_one()


async def test_a_void_gives_back_what_was_handed_over_and_keeps_the_number(
    client: AsyncTestClient[Litestar], world: DistributionsWorld
) -> None:
    await stock_up(client, world, rice="300")
    given = (await _give(client, world, items=[{"item_type_id": world.rice_id, "quantity": "300"}])).json()
    assert await rice_held(client, world) == Decimal("0")
    headers = world.auth("coordinator")
    no_reason = await client.post(
        f"/api/distributions/{given['id']}/void", json={"reason": " "}, headers=headers
    )
    assert no_reason.status_code == 422
    voided = await client.post(
        f"/api/distributions/{given['id']}/void", json={"reason": "Ghi nhầm hộ"}, headers=headers
    )
    assert voided.status_code == 200, voided.text
    assert (voided.json()["status"], voided.json()["number"]) == ("void", given["number"])
    assert await rice_held(client, world) == Decimal("300")
    again = await client.post(
        f"/api/distributions/{given['id']}/void", json={"reason": "Lần nữa"}, headers=headers
    )
    assert again.status_code == 409
    verify = await client.get(f"/api/drives/{world.drive_id}/ledger/verify", headers=world.auth("auditor"))
    assert verify.json()["intact"] is True


async def test_a_planned_distribution_posts_only_when_handed_over(
    client: AsyncTestClient[Litestar], world: DistributionsWorld
) -> None:
    await stock_up(client, world, rice="300")
    planned = await _give(client, world, handed_over_on=None)
    assert planned.status_code == 201
    assert planned.json()["status"] == "planned"
    assert await rice_held(client, world) == Decimal("300")
    url = f"/api/distributions/{planned.json()['id']}/hand-over"
    headers = world.auth("coordinator")
    tomorrow = await client.post(
        url, json={"handed_over_on": (local_today() + timedelta(days=1)).isoformat()}, headers=headers
    )
    assert tomorrow.status_code == 422
    done = await client.post(url, json={"handed_over_on": local_today().isoformat()}, headers=headers)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "handed_over"
    assert await rice_held(client, world) == Decimal("290")
    twice = await client.post(url, json={"handed_over_on": local_today().isoformat()}, headers=headers)
    assert twice.status_code == 409
    assert await rice_held(client, world) == Decimal("290")


async def test_a_drive_limits_how_often_one_household_receives_unless_a_reason_is_given(
    client: AsyncTestClient[Litestar], world: DistributionsWorld
) -> None:
    await stock_up(client, world)
    headers = world.auth("coordinator")
    limited = await client.patch(
        f"/api/drives/{world.drive_id}", json={"min_days_between": 30}, headers=headers
    )
    assert limited.status_code == 200, limited.text
    assert (await _give(client, world)).status_code == 201
    too_soon = await _give(client, world)
    assert too_soon.status_code == 409
    assert too_soon.json()["code"] == "too_soon"
    assert f"TT-{YEAR}/00001" in too_soon.json()["detail"]
    overridden = await _give(client, world, override_reason="Nhà bị ngập, cần thêm gạo")
    assert overridden.status_code == 201
    assert overridden.json()["override_reason"] == "Nhà bị ngập, cần thêm gạo"
    events = await client.get(
        "/api/audit", params={"action": "distribution.override"}, headers=world.auth("admin")
    )
    assert events.json()["total"] == 1


async def test_purposes_follow_the_drive(
    client: AsyncTestClient[Litestar], world: DistributionsWorld
) -> None:
    await stock_up(client, world)
    headers = world.auth("coordinator")
    await client.patch(
        f"/api/drives/{world.drive_id}", json={"purposes": ["essentials", "study"]}, headers=headers
    )
    refused = await _give(client, world, purpose="living")
    assert refused.status_code == 422
    assert refused.json()["extra"]["field"] == "purpose"
    assert (await _give(client, world, purpose="study")).status_code == 201


async def test_who_may_give_and_read(client: AsyncTestClient[Litestar], world: DistributionsWorld) -> None:
    await stock_up(client, world)
    for who, status in (("volunteer", 403), ("auditor", 403), ("outsider", 404)):
        response = await client.post("/api/distributions", json=world.distribution(), headers=world.auth(who))
        assert response.status_code == status, who
    given = (await _give(client, world)).json()
    assert (
        await client.get(f"/api/distributions/{given['id']}", headers=world.auth("auditor"))
    ).status_code == 200
    assert (
        await client.get(f"/api/distributions/{given['id']}", headers=world.auth("outsider"))
    ).status_code == 404
    assert (await client.get("/api/distributions", headers=world.auth("outsider"))).json()["total"] == 0
