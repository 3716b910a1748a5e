from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from charity.db import Database
from charity.models import Unit
from tests.world import build_world


async def test_each_user_sees_the_units_of_their_scope(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    world = await build_world(database)
    seen = {}
    for who in ("admin", "coordinator", "volunteer", "outsider"):
        page = (await client.get("/api/units?limit=2", headers=world.auth(who))).json()
        everything = (await client.get("/api/units", headers=world.auth(who))).json()
        assert page["limit"] == 2
        assert len(page["items"]) == min(2, page["total"])
        seen[who] = [unit["code"] for unit in everything["items"]]
    assert seen["admin"] == ["COMMUNE", "DISTRICT", "ELSEWHERE", "PROVINCE", "SIBLING"]
    assert seen["coordinator"] == ["COMMUNE", "DISTRICT", "SIBLING"]
    assert seen["volunteer"] == ["COMMUNE"]
    assert seen["outsider"] == ["ELSEWHERE"]
    # A sibling unit and the units above answer exactly like units that do not exist.
    for code in ("SIBLING", "DISTRICT", "PROVINCE"):
        response = await client.get(f"/api/units/{world.units[code]}", headers=world.auth("volunteer"))
        assert response.status_code == 404
        assert (
            response.json() == (await client.get("/api/units/999999", headers=world.auth("volunteer"))).json()
        )


async def test_paging_limits_are_checked(client: AsyncTestClient[Litestar], database: Database) -> None:
    world = await build_world(database)
    for query in ("limit=0", "limit=201", "offset=-1", "limit=abc"):
        response = await client.get(f"/api/units?{query}", headers=world.auth("admin"))
        assert response.status_code == 422, query
        assert response.json()["detail"] == "Dữ liệu gửi lên không hợp lệ."


async def test_admin_builds_and_reshapes_the_tree(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    world = await build_world(database)
    admin = world.auth("admin")
    created = await client.post(
        "/api/units",
        headers=admin,
        json={"code": "ap-3", "name": "  Chi hội  ấp 3 ", "parent_code": "COMMUNE", "address": "Ấp 3"},
    )
    assert created.status_code == 201
    unit = created.json()
    assert (unit["code"], unit["name"], unit["parent_id"]) == ("AP-3", "Chi hội ấp 3", world.units["COMMUNE"])

    moved = await client.patch(f"/api/units/{unit['id']}", headers=admin, json={"parent_code": "SIBLING"})
    assert moved.json()["parent_id"] == world.units["SIBLING"]
    root = await client.patch(f"/api/units/{unit['id']}", headers=admin, json={"parent_code": None})
    assert root.json()["parent_id"] is None

    cycle = await client.patch(
        f"/api/units/{world.units['DISTRICT']}", headers=admin, json={"parent_code": "COMMUNE"}
    )
    assert cycle.status_code == 422
    assert "cấp dưới" in cycle.json()["detail"]
    itself = await client.patch(
        f"/api/units/{world.units['DISTRICT']}", headers=admin, json={"parent_code": "DISTRICT"}
    )
    assert itself.status_code == 422


async def test_bad_units_are_refused_and_nothing_is_written(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    world = await build_world(database)
    admin = world.auth("admin")
    async with database.read() as session:
        before = (await session.execute(select(func.count()).select_from(Unit))).scalar_one()
    cases = [
        ({"code": "DISTRICT", "name": "Trùng"}, 409),
        ({"code": "mã có dấu", "name": "X"}, 422),
        ({"code": "NEW", "name": ""}, 422),
        ({"code": "NEW", "name": "X", "parent_code": "NOPE"}, 404),
        ({"code": "NEW", "name": "X", "colour": "red"}, 422),
    ]
    for body, status in cases:
        response = await client.post("/api/units", headers=admin, json=body)
        assert response.status_code == status, (body, response.text)
    async with database.read() as session:
        assert (await session.execute(select(func.count()).select_from(Unit))).scalar_one() == before


async def test_a_unit_chooses_how_its_receipts_are_printed(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    world = await build_world(database)
    url = f"/api/units/{world.units['COMMUNE']}"
    unit = (await client.get(url, headers=world.auth("admin"))).json()
    assert (unit["receipt_paper"], unit["zero_tens_word"]) == ("a5", "linh")
    changed = await client.patch(
        url, headers=world.auth("admin"), json={"receipt_paper": "a4x3", "zero_tens_word": "lẻ"}
    )
    assert (changed.json()["receipt_paper"], changed.json()["zero_tens_word"]) == ("a4x3", "lẻ")
    wrong = await client.patch(url, headers=world.auth("admin"), json={"receipt_paper": "a3"})
    assert wrong.status_code == 422
    assert (unit["receipt_form"], unit["large_gift_threshold"]) == ("plain", 100_000_000)
    regime = await client.patch(
        url, headers=world.auth("admin"), json={"receipt_form": "C40-BB", "large_gift_threshold": 50_000_000}
    )
    assert (regime.json()["receipt_form"], regime.json()["large_gift_threshold"]) == ("C40-BB", 50_000_000)
    for bad in ({"receipt_form": "02-TT"}, {"large_gift_threshold": 0}, {"large_gift_threshold": "1000"}):
        refused = await client.patch(url, headers=world.auth("admin"), json=bad)
        assert refused.status_code == 422, bad
    unit = (await client.get(url, headers=world.auth("admin"))).json()
    assert (unit["receipt_form"], unit["large_gift_threshold"]) == ("C40-BB", 50_000_000)
