"""Rounds (đợt trao): drafted by one coordinator, approved by another, handed over in one step with
the exceptions; a round the drive cannot cover is refused whole, before anything is handed over."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from charity.clock import local_today
from tests.distributions_world import DistributionsWorld, stock_up
from tests.integration.distributions.conftest import cash_held, rice_held

YEAR = local_today().year


def _round(
    world: DistributionsWorld, *, rice: str = "10", cash: int | None = 500_000, **fields: Any
) -> dict[str, Any]:
    """10 kg of rice and 500.000 đ to each household of the world."""
    line: dict[str, Any] = {"items": [{"item_type_id": world.rice_id, "quantity": rice}]}
    if cash:
        line["cash"] = {"amount": cash, "method": "cash"}
    return {
        "drive_id": world.drive_id,
        "title": "Trao gạo tháng 12",
        "planned_on": local_today().isoformat(),
        "purpose": "living",
        "place": "Nhà văn hóa thôn 2",
        "lines": [{"beneficiary_id": household} | line for household in world.households],
    } | fields


async def _draft(
    client: AsyncTestClient[Litestar], world: DistributionsWorld, **fields: Any
) -> dict[str, Any]:
    response = await client.post(
        "/api/rounds", json=_round(world, **fields), headers=world.auth("coordinator")
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_round_is_approved_by_another_coordinator_and_handed_over_with_its_exceptions(
    client: AsyncTestClient[Litestar], world: DistributionsWorld
) -> None:
    await stock_up(client, world, rice="300", cash=5_000_000)
    draft = await _draft(client, world)
    assert draft["status"] == "draft"
    assert [line["number"] for line in draft["lines"]] == [None] * 5
    assert draft["totals"][0]["amount"] == 2_500_000
    assert Decimal(draft["totals"][1]["quantity"]) == Decimal(50)

    url = f"/api/rounds/{draft['id']}"
    own = await client.post(f"{url}/approve", headers=world.auth("coordinator"))
    assert own.status_code == 403
    assert "không tự duyệt" in own.json()["detail"]
    approved = await client.post(f"{url}/approve", headers=world.auth("coordinator2"))
    assert approved.status_code == 200, approved.text
    assert [line["number"] for line in approved.json()["lines"]] == [
        f"TT-{YEAR}/{n:05d}" for n in range(1, 6)
    ]
    assert await rice_held(client, world) == Decimal(300)

    absent, refused = approved.json()["lines"][1]["id"], approved.json()["lines"][2]["id"]
    handed = await client.post(
        f"{url}/hand-over",
        json={
            "handed_over_on": local_today().isoformat(),
            "exceptions": [
                {"distribution_id": absent, "absence": "absent", "note": "Đi viện"},
                {"distribution_id": refused, "absence": "refused"},
            ],
        },
        headers=world.auth("coordinator"),
    )
    assert handed.status_code == 200, handed.text
    statuses = [(line["status"], line["absence"]) for line in handed.json()["lines"]]
    assert statuses == [
        ("handed_over", None),
        ("planned", "absent"),
        ("void", "refused"),
        ("handed_over", None),
        ("handed_over", None),
    ]
    assert await rice_held(client, world) == Decimal(270)
    assert await cash_held(client, world) == 5_000_000 - 3 * 500_000

    # The absent household comes the next day and gets its share on its own.
    later = await client.post(
        f"/api/distributions/{absent}/hand-over",
        json={"handed_over_on": local_today().isoformat()},
        headers=world.auth("coordinator"),
    )
    assert later.status_code == 200, later.text
    assert await rice_held(client, world) == Decimal(260)
    verify = await client.get(f"/api/drives/{world.drive_id}/ledger/verify", headers=world.auth("auditor"))
    assert verify.json()["intact"] is True


async def test_a_round_the_drive_cannot_cover_is_refused_whole(
    client: AsyncTestClient[Litestar], world: DistributionsWorld
) -> None:
    await stock_up(client, world, rice="45", cash=10_000_000)
    draft = await _draft(client, world)
    refused = await client.post(f"/api/rounds/{draft['id']}/approve", headers=world.auth("coordinator2"))
    assert refused.status_code == 409
    assert refused.json()["code"] == "short_of_stock"
    assert "45 kg Gạo" in refused.json()["detail"]
    assert "50 kg" in refused.json()["detail"]
    assert (await client.get(f"/api/rounds/{draft['id']}", headers=world.auth("auditor"))).json()[
        "status"
    ] == "draft"

    # Enough at approval; by the handover some rice has gone elsewhere.
    await stock_up(client, world, rice="10")
    approved = await client.post(f"/api/rounds/{draft['id']}/approve", headers=world.auth("coordinator2"))
    assert approved.status_code == 200, approved.text
    elsewhere = await client.post(
        "/api/distributions",
        json=world.distribution(
            beneficiary_id=None, group={"place": "Bếp ăn bệnh viện", "count": 40}, purpose="meals"
        ),
        headers=world.auth("coordinator"),
    )
    assert elsewhere.status_code == 201, elsewhere.text
    handed = await client.post(
        f"/api/rounds/{draft['id']}/hand-over",
        json={"handed_over_on": local_today().isoformat()},
        headers=world.auth("coordinator"),
    )
    assert handed.status_code == 409
    assert "45 kg Gạo" in handed.json()["detail"]
    assert await rice_held(client, world) == Decimal(45)
    assert await cash_held(client, world) == 10_000_000
    after = (await client.get(f"/api/rounds/{draft['id']}", headers=world.auth("auditor"))).json()
    assert after["status"] == "approved"
    assert {line["status"] for line in after["lines"]} == {"planned"}


async def test_a_round_checks_each_line_as_a_distribution_is_checked(
    client: AsyncTestClient[Litestar], world: DistributionsWorld
) -> None:
    body = _round(world)
    body["lines"].append({"beneficiary_id": world.unverified_id, "cash": {"amount": 100_000}})
    refused = await client.post("/api/rounds", json=body, headers=world.auth("coordinator"))
    assert refused.status_code == 422
    assert refused.json()["code"] == "not_eligible"
    assert refused.json()["extra"]["field"] == "lines[5].beneficiary_id"
    twice = _round(world)
    twice["lines"].append(twice["lines"][0])
    assert (
        await client.post("/api/rounds", json=twice, headers=world.auth("coordinator"))
    ).status_code == 422
    listed = await client.get("/api/rounds", headers=world.auth("coordinator"))
    assert listed.json()["total"] == 0


async def test_cancelling_a_round(client: AsyncTestClient[Litestar], world: DistributionsWorld) -> None:
    await stock_up(client, world, rice="300", cash=5_000_000)
    draft = await _draft(client, world)
    cancelled = await client.post(
        f"/api/rounds/{draft['id']}/cancel", json={"reason": "Lập nhầm"}, headers=world.auth("coordinator")
    )
    assert cancelled.status_code == 200, cancelled.text
    assert (cancelled.json()["status"], cancelled.json()["lines"]) == ("cancelled", [])
    approved = await _draft(client, world)
    await client.post(f"/api/rounds/{approved['id']}/approve", headers=world.auth("coordinator2"))
    voided = await client.post(
        f"/api/rounds/{approved['id']}/cancel",
        json={"reason": "Hoãn sang tháng sau"},
        headers=world.auth("coordinator2"),
    )
    assert [line["status"] for line in voided.json()["lines"]] == ["void"] * 5
    # The numbers the cancelled round took stay taken: the next distribution follows them.
    given = await client.post(
        "/api/distributions", json=world.distribution(), headers=world.auth("coordinator")
    )
    assert given.json()["number"] == f"TT-{YEAR}/00006"
