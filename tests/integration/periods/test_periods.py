"""Closed periods through the HTTP API: a closed month refuses every posting dated inside it (gifts,
voids and replacements), only an administrator reopens it with a reason, and both are audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from charity.db import Database
from charity.models import AuditEvent, Donation, LedgerEntry, Receipt, ReceiptStatus
from tests import factories
from tests.gifts_world import GiftsWorld
from tests.integration.periods.conftest import Clock

UNIT_NAME = "Hội Phụ nữ xã Hòa Khánh Tây"
REFUSED_NOVEMBER = (
    f"Tháng 11/2026 của {UNIT_NAME} đã khóa sổ: không thể ghi, hủy hay thay thế biên nhận có ngày trong"
    " kỳ này."
)


async def _close(
    client: AsyncTestClient[Litestar], world: GiftsWorld, month: str, who: str = "coordinator", **body: Any
) -> Any:
    return await client.post(
        "/api/periods", json={"unit_id": world.unit_id, "month": month} | body, headers=world.auth(who)
    )


async def _gift(client: AsyncTestClient[Litestar], world: GiftsWorld, received_on: str) -> Any:
    return await client.post(
        "/api/donations", json=world.gift(received_on=received_on), headers=world.auth("volunteer")
    )


async def _counts(database: Database) -> list[int]:
    async with database.read() as session:
        return [
            (await session.execute(select(func.count()).select_from(model))).scalar_one()
            for model in (Donation, Receipt, LedgerEntry)
        ]


def _refused_november(response: Any) -> dict[str, Any]:
    assert response.status_code == 409, response.text
    body = response.json()
    assert body["code"] == "period_closed"
    assert body["detail"] == REFUSED_NOVEMBER
    return body


async def test_a_gift_dated_in_a_closed_month_is_refused_and_nothing_is_recorded(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database
) -> None:
    closed = await _close(client, world, "2026-11")
    assert closed.status_code == 201, closed.text
    period = closed.json()
    assert (period["unit_id"], period["unit_name"], period["month"]) == (world.unit_id, UNIT_NAME, "2026-11")
    assert period["closed_by"] == world.users["coordinator"]
    assert period["reopened_at"] is None

    body = _refused_november(await _gift(client, world, "2026-11-20"))
    assert body["extra"] == {"period_id": period["id"], "unit_id": world.unit_id, "month": "2026-11"}
    assert await _counts(database) == [0, 0, 0]
    # The first and last days around it are other months.
    assert (await _gift(client, world, "2026-10-31")).status_code == 201
    assert (await _gift(client, world, "2026-12-01")).status_code == 201
    _refused_november(await _gift(client, world, "2026-11-30"))
    _refused_november(await _gift(client, world, "2026-11-01"))
    assert await _counts(database) == [2, 2, 2]


async def test_a_void_and_a_replace_on_a_day_of_a_closed_month_are_refused(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database, vietnam_clock: Clock
) -> None:
    vietnam_clock.set(2026, 11, 30, 23, 0)
    gift = await _gift(client, world, "2026-11-30")
    assert gift.status_code == 201, gift.text
    receipt_id = gift.json()["receipt"]["id"]
    vietnam_clock.set(2026, 12, 1, 0, 30)
    assert (await _close(client, world, "2026-11")).status_code == 201
    # Back on the last evening of November: a void or a replacement would post on that day.
    vietnam_clock.set(2026, 11, 30, 23, 30)
    before = await _counts(database)
    coordinator = world.auth("coordinator")
    _refused_november(
        await client.post(
            f"/api/receipts/{receipt_id}/void", json={"reason": "Ghi nhầm"}, headers=coordinator
        )
    )
    _refused_november(
        await client.post(
            f"/api/receipts/{receipt_id}/replace",
            json={
                "reason": "Sai số tiền",
                "gift": world.gift(received_on="2026-10-15", cash={"amount": 700_000}),
            },
            headers=coordinator,
        )
    )
    assert await _counts(database) == before
    async with database.read() as session:
        receipt = await session.get_one(Receipt, receipt_id)
    assert receipt.status == ReceiptStatus.ISSUED

    # In December the same receipt is voided: its reversal posts in December, which is open.
    vietnam_clock.set(2026, 12, 2, 8, 0)
    voided = await client.post(
        f"/api/receipts/{receipt_id}/void", json={"reason": "Ghi nhầm"}, headers=coordinator
    )
    assert voided.status_code == 200, voided.text


async def test_an_administrator_reopens_with_a_reason_and_the_month_takes_gifts_again(
    client: AsyncTestClient[Litestar], world: GiftsWorld
) -> None:
    period = (await _close(client, world, "2026-11")).json()
    reopen = f"/api/periods/{period['id']}/reopen"
    refused = await client.post(reopen, json={"reason": "   "}, headers=world.auth("admin"))
    assert refused.status_code == 422
    assert refused.json()["detail"] == "Cần ghi lý do mở lại kỳ đã khóa sổ."
    missing = await client.post(reopen, json={}, headers=world.auth("admin"))
    assert missing.status_code == 422
    for who in ("coordinator", "auditor", "volunteer"):
        assert (
            await client.post(reopen, json={"reason": "Sửa sai"}, headers=world.auth(who))
        ).status_code == 403
    _refused_november(await _gift(client, world, "2026-11-20"))

    reopened = await client.post(
        reopen, json={"reason": "  Bổ sung biên nhận  bị sót "}, headers=world.auth("admin")
    )
    assert reopened.status_code == 200, reopened.text
    body = reopened.json()
    assert (body["reopened_by"], body["reopen_reason"]) == (world.users["admin"], "Bổ sung biên nhận bị sót")
    assert body["reopened_at"]
    assert (await _gift(client, world, "2026-11-20")).status_code == 201
    assert (
        await client.post(reopen, json={"reason": "Lần nữa"}, headers=world.auth("admin"))
    ).status_code == 409

    # Closed again, as a new period; the reopened one stays as history.
    again = await _close(client, world, "2026-11")
    assert again.status_code == 201, again.text
    assert again.json()["id"] != period["id"]
    _refused_november(await _gift(client, world, "2026-11-21"))
    listed = (await client.get("/api/periods", headers=world.auth("coordinator"))).json()
    assert listed["total"] == 2
    assert [(item["id"], item["reopened_at"] is None) for item in listed["items"]] == [
        (again.json()["id"], True),
        (period["id"], False),
    ]


async def test_who_may_close_a_month(client: AsyncTestClient[Litestar], world: GiftsWorld) -> None:
    assert (await _close(client, world, "2026-11", who="auditor")).status_code == 403
    assert (await _close(client, world, "2026-11", who="volunteer")).status_code == 403
    # A coordinator of another unit does not see this one.
    assert (await _close(client, world, "2026-11", who="outsider")).status_code == 404
    admin = await _close(client, world, "2026-10", who="admin")
    assert admin.status_code == 201, admin.text
    assert admin.json()["closed_by"] == world.users["admin"]


async def test_a_month_is_closed_only_once_it_has_ended(
    client: AsyncTestClient[Litestar], world: GiftsWorld
) -> None:
    current = await _close(client, world, "2026-12")
    assert current.status_code == 422
    assert current.json()["detail"] == (
        "Tháng 12/2026 chưa kết thúc (hôm nay là 10/12/2026): chỉ khóa sổ được tháng đã qua."
    )
    assert (await _close(client, world, "2027-03")).status_code == 422
    for wrong in ("2026-13", "2026-00", "1999-12", "11/2026", "2026-1", ""):
        answer = await _close(client, world, wrong)
        assert answer.status_code == 422, wrong
    assert (await _close(client, world, "2026-11")).status_code == 201


async def test_closing_a_month_twice_answers_409(
    client: AsyncTestClient[Litestar], world: GiftsWorld
) -> None:
    assert (await _close(client, world, "2026-11")).status_code == 201
    twice = await _close(client, world, "2026-11", who="admin")
    assert twice.status_code == 409
    assert twice.json()["detail"] == f"Tháng 11/2026 của {UNIT_NAME} đã khóa sổ rồi."


async def test_closing_and_reopening_are_audit_events(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database
) -> None:
    period = (await _close(client, world, "2026-11")).json()
    await client.post(
        f"/api/periods/{period['id']}/reopen", json={"reason": "Bổ sung"}, headers=world.auth("admin")
    )
    async with database.read() as session:
        events = (
            await session.execute(
                select(AuditEvent).where(AuditEvent.object_type == "period").order_by(AuditEvent.id)
            )
        ).scalars()
        seen = [
            (event.action, event.actor_id, event.object_id, event.unit_id, event.before, event.after)
            for event in events
        ]
    assert seen == [
        (
            "period.close",
            world.users["coordinator"],
            period["id"],
            world.unit_id,
            {"month": "2026-11", "closed": False},
            {"month": "2026-11", "closed": True},
        ),
        (
            "period.reopen",
            world.users["admin"],
            period["id"],
            world.unit_id,
            {"month": "2026-11", "closed": True},
            {"month": "2026-11", "closed": False, "reason": "Bổ sung"},
        ),
    ]
    # The auditor of the unit reads both in the log.
    log = await client.get("/api/audit?object=period", headers=world.auth("auditor"))
    assert [event["action"] for event in log.json()["items"]] == ["period.reopen", "period.close"]


async def test_a_closed_month_covers_the_drives_of_its_unit_only(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database
) -> None:
    async with database.write() as session:
        branch = await factories.unit(session, code="HKT-CH1", name="Chi hội ấp 1", parent_id=world.unit_id)
        drive = await factories.drive(
            session, branch.id, name="Quỹ chi hội", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31)
        )
        branch_id, drive_id = branch.id, drive.id
    assert (await _close(client, world, "2026-11")).status_code == 201
    below = await client.post(
        "/api/donations",
        json=world.gift(drive_id=drive_id, received_on="2026-11-20", donor={"name": "Lê Văn Tám"}),
        headers=world.auth("volunteer"),
    )
    assert below.status_code == 201, below.text
    # The coordinator of the unit above closes the branch's own month.
    assert (
        await client.post(
            "/api/periods", json={"unit_id": branch_id, "month": "2026-11"}, headers=world.auth("coordinator")
        )
    ).status_code == 201
    refused = await client.post(
        "/api/donations",
        json=world.gift(drive_id=drive_id, received_on="2026-11-21", donor={"name": "Lê Văn Chín"}),
        headers=world.auth("volunteer"),
    )
    assert refused.status_code == 409
    assert refused.json()["detail"].startswith("Tháng 11/2026 của Chi hội ấp 1 đã khóa sổ")


async def test_periods_are_listed_in_the_callers_scope_and_paged(
    client: AsyncTestClient[Litestar], world: GiftsWorld
) -> None:
    for month in ("2026-09", "2026-10", "2026-11"):
        assert (await _close(client, world, month)).status_code == 201
    first = await client.get("/api/periods?limit=2", headers=world.auth("auditor"))
    assert first.status_code == 200
    body = first.json()
    assert (body["total"], body["limit"], body["offset"]) == (3, 2, 0)
    assert [item["month"] for item in body["items"]] == ["2026-11", "2026-10"]
    rest = (await client.get("/api/periods?limit=2&offset=2", headers=world.auth("auditor"))).json()
    assert [item["month"] for item in rest["items"]] == ["2026-09"]
    assert (await client.get("/api/periods", headers=world.auth("admin"))).json()["total"] == 3
    filtered = await client.get(f"/api/periods?unit_id={world.other_unit_id}", headers=world.auth("admin"))
    assert filtered.json()["total"] == 0
    assert (await client.get("/api/periods", headers=world.auth("outsider"))).json()["total"] == 0
    assert (await client.get("/api/periods", headers=world.auth("volunteer"))).status_code == 403
