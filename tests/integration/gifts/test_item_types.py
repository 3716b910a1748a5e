from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.gifts_world import GiftsWorld


async def test_item_types_are_listed_created_and_kept_unique(
    client: AsyncTestClient[Litestar], world: GiftsWorld
) -> None:
    coordinator = world.auth("coordinator")
    created = await client.post(
        "/api/item-types", json={"name": " Mì  gói ", "unit_of_measure": "thùng"}, headers=coordinator
    )
    assert created.status_code == 201
    assert created.json()["name"] == "Mì gói"
    duplicate = await client.post(
        "/api/item-types", json={"name": "mì gói", "unit_of_measure": "gói"}, headers=coordinator
    )
    assert duplicate.status_code == 409
    blank = await client.post(
        "/api/item-types", json={"name": "Dầu ăn", "unit_of_measure": ""}, headers=coordinator
    )
    assert blank.status_code == 422
    listed = (await client.get("/api/item-types", headers=world.auth("volunteer"))).json()
    assert [t["name"] for t in listed["items"]] == ["Gạo", "Mì gói", "Vở học sinh"]
    assert (
        await client.post(
            "/api/item-types", json={"name": "Sữa", "unit_of_measure": "hộp"}, headers=world.auth("volunteer")
        )
    ).status_code == 403
