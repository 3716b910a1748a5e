"""Duplicate checks through the HTTP API: the same CCCD number or phone anywhere, or a like name with the
same birth year in the same commune, is answered 409 with the records side by side, until the request
says whom it is not and why; the report lists the open suspicions and a coordinator settles them."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from charity.db import Database
from charity.models import Beneficiary, DuplicateSuspicion
from tests.integration.beneficiaries.conftest import household, propose
from tests.world import World

# The first household has CCCD 048168001234, phone 0903512846, "Nguyễn Thị Hồng" born 1968.
NEW_PERSON = {
    "name": "Trương Văn Lực",
    "sex": "male",
    "birth_year": 1975,
    "phone": "",
    "id_number": "",
    "health": "",
}


async def _count(database: Database) -> int:
    async with database.read() as session:
        return (await session.execute(select(func.count()).select_from(Beneficiary))).scalar_one()


async def _send(
    client: AsyncTestClient[Litestar], world: World, who: str = "volunteer", **fields: Any
) -> Any:
    return await client.post("/api/beneficiaries", json=household(world, **fields), headers=world.auth(who))


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        (NEW_PERSON | {"id_number": "048168001234", "sex": "female", "birth_year": 1968}, "on_id_number"),
        (NEW_PERSON | {"phone": "+84 903 512 846"}, "on_phone"),
        ({"name": "Nguyen Thi Hông", "phone": "", "id_number": "", "health": ""}, "on_name"),
        (
            {"name": "Nguyễn Thị Hông", "birth_year": None, "phone": "", "id_number": "", "health": ""},
            "on_name",
        ),
    ],
    ids=["same-cccd", "same-phone", "like-name-same-year", "like-name-year-unknown"],
)
async def test_a_likely_duplicate_is_answered_with_the_record_it_may_be(
    client: AsyncTestClient[Litestar], world: World, database: Database, fields: dict[str, Any], why: str
) -> None:
    first = await propose(client, world)
    before = await _count(database)
    answer = await _send(client, world, **fields)
    assert answer.status_code == 409, answer.text
    body = answer.json()
    assert body["code"] == "possible_duplicates"
    [match] = body["extra"]["duplicates"]
    assert match["beneficiary"]["id"] == first["id"]
    assert match[why] is True
    # Side by side, as the volunteer may see it: the name and hamlet, not the CCCD or phone.
    assert (match["beneficiary"]["name"], match["beneficiary"]["hamlet"]) == (
        "Nguyễn Thị Hồng",
        "Thôn Phú Sơn",
    )
    assert match["beneficiary"]["id_number"] is None
    assert await _count(database) == before


async def test_other_people_are_not_taken_for_duplicates(
    client: AsyncTestClient[Litestar], world: World
) -> None:
    await propose(client, world)
    # Another middle name; another birth year; the same name in another commune.
    await propose(client, world, name="Nguyễn Văn Hồng", sex="male", phone="", id_number="", health="")
    await propose(client, world, birth_year=1990, phone="", id_number="", health="")
    await propose(
        client, world, who="coordinator", unit_id=world.units["SIBLING"], phone="", id_number="", health=""
    )


async def test_recording_not_a_duplicate_needs_a_reason_and_keeps_the_judgement(
    client: AsyncTestClient[Litestar], world: World, database: Database
) -> None:
    first = await propose(client, world)
    twin = {"name": "Nguyễn Thị Hông", "phone": "", "id_number": "", "health": ""}
    no_reason = await _send(client, world, **twin, not_duplicate_of=[first["id"]])
    assert no_reason.status_code == 422
    assert no_reason.json()["extra"]["field"] == "not_duplicate_reason"
    created = await _send(
        client,
        world,
        **twin,
        not_duplicate_of=[first["id"]],
        not_duplicate_reason="Hai người cùng tên, khác thôn",
    )
    assert created.status_code == 201, created.text
    async with database.read() as session:
        [judged] = (
            await session.execute(
                select(DuplicateSuspicion).where(DuplicateSuspicion.first_id == first["id"])
            )
        ).scalars()
    assert (judged.first_id, judged.second_id) == (first["id"], created.json()["id"])
    assert judged.dismiss_reason == "Hai người cùng tên, khác thôn"
    assert judged.dismissed_at is not None
    report = await client.get("/api/beneficiaries/duplicates", headers=world.auth("coordinator"))
    assert all(item["id"] != judged.id for item in report.json()["items"])


async def test_a_cccd_registered_in_another_district_is_named_without_saying_who(
    client: AsyncTestClient[Litestar], world: World
) -> None:
    elsewhere = await _send(client, world, who="outsider", unit_id=world.units["ELSEWHERE"])
    assert elsewhere.status_code == 201
    answer = await _send(client, world)
    assert answer.status_code == 409
    [match] = answer.json()["extra"]["duplicates"]
    seen = match["beneficiary"]
    assert (seen["view"], seen["code"], seen["unit_name"]) == (
        "outside",
        elsewhere.json()["code"],
        "Hội Phụ nữ ELSEWHERE",
    )
    for field in ("name", "hamlet", "phone", "id_number", "categories"):
        assert seen[field] is None
    assert "Nguyễn" not in answer.text.split('"duplicates"')[1]


async def test_a_change_that_makes_a_record_look_like_another_is_answered_the_same_way(
    client: AsyncTestClient[Litestar], world: World
) -> None:
    first = await propose(client, world)
    second = await propose(client, world, **NEW_PERSON)
    url = f"/api/beneficiaries/{second['id']}"
    answer = await client.patch(url, json={"phone": "0903512846"}, headers=world.auth("coordinator"))
    assert answer.status_code == 409
    assert answer.json()["extra"]["duplicates"][0]["beneficiary"]["id"] == first["id"]
    settled = await client.patch(
        url,
        json={
            "phone": "0903512846",
            "not_duplicate_of": [first["id"]],
            "not_duplicate_reason": "Vợ chồng chung số",
        },
        headers=world.auth("coordinator"),
    )
    assert settled.status_code == 200
    # Once judged, the pair does not come back on the next change.
    again = await client.patch(url, json={"name": "Trương Văn Lực Em"}, headers=world.auth("coordinator"))
    assert again.status_code == 200, again.text


async def test_the_report_lists_open_suspicions_and_a_coordinator_settles_them(
    client: AsyncTestClient[Litestar], world: World
) -> None:
    report = await client.get("/api/beneficiaries/duplicates", headers=world.auth("volunteer"))
    [open_one] = report.json()["items"]
    assert open_one["id"] == world.ids["suspicion"]
    assert open_one["on_name"] is True
    assert open_one["first"]["name"] == open_one["second"]["name"] == "Phạm Thị Lụa"
    url = f"/api/beneficiaries/duplicates/{open_one['id']}/dismiss"
    assert (await client.post(url, json={"reason": "x"}, headers=world.auth("volunteer"))).status_code == 403
    blank = await client.post(url, json={"reason": ""}, headers=world.auth("coordinator"))
    assert blank.status_code == 422
    assert (
        await client.post(url, json={"reason": "Hai chị em"}, headers=world.auth("coordinator"))
    ).status_code == 200
    assert (
        await client.post(url, json={"reason": "Hai chị em"}, headers=world.auth("coordinator"))
    ).status_code == 409
    report = await client.get("/api/beneficiaries/duplicates", headers=world.auth("volunteer"))
    assert report.json()["total"] == 0
    outsider = await client.post(url, json={"reason": "x"}, headers=world.auth("outsider"))
    assert outsider.status_code == 404
