"""A drive's summary follows what goes out: per asset what came in, what went out and what is held,
how many distributions were handed over and to how many; progress to the targets stays what was
raised."""

from __future__ import annotations

from decimal import Decimal

from litestar import Litestar
from litestar.testing import AsyncTestClient

from charity.db import Database
from tests.distributions_world import DistributionsWorld, stock_up
from tests.integration.distributions.conftest import signed_in, text_of


async def _give(client: AsyncTestClient[Litestar], world: DistributionsWorld, **fields: object) -> dict:
    answer = await client.post(
        "/api/distributions", json=world.distribution(**fields), headers=world.auth("coordinator")
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


async def _handed_out(client: AsyncTestClient[Litestar], world: DistributionsWorld) -> None:
    """300 kg of rice and 1.000.000 đ in; out: 10 kg and 500.000 đ (voided), 20 kg and 5 kg to one
    household in two distributions, 25 kg to a group of 250."""
    await stock_up(client, world, rice="300", cash=1_000_000, unit_value=20_000)
    wrong = await _give(client, world, cash={"amount": 500_000, "method": "cash"})
    voided = await client.post(
        f"/api/distributions/{wrong['id']}/void",
        json={"reason": "Trao nhầm"},
        headers=world.auth("coordinator"),
    )
    assert voided.status_code == 200, voided.text
    for quantity in ("20", "5"):
        await _give(
            client,
            world,
            beneficiary_id=world.households[1],
            items=[{"item_type_id": world.rice_id, "quantity": quantity}],
        )
    await _give(
        client,
        world,
        beneficiary_id=None,
        group={"place": "Bệnh viện Đa khoa tỉnh", "count": 250},
        purpose="meals",
        items=[{"item_type_id": world.rice_id, "quantity": "25"}],
    )


def _flow(flow: dict) -> tuple[int, Decimal | None]:
    return flow["amount"], Decimal(flow["quantity"]) if flow["quantity"] is not None else None


async def test_the_summary_says_what_came_in_went_out_and_is_held_of_each_asset(
    client: AsyncTestClient[Litestar], world: DistributionsWorld
) -> None:
    await _handed_out(client, world)
    summary = (
        await client.get(f"/api/drives/{world.drive_id}/summary", headers=world.auth("volunteer"))
    ).json()
    money, rice = summary["flows"]
    assert (money["item_type_id"], rice["item_type_id"]) == (None, world.rice_id)
    assert [_flow(money[name]) for name in ("gifts", "distributions", "came_in", "went_out", "held")] == [
        (1_000_000, None),
        # Given and voided: nothing went out.
        (0, None),
        (1_000_000, None),
        (0, None),
        (1_000_000, None),
    ]
    assert [_flow(rice[name]) for name in ("gifts", "distributions", "came_in", "went_out", "held")] == [
        (6_000_000, 300),
        (1_000_000, 50),
        (6_000_000, 300),
        (1_000_000, 50),
        (5_000_000, 250),
    ]
    assert all(
        _flow(asset[name])[0] == 0
        for asset in (money, rice)
        for name in ("transfers_in", "conversions_in", "conversions_out", "transfers_out", "adjustments")
    )
    # What the drive holds, as before; progress is what it raised.
    assert (summary["cash_total"], summary["goods_value"], summary["total_value"]) == (
        1_000_000,
        5_000_000,
        6_000_000,
    )
    assert (Decimal(summary["items"][0]["quantity"]), summary["items"][0]["value"]) == (250, 5_000_000)
    assert summary["items"][0]["progress"] == 0.3
    assert summary["cash_progress"] == 0.1
    assert (
        summary["distributions_handed_over"],
        summary["households_reached"],
        summary["people_in_groups"],
    ) == (3, 1, 250)


async def test_the_drive_page_shows_in_out_and_held(
    client: AsyncTestClient[Litestar], world: DistributionsWorld, database: Database
) -> None:
    await _handed_out(client, world)
    await signed_in(client, database, world, "coordinator")
    page = await client.get(f"/drives/{world.drive_id}")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Nhận vào, trao ra, còn giữ" in text
    assert "Gạo 300 kg ủng hộ 300 kg 50 kg đã trao 50 kg 250 kg ước 5.000.000 đ" in text
    assert "Tiền 1.000.000 đ ủng hộ 1.000.000 đ 0 đ 1.000.000 đ" in text
    assert "Lượt trao 3" in text
    assert "Hộ đã nhận 1 và 250 người, suất theo nhóm" in text
    assert "Gạo đã nhận: 300 kg / mục tiêu 1.000 kg (còn giữ 250 kg, ước 5.000.000 đ)" in text
