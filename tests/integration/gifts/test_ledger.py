from __future__ import annotations

import re

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select, text

from charity.clock import local_today
from charity.db import Database
from charity.ledger.chain import HASHED_FIELDS, entry_hash
from charity.ledger.service import Posting, balances, post, verify_chain
from charity.models import AuditEvent, EntrySource, LedgerEntry
from tests.gifts_world import GiftsWorld


async def _gifts(client: AsyncTestClient[Litestar], world: GiftsWorld) -> list[dict]:
    bodies = [
        world.gift(cash={"amount": 1_250_000}),
        world.gift(
            cash=None, items=[{"item_type_id": world.rice_id, "quantity": "12.5", "unit_value": 18_000}]
        ),
        world.gift(cash={"amount": 300_000}, items=[{"item_type_id": world.rice_id, "quantity": "0.125"}]),
        world.gift(cash={"amount": 75_000, "method": "bank_transfer"}),
    ]
    receipts = []
    for body in bodies:
        response = await client.post("/api/donations", json=body, headers=world.auth("volunteer"))
        assert response.status_code == 201
        receipts.append(response.json()["receipt"])
    return receipts


async def test_balances_are_gifts_minus_voids(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database
) -> None:
    receipts = await _gifts(client, world)
    await client.post(
        f"/api/receipts/{receipts[2]['id']}/void",
        json={"reason": "Trùng biên nhận"},
        headers=world.auth("coordinator"),
    )
    async with database.read() as session:
        held = {b.item_type_id: b for b in await balances(session, world.drive_id)}
    assert held[None].amount == 1_250_000 + 75_000
    assert str(held[world.rice_id].quantity) in {"12.5", "12.500"}
    assert held[world.rice_id].amount == 225_000
    summary = (
        await client.get(f"/api/drives/{world.drive_id}/summary", headers=world.auth("auditor"))
    ).json()
    assert summary["cash_total"] == 1_325_000
    assert summary["goods_value"] == 225_000
    assert summary["total_value"] == 1_550_000
    assert (summary["receipts_issued"], summary["receipts_void"], summary["donors"]) == (3, 1, 1)
    assert summary["cash_progress"] == pytest.approx(0.1325)
    rice = summary["items"][0]
    assert (rice["name"], rice["target_quantity"], rice["progress"]) == ("Gạo", "1000.000", 0.0125)


async def test_the_chain_verifies(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database
) -> None:
    receipts = await _gifts(client, world)
    await client.post(
        f"/api/receipts/{receipts[0]['id']}/void", json={"reason": "Sai"}, headers=world.auth("coordinator")
    )
    async with database.read() as session:
        report = await verify_chain(session, world.drive_id)
    assert report.intact
    assert report.entries == 6  # 1 + 1 + 2 + 1 lines of gifts, and the reversal of the first


async def _tamper(database: Database, *statements: str) -> None:
    """What someone with direct database access could do after switching the append-only guard off."""
    async with database.write() as session:
        if database.is_sqlite:
            await session.execute(text("DROP TRIGGER ledger_entry_no_update"))
            await session.execute(text("DROP TRIGGER ledger_entry_no_delete"))
        else:
            await session.execute(text("ALTER TABLE ledger_entry DISABLE TRIGGER ledger_entry_append_only"))
        for statement in statements:
            await session.execute(text(statement))


@pytest.mark.parametrize(
    ("statement", "problem"),
    [
        ("UPDATE ledger_entry SET amount = 125000 WHERE chain_seq = 2", "sửa"),
        ("UPDATE ledger_entry SET memo = 'khác' WHERE chain_seq = 2", "sửa"),
        ("DELETE FROM ledger_entry WHERE chain_seq = 2", "thiếu"),
    ],
    ids=["amount-changed", "memo-changed", "entry-deleted"],
)
async def test_an_entry_altered_in_the_database_is_named(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database, statement: str, problem: str
) -> None:
    await _gifts(client, world)
    async with database.read() as session:
        second = (
            await session.execute(
                select(LedgerEntry).where(LedgerEntry.drive_id == world.drive_id, LedgerEntry.chain_seq == 2)
            )
        ).scalar_one()
        third_id = (
            await session.execute(
                select(LedgerEntry.id).where(
                    LedgerEntry.drive_id == world.drive_id, LedgerEntry.chain_seq == 3
                )
            )
        ).scalar_one()
    await _tamper(database, statement + f" AND drive_id = {world.drive_id}")
    async with database.read() as session:
        report = await verify_chain(session, world.drive_id)
    assert not report.intact
    assert problem in report.problem
    assert report.first_bad_id == (third_id if problem == "thiếu" else second.id)


async def test_an_entry_rewritten_with_a_fresh_hash_breaks_the_link_to_the_next(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database
) -> None:
    await _gifts(client, world)
    async with database.read() as session:
        second = (
            await session.execute(
                select(LedgerEntry).where(LedgerEntry.drive_id == world.drive_id, LedgerEntry.chain_seq == 2)
            )
        ).scalar_one()
    fields = {name: getattr(second, name) for name in HASHED_FIELDS} | {"amount": 1}
    forged = entry_hash(fields)
    await _tamper(database, f"UPDATE ledger_entry SET amount = 1, hash = '{forged}' WHERE id = {second.id}")
    async with database.read() as session:
        report = await verify_chain(session, world.drive_id)
    assert report.first_bad_seq == 3
    assert "không nối" in report.problem


async def test_entries_cut_from_the_end_of_the_chain_are_found(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database
) -> None:
    receipts = await _gifts(client, world)
    await client.post(
        f"/api/receipts/{receipts[0]['id']}/void", json={"reason": "Sai"}, headers=world.auth("coordinator")
    )
    await _tamper(database, f"DELETE FROM ledger_entry WHERE source = 'void' AND drive_id = {world.drive_id}")
    async with database.read() as session:
        report = await verify_chain(session, world.drive_id)
    assert not report.intact
    assert "đã bị xóa" in report.problem


async def test_an_auditor_checks_a_drives_ledger_and_the_check_is_audited(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database
) -> None:
    await _gifts(client, world)
    url = f"/api/drives/{world.drive_id}/ledger/verify"
    checked = await client.get(url, headers=world.auth("auditor"))
    assert checked.status_code == 200, checked.text
    body = checked.json()
    assert (body["intact"], body["entries"], body["head_matches"], body["problem"]) == (True, 5, True, None)
    assert (body["first"]["seq"], body["last"]["seq"], body["head_seq"]) == (1, 5, 5)
    assert body["last"]["hash"] == body["head_hash"]
    assert (await client.get(url, headers=world.auth("volunteer"))).status_code == 403
    assert (await client.get(url, headers=world.auth("outsider"))).status_code == 404
    async with database.read() as session:
        events = (
            await session.execute(
                select(AuditEvent.actor_id, AuditEvent.after).where(AuditEvent.action == "ledger.verify")
            )
        ).all()
    assert [(actor, after["intact"], after["entries"]) for actor, after in events] == [
        (world.users["auditor"], True, 5)
    ]

    await _tamper(
        database, f"UPDATE ledger_entry SET memo = 'khác' WHERE chain_seq = 2 AND drive_id = {world.drive_id}"
    )
    broken = (await client.get(url, headers=world.auth("coordinator"))).json()
    assert (broken["intact"], broken["head_matches"]) == (False, False)
    assert (broken["first_bad_seq"], broken["problem"]) == (2, "content_changed")
    assert "sửa" in broken["detail"]


async def test_an_untouched_chain_of_ten_thousand_entries_verifies(
    world: GiftsWorld, database: Database
) -> None:
    async with database.write() as session:
        await post(
            session,
            drive_id=world.drive_id,
            posted_on=local_today(),
            source=EntrySource.ADJUSTMENT,
            postings=[Posting(amount=1_000 + n, memo=f"Dòng {n}") for n in range(10_000)],
            receipt_id=None,
            user_id=None,
        )
    async with database.read() as session:
        report = await verify_chain(session, world.drive_id)
    assert (report.intact, report.head_matches, report.entries) == (True, True, 10_000)
    assert report.last is not None
    assert (report.last.seq, report.last.hash) == (report.head_seq, report.head_hash)


async def test_a_kept_printout_shows_a_chain_rewritten_since_even_when_it_verifies_again(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database
) -> None:
    await _gifts(client, world)
    exported = await client.get(
        f"/api/drives/{world.drive_id}/books/cash", params={"format": "csv"}, headers=world.auth("auditor")
    )
    foot = exported.content.decode("utf-8-sig").strip().splitlines()[-1]
    printed = re.search(r"dòng số (\d+), mã băm ([0-9a-f]{64})", foot)
    assert printed
    seq, printed_hash = int(printed.group(1)), printed.group(2)
    await _gifts(client, world)  # the book goes on after the printout
    url = f"/api/drives/{world.drive_id}/ledger/verify"

    async def compare(**query: object) -> dict:
        answer = await client.get(url, params=query, headers=world.auth("auditor"))
        assert answer.status_code == 200, answer.text
        return answer.json()

    kept = await compare(seq=seq, hash=printed_hash.upper())
    assert kept["printed"]["matches"] is True
    assert f"đến dòng {seq} không dòng nào bị viết lại" in kept["printed"]["detail"]
    beyond = await compare(seq=1000, hash=printed_hash)
    assert (beyond["printed"]["matches"], beyond["printed"]["detail"]) == (
        False,
        f"Sổ không có dòng số 1000: chỉ có {beyond['entries']} dòng.",
    )

    # Someone with the database rewrites line 2 and every hash after it, and the chain end on the
    # drive: the chain verifies again, but not against the printout.
    async with database.read() as session:
        entries = (
            await session.scalars(
                select(LedgerEntry)
                .where(LedgerEntry.drive_id == world.drive_id)
                .order_by(LedgerEntry.chain_seq)
            )
        ).all()
    statements, prev_hash = [], entries[0].hash
    for entry in entries[1:]:
        fields = {name: getattr(entry, name) for name in HASHED_FIELDS} | {"prev_hash": prev_hash}
        if entry.chain_seq == 2:
            fields["amount"] = entry.amount - 1_000
        prev_hash = entry_hash(fields)
        statements.append(
            f"UPDATE ledger_entry SET amount = {fields['amount']}, prev_hash = '{fields['prev_hash']}', "
            f"hash = '{prev_hash}' WHERE id = {entry.id}"
        )
    statements.append(f"UPDATE drive SET ledger_hash = '{prev_hash}' WHERE id = {world.drive_id}")
    await _tamper(database, *statements)
    rewritten = await compare(seq=seq, hash=printed_hash)
    assert rewritten["intact"] is True
    assert rewritten["printed"]["matches"] is False
    assert "sổ đã bị viết lại" in rewritten["printed"]["detail"]

    for query in ({"seq": seq}, {"hash": printed_hash}, {"seq": seq, "hash": "khong-phai-ma-bam"}):
        refused = await client.get(url, params=query, headers=world.auth("auditor"))
        assert refused.status_code == 422, query
