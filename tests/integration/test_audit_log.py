"""The audit log as administrators and auditors read it: their scope, its filters, its pages, and a
log nobody can change."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text, update
from sqlalchemy.exc import DBAPIError

from charity.accounts.guard import SESSION_COOKIE
from charity.audit.service import Actor, record
from charity.clock import local_today
from charity.db import Database
from charity.models import AuditEvent
from tests.support import pdf_pages
from tests.world import World, build_world


@pytest.fixture
async def world(database: Database) -> World:
    world = await build_world(database)
    async with database.write() as session:
        for unit, action in (
            ("COMMUNE", "receipt.void"),
            ("DISTRICT", "drive.update"),
            ("ELSEWHERE", "donor.merge"),
        ):
            await record(
                session,
                Actor(world.users["coordinator"], "10.0.0.7"),
                action,
                object_type=action.split(".")[0],
                object_id=7,
                unit_id=world.units[unit],
                before={"status": "issued"},
                after={"status": "void", "lý do": "Ghi nhầm"},
            )
    return world


async def actions(client: AsyncTestClient[Litestar], world: World, who: str, **query: object) -> list[str]:
    response = await client.get("/api/audit", params=query, headers=world.auth(who))
    assert response.status_code == 200, response.text
    return [event["action"] for event in response.json()["items"]]


async def test_an_auditor_reads_the_log_of_their_scope_and_an_admin_all_of_it(
    client: AsyncTestClient[Litestar], world: World
) -> None:
    seen = await actions(client, world, "auditor")
    assert "receipt.void" in seen
    assert "drive.update" in seen
    assert "donor.merge" not in seen  # another district's
    assert "donor.merge" in await actions(client, world, "admin", limit=200)
    for who in ("volunteer", "coordinator", "outsider"):
        assert (await client.get("/api/audit", headers=world.auth(who))).status_code == 403


async def test_the_log_filters_by_action_object_user_and_day(
    client: AsyncTestClient[Litestar], world: World
) -> None:
    receipts = await actions(client, world, "auditor", action="receipt")
    assert "receipt.void" in receipts
    assert all(action.startswith("receipt.") for action in receipts)
    assert await actions(client, world, "auditor", action="receipt.void", object="receipt", object_id=7) == [
        "receipt.void"
    ]
    assert await actions(client, world, "auditor", object="drive") == ["drive.update"]
    assert await actions(client, world, "auditor", action="rec") == []  # a kind is a whole word
    by_coordinator = await actions(client, world, "auditor", user_id=world.users["coordinator"])
    assert {"receipt.void", "drive.update"} <= set(by_coordinator)
    assert "receipt.void" not in await actions(client, world, "auditor", user_id=world.users["volunteer"])
    today = local_today().isoformat()
    assert set(await actions(client, world, "auditor", **{"from": today, "to": today})) >= {"drive.update"}
    assert await actions(client, world, "auditor", **{"from": "2000-01-01", "to": "2000-01-31"}) == []
    response = await client.get("/api/audit", params={"limit": 1}, headers=world.auth("auditor"))
    body = response.json()
    assert (len(body["items"]), body["limit"]) == (1, 1)
    assert body["total"] >= 2
    event = body["items"][0]
    assert (event["actor_ip"], event["after"]["lý do"]) == ("10.0.0.7", "Ghi nhầm")
    bad = await client.get("/api/audit", params={"from": "hôm qua"}, headers=world.auth("auditor"))
    assert bad.status_code == 422


async def test_nobody_can_change_the_log(database: Database, world: World) -> None:
    for statement in (update(AuditEvent).values(action="x"), text("DELETE FROM audit_event")):
        async with database.write() as session:
            with pytest.raises(DBAPIError):
                await session.execute(statement)


async def test_the_log_page_shows_who_did_what(client: AsyncTestClient[Litestar], world: World) -> None:
    client.cookies.set(SESSION_COOKIE, world.sessions["auditor"])
    page = await client.get("/audit", params={"action": "receipt", "user_id": "", "date_from": ""})
    assert page.status_code == 200
    assert "receipt.void" in page.text
    assert "drive.update" not in page.text
    assert "Ghi nhầm" in page.text
    assert "10.0.0.7" in page.text


async def test_the_log_exported_holds_the_events_of_the_scope_and_the_export_is_an_event(
    client: AsyncTestClient[Litestar], world: World
) -> None:
    answer = await client.get("/api/audit", params={"format": "csv"}, headers=world.auth("auditor"))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-disposition"] == 'attachment; filename="nhat-ky.csv"'
    header, *rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert header == ["Lúc", "Người làm", "Từ", "Việc", "Đối tượng", "Số đối tượng", "Trước", "Sau"]
    kept = {row[3] for row in rows}
    assert {"receipt.void", "drive.update"} <= kept
    assert "donor.merge" not in kept  # another district's
    void = next(row for row in rows if row[3] == "receipt.void")
    assert (void[2], void[5], void[7]) == ("10.0.0.7", "7", 'status: "void"; lý do: "Ghi nhầm"')

    sheet = openpyxl.load_workbook(
        io.BytesIO(
            (
                await client.get(
                    "/api/audit",
                    params={"format": "xlsx", "action": "receipt"},
                    headers=world.auth("auditor"),
                )
            ).content
        )
    ).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "NHẬT KÝ HOẠT ĐỘNG"
    below = values[next(index for index, row in enumerate(values) if row[0] == "Lúc") + 1 :]
    kinds = [row[3] for row in below if row[3]]
    assert "receipt.void" in kinds
    assert all(kind.startswith("receipt.") for kind in kinds)

    pdf = await client.get("/api/audit", params={"format": "pdf"}, headers=world.auth("auditor"))
    assert "NHẬT KÝ HOẠT ĐỘNG" in "".join(pdf_pages(pdf.content))

    exports = (
        await client.get("/api/audit", params={"action": "audit.export"}, headers=world.auth("auditor"))
    ).json()
    assert [event["after"]["format"] for event in exports["items"]] == ["pdf", "xlsx", "csv"]
    assert (
        await client.get("/api/audit", params={"format": "csv"}, headers=world.auth("coordinator"))
    ).status_code == 403
