"""Concurrent requests that touch the same receipts, drives or idempotency keys: each answers as if it
ran alone (no deadlock, no 500, no duplicate), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

import asyncpg
import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, make_url, select

from charity.db import Database
from charity.ledger.service import verify_chain
from charity.models import Donation, DonationItem, Donor, LedgerEntry, Receipt
from tests.gifts_world import GiftsWorld, build_gifts_world


async def _receipt(client: httpx.AsyncClient, world: GiftsWorld, **fields: object) -> dict:
    response = await client.post("/api/donations", json=world.gift(**fields), headers=world.auth("volunteer"))
    assert response.status_code == 201, response.text
    return response.json()["receipt"]


async def test_a_replace_and_a_void_of_the_same_receipt(
    concurrent: httpx.AsyncClient, world: GiftsWorld, database: Database
) -> None:
    receipt = await _receipt(concurrent, world)
    coordinator = world.auth("coordinator")
    replace, void = await asyncio.gather(
        concurrent.post(
            f"/api/receipts/{receipt['id']}/replace",
            json={"reason": "Sai số tiền", "gift": world.gift(cash={"amount": 700_000})},
            headers=coordinator,
        ),
        concurrent.post(f"/api/receipts/{receipt['id']}/void", json={"reason": "Trùng"}, headers=coordinator),
    )
    assert sorted([replace.status_code, void.status_code]) in ([200, 409], [201, 409])
    async with database.read() as session:
        assert (await verify_chain(session, world.drive_id)).intact


async def test_two_batches_printing_the_same_receipts_in_opposite_orders(
    concurrent: httpx.AsyncClient, world: GiftsWorld
) -> None:
    first, second = await _receipt(concurrent, world), await _receipt(concurrent, world)
    coordinator = world.auth("coordinator")
    one, other = await asyncio.gather(
        concurrent.post(
            "/api/receipts/print", json={"ids": [first["id"], second["id"]]}, headers=coordinator
        ),
        concurrent.post(
            "/api/receipts/print", json={"ids": [second["id"], first["id"]]}, headers=coordinator
        ),
    )
    assert (one.status_code, other.status_code) == (200, 200)


async def test_a_void_with_the_longest_reason(client: AsyncTestClient[Litestar], world: GiftsWorld) -> None:
    receipt = await _receipt(client, world)
    response = await client.post(
        f"/api/receipts/{receipt['id']}/void",
        json={"reason": "Lý do " * 83 + "xx"},
        headers=world.auth("coordinator"),
    )
    assert response.status_code == 200, response.text
    assert len(response.json()["void_reason"]) == 500


async def test_twin_requests_with_one_key_and_a_new_donor_record_one_gift_and_one_donor(
    concurrent: httpx.AsyncClient, world: GiftsWorld, database: Database
) -> None:
    body = world.gift(donor={"name": "Trần Văn Đức", "phone": "0918274615"})
    headers = world.auth("volunteer") | {"Idempotency-Key": "twin-0001"}
    answers = await asyncio.gather(
        *(concurrent.post("/api/donations", json=body, headers=headers) for _ in range(4))
    )
    assert sorted(answer.status_code for answer in answers) == [200, 200, 200, 201]
    assert len({answer.json()["receipt"]["id"] for answer in answers}) == 1
    async with database.read() as session:
        donations = (await session.execute(select(func.count()).select_from(Donation))).scalar_one()
        named = (
            await session.execute(select(func.count()).select_from(Donor).where(Donor.name == "Trần Văn Đức"))
        ).scalar_one()
    assert (donations, named) == (1, 1)


async def test_twin_requests_with_one_key_for_a_known_donor_record_one_gift(
    concurrent: httpx.AsyncClient, world: GiftsWorld, database: Database
) -> None:
    # The book is open already, so every twin goes as far as inserting its donation.
    assert (
        await concurrent.post("/api/donations", json=world.gift(), headers=world.auth("volunteer"))
    ).status_code == 201
    headers = world.auth("volunteer") | {"Idempotency-Key": "twin-0002"}
    body = world.gift(items=[{"item_type_id": world.rice_id, "quantity": "2", "unit_value": 18_000}] * 2)
    answers = await asyncio.gather(
        *(concurrent.post("/api/donations", json=body, headers=headers) for _ in range(4))
    )
    assert sorted(answer.status_code for answer in answers) == [200, 200, 200, 201]
    assert len({answer.json()["receipt"]["id"] for answer in answers}) == 1
    async with database.read() as session:
        counts = [
            (await session.execute(select(func.count()).select_from(model))).scalar_one()
            for model in (Donation, DonationItem, Receipt, LedgerEntry)
        ]
    assert counts == [2, 2, 2, 4]


async def test_twins_on_both_ways_of_writing_a_gift_do_not_wait_on_each_other(
    concurrent: httpx.AsyncClient, world: GiftsWorld, database: Database
) -> None:
    """Twins with one key where one adds a donor and the other names a known donor: neither waits for
    the other while holding what it waits for (no deadlock). One is recorded, the other refused, as
    the key was used for another body."""
    assert (
        await concurrent.post("/api/donations", json=world.gift(), headers=world.auth("volunteer"))
    ).status_code == 201
    bodies = [world.gift(donor={"name": "Trần Văn Đức", "phone": "0918274615"}), world.gift()]
    pairs = 16

    async def twins(n: int) -> list[int]:
        headers = world.auth("volunteer") | {"Idempotency-Key": f"mixed-{n}"}
        answers = await asyncio.gather(
            *(concurrent.post("/api/donations", json=body, headers=headers) for body in bodies)
        )
        return sorted(answer.status_code for answer in answers)

    outcomes = await asyncio.gather(*(twins(n) for n in range(pairs)))
    assert outcomes == [[201, 409]] * pairs
    async with database.read() as session:
        receipts = (await session.execute(select(func.count()).select_from(Receipt))).scalar_one()
    assert receipts == 1 + pairs


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)  # SQLite runs one writer at a time
async def test_a_gift_waiting_for_its_number_is_refused_when_its_drive_closes_meanwhile(
    concurrent: httpx.AsyncClient, world: GiftsWorld, database_url: str
) -> None:
    assert (
        await concurrent.post("/api/donations", json=world.gift(), headers=world.auth("volunteer"))
    ).status_code == 201
    other_gift = await asyncpg.connect(
        make_url(database_url).set(drivername="postgresql").render_as_string(False)
    )
    try:
        # Another gift of the unit holds the book's row while this one checks its drive and waits.
        async with other_gift.transaction():
            await other_gift.execute("SELECT id FROM receipt_book FOR NO KEY UPDATE")
            waiting = asyncio.create_task(
                concurrent.post("/api/donations", json=world.gift(), headers=world.auth("volunteer"))
            )
            await asyncio.sleep(0.5)
            closed = await concurrent.post(
                f"/api/drives/{world.drive_id}/close", headers=world.auth("coordinator")
            )
            assert closed.status_code == 200
    finally:
        await other_gift.close()
    answer = await waiting
    assert answer.status_code == 422
    assert "không đang nhận đóng góp" in answer.json()["detail"]


async def test_the_chain_verifies_while_gifts_are_posted(
    concurrent: httpx.AsyncClient, database: Database
) -> None:
    world = await build_gifts_world(database, volunteers=4)
    stop = asyncio.Event()

    async def intake(who: str) -> None:
        while not stop.is_set():
            assert (
                await concurrent.post("/api/donations", json=world.gift(), headers=world.auth(who))
            ).status_code == 201

    volunteers = [asyncio.create_task(intake(f"volunteer{n}" if n else "volunteer")) for n in range(4)]
    reports = []
    for _ in range(30):
        async with database.read() as session:
            reports.append(await verify_chain(session, world.drive_id))
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.gather(*volunteers)
    assert [report.problem for report in reports if not report.intact] == []
    assert reports[-1].entries > reports[0].entries
