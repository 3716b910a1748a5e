from __future__ import annotations

from datetime import date, timedelta

from litestar import Litestar
from litestar.testing import AsyncTestClient

from charity.clock import local_today
from tests.gifts_world import GiftsWorld


def _drive(world: GiftsWorld, **fields) -> dict:
    today = local_today()
    return {
        "unit_id": world.unit_id,
        "name": "Ủng hộ đồng bào bị lũ lụt",
        "kind": "appeal",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=89)).isoformat(),
        "target_amount": 200_000_000,
        "items": [{"item_type_id": world.rice_id, "target_quantity": "5000"}],
        "bank_account": "Agribank 6300 205 118 426",
        "is_public": True,
    } | fields


async def test_a_coordinator_runs_a_drive_from_draft_to_closed(
    client: AsyncTestClient[Litestar], world: GiftsWorld
) -> None:
    coordinator = world.auth("coordinator")
    created = await client.post("/api/drives", json=_drive(world), headers=coordinator)
    assert created.status_code == 201, created.text
    drive = created.json()
    assert drive["status"] == "draft"
    ends_on = date.fromisoformat(drive["ends_on"])
    assert date.fromisoformat(drive["distribution_deadline"]) == ends_on + timedelta(days=20)
    assert drive["items"][0]["name"] == "Gạo"
    gift = world.gift(drive_id=drive["id"])
    assert (
        await client.post("/api/donations", json=gift, headers=world.auth("volunteer"))
    ).status_code == 422
    opened = await client.post(f"/api/drives/{drive['id']}/open", headers=coordinator)
    assert opened.json()["status"] == "open"
    assert (
        await client.post("/api/donations", json=gift, headers=world.auth("volunteer"))
    ).status_code == 201
    assert (await client.post(f"/api/drives/{drive['id']}/open", headers=coordinator)).status_code == 409
    closed = await client.post(f"/api/drives/{drive['id']}/close", headers=coordinator)
    assert closed.json()["status"] == "closed"
    assert (
        await client.post("/api/donations", json=gift, headers=world.auth("volunteer"))
    ).status_code == 422
    assert (
        await client.patch(f"/api/drives/{drive['id']}", json={"name": "X"}, headers=coordinator)
    ).status_code == 409
    listed = (await client.get("/api/drives?status=closed", headers=world.auth("volunteer"))).json()
    assert [d["id"] for d in listed["items"]] == [drive["id"]]


async def test_drive_rules(client: AsyncTestClient[Litestar], world: GiftsWorld) -> None:
    coordinator = world.auth("coordinator")
    today = local_today()
    cases = [
        (_drive(world, ends_on=(today - timedelta(days=1)).isoformat()), 422, "ends_on"),
        (_drive(world, ends_on=(today + timedelta(days=90)).isoformat()), 422, "ends_on"),
        (_drive(world, name="  "), 422, "name"),
        (_drive(world, target_amount=0), 422, "target_amount"),
        (_drive(world, target_amount="200000000"), 422, "target_amount"),
        (_drive(world, items=[{"item_type_id": 9999}]), 422, "items"),
        (_drive(world, items=[{"item_type_id": world.rice_id, "target_quantity": "-1"}]), 422, "items"),
        (_drive(world, kind="lottery"), 422, "kind"),
        (_drive(world, unit_id=world.other_unit_id), 404, "unit_id"),
    ]
    for body, status, field in cases:
        response = await client.post("/api/drives", json=body, headers=coordinator)
        assert response.status_code == status, (body, response.text)
        assert field in str(response.json().get("extra")), response.json()
    fund = await client.post(
        "/api/drives", json=_drive(world, kind="fund", ends_on=f"{today.year + 1}-12-31"), headers=coordinator
    )
    assert fund.status_code == 201
    assert fund.json()["distribution_deadline"] is None


async def test_a_drive_with_gifts_keeps_its_kind_window_and_goods(
    client: AsyncTestClient[Litestar], world: GiftsWorld
) -> None:
    coordinator = world.auth("coordinator")
    gift = world.gift(items=[{"item_type_id": world.rice_id, "quantity": 3}])
    assert (
        await client.post("/api/donations", json=gift, headers=world.auth("volunteer"))
    ).status_code == 201
    url = f"/api/drives/{world.drive_id}"
    today = local_today()
    assert (await client.patch(url, json={"kind": "fund"}, headers=coordinator)).status_code == 409
    late_start = {"starts_on": (today + timedelta(days=1)).isoformat(), "ends_on": f"{today.year}-12-31"}
    if late_start["starts_on"] <= late_start["ends_on"]:
        assert (await client.patch(url, json=late_start, headers=coordinator)).status_code == 409
    assert (await client.patch(url, json={"items": []}, headers=coordinator)).status_code == 409
    more = {
        "items": [
            {"item_type_id": world.rice_id},
            {"item_type_id": world.notebook_id, "target_quantity": "300"},
        ]
    }
    changed = await client.patch(url, json=more, headers=coordinator)
    assert changed.status_code == 200
    assert [i["name"] for i in changed.json()["items"]] == ["Gạo", "Vở học sinh"]
    cleared = await client.patch(url, json={"target_amount": None}, headers=coordinator)
    assert cleared.json()["target_amount"] is None
