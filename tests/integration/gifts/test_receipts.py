from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from charity.clock import local_today
from charity.db import Database
from charity.ledger.service import balances
from charity.models import AuditEvent, LedgerEntry, Receipt
from tests.gifts_world import GiftsWorld


async def _gift(
    client: AsyncTestClient[Litestar], world: GiftsWorld, who: str = "volunteer", **fields
) -> dict:
    response = await client.post("/api/donations", json=world.gift(**fields), headers=world.auth(who))
    assert response.status_code == 201, response.text
    return response.json()


async def test_voiding_keeps_the_number_and_reverses_the_gift(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database
) -> None:
    first = await _gift(
        client, world, items=[{"item_type_id": world.rice_id, "quantity": "10", "unit_value": 20_000}]
    )
    second = await _gift(client, world, cash={"amount": 300_000})
    receipt_id = first["receipt"]["id"]
    response = await client.post(
        f"/api/receipts/{receipt_id}/void",
        json={"reason": "  Ghi nhầm   số tiền "},
        headers=world.auth("coordinator"),
    )
    assert response.status_code == 200, response.text
    voided = response.json()
    assert (voided["status"], voided["seq"], voided["number"]) == ("void", 1, first["receipt"]["number"])
    assert voided["void_reason"] == "Ghi nhầm số tiền"
    assert voided["voided_at"]

    async with database.read() as session:
        held = {b.item_type_id: b for b in await balances(session, world.drive_id)}
        audited = (
            await session.execute(select(AuditEvent.action).where(AuditEvent.object_id == receipt_id))
        ).scalars()
    assert held[None].amount == 300_000  # the second gift's cash only
    assert held[world.rice_id].quantity == 0
    assert held[world.rice_id].amount == 0
    assert "receipt.void" in set(audited)

    again = await client.post(
        f"/api/receipts/{receipt_id}/void", json={"reason": "Lần nữa"}, headers=world.auth("coordinator")
    )
    assert again.status_code == 409
    third = await _gift(client, world)
    assert third["receipt"]["seq"] == 3  # the voided number is never reused
    assert second["receipt"]["seq"] == 2


async def test_a_void_needs_a_reason_and_a_coordinator(
    client: AsyncTestClient[Litestar], world: GiftsWorld
) -> None:
    receipt_id = (await _gift(client, world))["receipt"]["id"]
    blank = await client.post(
        f"/api/receipts/{receipt_id}/void", json={"reason": "  "}, headers=world.auth("coordinator")
    )
    assert blank.status_code == 422
    assert blank.json()["extra"]["field"] == "reason"
    volunteer = await client.post(
        f"/api/receipts/{receipt_id}/void", json={"reason": "Sai"}, headers=world.auth("volunteer")
    )
    assert volunteer.status_code == 403
    outsider = await client.post(
        f"/api/receipts/{receipt_id}/void", json={"reason": "Sai"}, headers=world.auth("outsider")
    )
    assert outsider.status_code == 404
    assert (await client.get(f"/api/receipts/{receipt_id}", headers=world.auth("coordinator"))).json()[
        "status"
    ] == "issued"


async def test_replace_voids_and_links_both_receipts(
    client: AsyncTestClient[Litestar], world: GiftsWorld
) -> None:
    old = (await _gift(client, world, cash={"amount": 50_000}))["receipt"]
    response = await client.post(
        f"/api/receipts/{old['id']}/replace",
        json={"reason": "Số tiền đúng là 500.000 đ", "gift": world.gift(cash={"amount": 500_000})},
        headers=world.auth("coordinator"),
    )
    assert response.status_code == 201, response.text
    new = response.json()["receipt"]
    assert new["seq"] == old["seq"] + 1
    old_now = (await client.get(f"/api/receipts/{old['id']}", headers=world.auth("coordinator"))).json()
    new_now = (await client.get(f"/api/receipts/{new['id']}", headers=world.auth("coordinator"))).json()
    assert old_now["status"] == "void"
    assert old_now["replaced_by_id"] == new["id"]
    assert new_now["replaces_id"] == old["id"]
    summary = (
        await client.get(f"/api/drives/{world.drive_id}/summary", headers=world.auth("coordinator"))
    ).json()
    assert summary["cash_total"] == 500_000
    assert (summary["receipts_issued"], summary["receipts_void"]) == (1, 1)
    twice = await client.post(
        f"/api/receipts/{old['id']}/replace",
        json={"reason": "Lại", "gift": world.gift()},
        headers=world.auth("coordinator"),
    )
    assert twice.status_code == 409


async def test_a_closed_book_issues_nothing_and_a_new_book_takes_over(
    client: AsyncTestClient[Litestar], world: GiftsWorld
) -> None:
    await _gift(client, world)
    coordinator = world.auth("coordinator")
    closed = await client.post(
        f"/api/receipt-books/{await _book_id(client, world)}/close", headers=coordinator
    )
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    refused = await client.post("/api/donations", json=world.gift(), headers=world.auth("volunteer"))
    assert refused.status_code == 409
    assert "quyển biên nhận" in refused.json()["detail"]
    opened = await client.post(
        "/api/receipt-books",
        json={"unit_id": world.unit_id, "year": local_today().year, "code": "02"},
        headers=coordinator,
    )
    assert opened.status_code == 201
    next_gift = (await _gift(client, world))["receipt"]
    assert (next_gift["book"], next_gift["seq"]) == ("02", 1)
    books = (await client.get("/api/receipt-books", headers=coordinator)).json()["items"]
    assert {(b["code"], b["status"], b["issued"]) for b in books} == {("01", "closed", 1), ("02", "open", 1)}


async def _book_id(client: AsyncTestClient[Litestar], world: GiftsWorld) -> int:
    books = (await client.get("/api/receipt-books", headers=world.auth("coordinator"))).json()["items"]
    return books[0]["id"]


async def test_receipts_are_listed_by_filter_and_volunteers_see_their_own(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database
) -> None:
    mine = [await _gift(client, world) for _ in range(3)]
    theirs = await _gift(client, world, who="coordinator", donor={"name": "Lê Thị Mỹ Hạnh"})
    await client.post(
        f"/api/receipts/{mine[0]['receipt']['id']}/void",
        json={"reason": "Trùng"},
        headers=world.auth("coordinator"),
    )
    everything = (await client.get("/api/receipts", headers=world.auth("auditor"))).json()
    assert [r["seq"] for r in everything["items"]] == [1, 2, 3, 4]
    volunteer = (await client.get("/api/receipts", headers=world.auth("volunteer"))).json()
    assert [r["seq"] for r in volunteer["items"]] == [1, 2, 3]
    assert (
        await client.get(f"/api/receipts/{theirs['receipt']['id']}", headers=world.auth("volunteer"))
    ).status_code == 404
    void = (await client.get("/api/receipts?status=void", headers=world.auth("coordinator"))).json()
    assert [r["seq"] for r in void["items"]] == [1]
    paged = (await client.get("/api/receipts?limit=2&offset=1", headers=world.auth("coordinator"))).json()
    assert ([r["seq"] for r in paged["items"]], paged["total"]) == ([2, 3], 4)
    by_donor = (
        await client.get(f"/api/receipts?donor_id={world.donor_id}", headers=world.auth("coordinator"))
    ).json()
    assert by_donor["total"] == 3
    today = local_today().isoformat()
    dated = (
        await client.get(f"/api/receipts?date_from={today}&date_to={today}", headers=world.auth("auditor"))
    ).json()
    assert dated["total"] == 4
    outsider = (await client.get("/api/receipts", headers=world.auth("outsider"))).json()
    assert outsider["total"] == 0


async def test_the_database_refuses_to_alter_or_delete_issued_records(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database
) -> None:
    items = [{"item_type_id": world.rice_id, "quantity": "5", "unit_value": 20_000}]
    receipt_id = (await _gift(client, world, items=items))["receipt"]["id"]
    statements = [
        f"UPDATE ledger_entry SET amount = amount + 1 WHERE receipt_id = {receipt_id}",
        f"DELETE FROM ledger_entry WHERE receipt_id = {receipt_id}",
        f"UPDATE receipt SET total_value = 1 WHERE id = {receipt_id}",
        f"UPDATE receipt SET seq = 99 WHERE id = {receipt_id}",
        f"DELETE FROM receipt WHERE id = {receipt_id}",
        "UPDATE donation SET cash_amount = 1",
        "DELETE FROM donation_item",
    ]
    for statement in statements:
        with pytest.raises(DBAPIError, match="append-only"):
            async with database.write() as session:
                await session.execute(text(statement))
    async with database.read() as session:
        assert (await session.execute(select(func.count()).select_from(LedgerEntry))).scalar_one() == 2
        assert (await session.get(Receipt, receipt_id)).total_value == 600_000
