"""Proposing and reviewing beneficiaries through the HTTP API: a volunteer proposes, a coordinator of
the commune or above verifies or rejects with the review meeting, nobody verifies what they proposed,
a verification runs out after the unit's review period, and every step is an audit event that names
no one."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from charity import clock
from charity.clock import local_today
from charity.db import Database
from charity.models import AuditEvent, Beneficiary
from tests.integration.beneficiaries.conftest import CONSENT, household, propose
from tests.world import World


async def _count(database: Database) -> int:
    async with database.read() as session:
        return (await session.execute(select(func.count()).select_from(Beneficiary))).scalar_one()


async def _events(database: Database, beneficiary_id: int) -> list[AuditEvent]:
    async with database.read() as session:
        rows = await session.execute(
            select(AuditEvent)
            .where(AuditEvent.object_type == "beneficiary", AuditEvent.object_id == beneficiary_id)
            .order_by(AuditEvent.id)
        )
        return list(rows.scalars())


async def _verify(
    client: AsyncTestClient[Litestar], world: World, beneficiary_id: int, who: str, **body: Any
) -> Any:
    return await client.post(
        f"/api/beneficiaries/{beneficiary_id}/verify",
        json={"minutes_number": "05/BB-HPN"} | body,
        headers=world.auth(who),
    )


async def test_a_volunteer_proposes_and_a_coordinator_verifies_until_the_review_period_ends(
    client: AsyncTestClient[Litestar], world: World, database: Database
) -> None:
    proposed = await propose(client, world)
    assert proposed["status"] == "proposed"
    assert proposed["code"] == f"ĐT-{proposed['id']:06d}"
    assert proposed["eligible"] is False

    verified = await _verify(client, world, proposed["id"], "commune-coordinator", meeting_date="2026-11-28")
    assert verified.status_code == 200, verified.text
    body = verified.json()
    assert body["status"] == "verified"
    assert body["review_until"] == "2027-11-28"
    assert body["eligible"] is True
    [review] = body["reviews"]
    assert review["decision"] == "verified"
    assert review["decided_by_name"] == "Trần Thị Lan"
    assert (review["meeting_date"], review["minutes_number"]) == ("2026-11-28", "05/BB-HPN")

    events = await _events(database, proposed["id"])
    assert [e.action for e in events] == ["beneficiary.propose", "beneficiary.verify"]
    # The log is append-only: it must hold nothing an erasure would have to remove.
    for event in events:
        text = f"{event.before} {event.after}"
        for personal in ("Nguyễn", "0903512846", "048168001234", "Phú Sơn", "Thoát vị"):
            assert personal not in text


async def test_nobody_verifies_or_rejects_what_they_proposed_themselves(
    client: AsyncTestClient[Litestar], world: World
) -> None:
    proposed = await propose(client, world, who="commune-coordinator")
    own = await _verify(client, world, proposed["id"], "commune-coordinator")
    assert own.status_code == 403
    assert own.json()["code"] == "own_proposal"
    refused = await client.post(
        f"/api/beneficiaries/{proposed['id']}/reject",
        json={"reason": "Không đủ điều kiện", "minutes_number": "05/BB"},
        headers=world.auth("commune-coordinator"),
    )
    assert refused.status_code == 403
    still = await client.get(f"/api/beneficiaries/{proposed['id']}", headers=world.auth("coordinator"))
    assert still.json()["status"] == "proposed"
    # The district's coordinator is another person, and the commune is in their scope.
    assert (await _verify(client, world, proposed["id"], "coordinator")).status_code == 200


async def test_volunteers_and_auditors_do_not_review(client: AsyncTestClient[Litestar], world: World) -> None:
    proposed = await propose(client, world)
    for who in ("volunteer", "auditor"):
        assert (await _verify(client, world, proposed["id"], who)).status_code == 403
    # A coordinator elsewhere does not see the record at all.
    assert (await _verify(client, world, proposed["id"], "outsider")).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"minutes_number": ""}, "meeting_date"),
        ({"minutes_number": "", "meeting_date": "2030-01-01"}, "meeting_date"),
        ({"meeting_date": "2024-01-10", "minutes_number": ""}, "meeting_date"),
    ],
    ids=["no-meeting", "future-meeting", "meeting-too-old"],
)
async def test_a_verification_names_a_meeting_that_took_place_within_the_period(
    client: AsyncTestClient[Litestar], world: World, body: dict[str, str], field: str
) -> None:
    proposed = await propose(client, world)
    answer = await _verify(client, world, proposed["id"], "coordinator", **body)
    assert answer.status_code == 422
    assert answer.json()["extra"]["field"] == field


async def test_a_rejection_needs_a_reason_and_a_rejected_record_is_not_verified_until_proposed_again(
    client: AsyncTestClient[Litestar], world: World, database: Database
) -> None:
    proposed = await propose(client, world)
    url = f"/api/beneficiaries/{proposed['id']}/reject"
    no_reason = await client.post(
        url, json={"reason": " ", "minutes_number": "05/BB"}, headers=world.auth("coordinator")
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["extra"]["field"] == "reason"
    rejected = await client.post(
        url,
        json={"reason": "Có thu nhập ổn định", "minutes_number": "05/BB"},
        headers=world.auth("coordinator"),
    )
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["reviews"][0]["reason"] == "Có thu nhập ổn định"
    assert (await _verify(client, world, proposed["id"], "coordinator")).status_code == 409

    # The commune's coordinator writes down what changed: the record is proposed again, by them.
    changed = await client.patch(
        f"/api/beneficiaries/{proposed['id']}",
        json={"circumstances": "Chồng mất việc, con ốm nặng."},
        headers=world.auth("commune-coordinator"),
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["status"] == "proposed"
    assert (await _verify(client, world, proposed["id"], "commune-coordinator")).status_code == 403
    assert (await _verify(client, world, proposed["id"], "coordinator")).status_code == 200
    actions = [e.action for e in await _events(database, proposed["id"])]
    assert actions == [
        "beneficiary.propose",
        "beneficiary.reject",
        "beneficiary.update",
        "beneficiary.verify",
    ]


async def test_changing_a_phone_keeps_the_verification_but_changing_categories_does_not(
    client: AsyncTestClient[Litestar], world: World
) -> None:
    proposed = await propose(client, world)
    await _verify(client, world, proposed["id"], "coordinator")
    url = f"/api/beneficiaries/{proposed['id']}"
    phone = await client.patch(url, json={"phone": "0912 000 111"}, headers=world.auth("coordinator"))
    assert phone.json()["status"] == "verified"
    assert phone.json()["phone"] == "0912000111"
    categories = await client.patch(url, json={"category_ids": [1, 4]}, headers=world.auth("coordinator"))
    assert categories.json()["status"] == "proposed"
    assert categories.json()["eligible"] is False


async def test_a_verification_runs_out_and_the_record_is_due_for_review(
    client: AsyncTestClient[Litestar], world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Proposed and verified a year and a day ago (the sign-ins stay valid: they were made today).
    real_now = clock.now()
    monkeypatch.setattr(clock, "now", lambda: real_now - timedelta(days=366))
    a_year_ago = local_today().isoformat()
    proposed = await propose(client, world, consent=CONSENT | {"given_on": a_year_ago})
    verified = await _verify(client, world, proposed["id"], "coordinator", meeting_date=a_year_ago)
    assert verified.json()["review_due"] is False
    due = {"review_due": "true"}
    listed = await client.get("/api/beneficiaries", params=due, headers=world.auth("coordinator"))
    assert listed.json()["total"] == 0

    monkeypatch.setattr(clock, "now", lambda: real_now)
    record = (
        await client.get(f"/api/beneficiaries/{proposed['id']}", headers=world.auth("volunteer"))
    ).json()
    assert (record["status"], record["review_due"], record["eligible"]) == ("verified", True, False)
    listed = await client.get("/api/beneficiaries", params=due, headers=world.auth("coordinator"))
    assert [b["id"] for b in listed.json()["items"]] == [proposed["id"]]

    renewed = await _verify(
        client, world, proposed["id"], "coordinator", meeting_date=local_today().isoformat()
    )
    assert renewed.status_code == 200
    assert (renewed.json()["review_due"], renewed.json()["eligible"]) == (False, True)
    assert len(renewed.json()["reviews"]) == 2


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"id_number": "04816800123"}, "id_number", "Số CCCD gồm đúng 12 chữ số."),
        ({"id_number": "003168001234"}, "id_number", "003 không phải mã tỉnh"),
        ({"id_number": "048170001234"}, "id_number", "năm sinh 1970, khác năm sinh đã nhập (1968)"),
        ({"id_number": "048068001234"}, "id_number", "giới tính nam"),
        ({"phone": "12345"}, "phone", "Số điện thoại"),
        ({"name": "  "}, "name", "Cần nhập họ và tên."),
        ({"birth_year": 2099}, "birth_year", "Năm sinh phải từ 1900"),
        ({"category_ids": [999]}, "category_ids", "Không có diện hoàn cảnh"),
        ({"kind": "person"}, "members", "cá nhân không có thành viên hộ"),
        ({"members": [{"name": ""}]}, "members[0].name", "Cần nhập họ và tên."),
    ],
)
async def test_what_is_wrong_is_refused_with_its_field_and_nothing_is_recorded(
    client: AsyncTestClient[Litestar],
    world: World,
    database: Database,
    fields: dict[str, Any],
    field: str,
    message: str,
) -> None:
    before = await _count(database)
    answer = await client.post(
        "/api/beneficiaries", json=household(world, **fields), headers=world.auth("volunteer")
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["extra"]["field"] == field
    assert message in answer.json()["detail"]
    assert await _count(database) == before


async def test_a_volunteer_proposes_only_in_their_own_commune(
    client: AsyncTestClient[Litestar], world: World, database: Database
) -> None:
    before = await _count(database)
    for unit in ("SIBLING", "DISTRICT"):
        answer = await client.post(
            "/api/beneficiaries",
            json=household(world, unit_id=world.units[unit]),
            headers=world.auth("volunteer"),
        )
        assert answer.status_code == 404
    assert await _count(database) == before
