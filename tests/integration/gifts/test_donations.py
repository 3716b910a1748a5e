from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select, update

from charity.clock import local_today
from charity.db import Database
from charity.ledger.service import verify_chain
from charity.models import AuditEvent, Donation, DonationItem, Donor, Drive, LedgerEntry, Receipt, ReceiptBook
from tests.gifts_world import GiftsWorld

COUNTED = (Donation, DonationItem, Receipt, LedgerEntry, Donor, ReceiptBook, AuditEvent)


async def _counts(database: Database) -> dict[str, int]:
    async with database.read() as session:
        return {
            model.__name__: (await session.execute(select(func.count()).select_from(model))).scalar_one()
            for model in COUNTED
        }


async def test_a_cash_gift_gets_the_first_number_of_the_units_default_book(
    client: AsyncTestClient[Litestar], world: GiftsWorld
) -> None:
    response = await client.post("/api/donations", json=world.gift(), headers=world.auth("volunteer"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["cash"] == {"amount": 500_000, "method": "cash", "reference": ""}
    assert body["donor_id"] == world.donor_id
    receipt = body["receipt"]
    year = local_today().year
    assert receipt == {
        "id": receipt["id"],
        "book": "01",
        "seq": 1,
        "number": f"01-{year}/00001",
        "status": "issued",
        "total_value": 500_000,
    }
    second = (await client.post("/api/donations", json=world.gift(), headers=world.auth("volunteer"))).json()
    assert second["receipt"]["seq"] == 2


async def test_goods_are_valued_half_up_and_a_new_donor_is_created_in_the_drives_unit(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database
) -> None:
    gift = world.gift(
        donor={"name": "  Trần  Văn Đức ", "phone": "+84 918 274 615", "address": "Ấp Bàu Công"},
        cash=None,
        items=[{"item_type_id": world.rice_id, "quantity": "2.5", "unit_value": 18_001}],
    )
    response = await client.post("/api/donations", json=gift, headers=world.auth("volunteer"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["items"][0]["value"] == 45_003  # 2.5 × 18 001 = 45 002.5, rounded half up
    assert body["receipt"]["total_value"] == 45_003
    async with database.read() as session:
        donor = await session.get(Donor, body["donor_id"])
    assert (donor.name, donor.phone, donor.unit_id) == ("Trần Văn Đức", "0918274615", world.unit_id)


async def test_every_goods_line_is_kept_in_order_with_its_entry(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database
) -> None:
    """The unit's first gift opens its book; later gifts take a number in the same statement that
    records them: both keep every line."""
    lines = [
        {"item_type_id": world.rice_id, "quantity": "10", "unit_value": 18_000},
        {"item_type_id": world.rice_id, "quantity": "0.125", "unit_value": 21_000},
        {"item_type_id": world.rice_id, "quantity": "3.5", "unit_value": 0},
    ]
    for seq in (1, 2):
        response = await client.post(
            "/api/donations", json=world.gift(items=lines), headers=world.auth("volunteer")
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["receipt"]["seq"] == seq
        assert [item["value"] for item in body["items"]] == [180_000, 2_625, 0]
        assert body["receipt"]["total_value"] == 500_000 + 182_625
        async with database.read() as session:
            stored = (
                await session.execute(
                    select(DonationItem.quantity, DonationItem.value)
                    .where(DonationItem.donation_id == body["id"])
                    .order_by(DonationItem.id)
                )
            ).all()
            entries = (
                await session.execute(
                    select(LedgerEntry.amount)
                    .where(LedgerEntry.receipt_id == body["receipt"]["id"])
                    .order_by(LedgerEntry.chain_seq)
                )
            ).scalars()
            assert [(str(quantity), value) for quantity, value in stored] == [
                ("10.000", 180_000),
                ("0.125", 2_625),
                ("3.500", 0),
            ]
            assert list(entries) == [500_000, 180_000, 2_625, 0]
            assert (await verify_chain(session, world.drive_id)).intact


async def test_an_anonymous_gift_needs_no_donor(client: AsyncTestClient[Litestar], world: GiftsWorld) -> None:
    response = await client.post(
        "/api/donations", json=world.gift(donor=None, anonymous=True), headers=world.auth("volunteer")
    )
    assert response.status_code == 201
    assert response.json()["donor_id"] is None
    assert response.json()["anonymous"] is True


async def test_a_retry_with_the_same_idempotency_key_issues_nothing_new(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database
) -> None:
    headers = world.auth("volunteer") | {"Idempotency-Key": "phone-7f3a-0001"}
    rice = [{"item_type_id": world.rice_id, "quantity": "2.5", "unit_value": 18_000}]
    first = await client.post(
        "/api/donations", json=world.gift(items=rice, note="  Gạo   nếp "), headers=headers
    )
    before = await _counts(database)
    retry = await client.post(
        "/api/donations", json=world.gift(items=rice, note="  Gạo   nếp "), headers=headers
    )
    assert first.status_code == 201
    assert retry.status_code == 200
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.json() == first.json()
    assert await _counts(database) == before

    different = await client.post(
        "/api/donations", json=world.gift(cash={"amount": 600_000}), headers=headers
    )
    assert different.status_code == 409
    assert "Idempotency-Key" in different.json()["detail"]
    assert await _counts(database) == before
    # Keys belong to the user who sent them.
    other = await client.post(
        "/api/donations",
        json=world.gift(),
        headers=world.auth("coordinator") | {"Idempotency-Key": "phone-7f3a-0001"},
    )
    assert other.status_code == 201
    assert other.json()["receipt"]["seq"] == 2


def _bad_gifts(world: GiftsWorld) -> list[tuple[str, dict[str, Any], int, str]]:
    today = local_today()
    rice = world.rice_id
    return [
        ("future-date", world.gift(received_on=(today + timedelta(days=1)).isoformat()), 422, "received_on"),
        ("before-window", world.gift(received_on=f"{today.year - 1}-12-31"), 422, "received_on"),
        ("zero-amount", world.gift(cash={"amount": 0}), 422, "cash.amount"),
        ("negative-amount", world.gift(cash={"amount": -5000}), 422, "cash.amount"),
        ("fraction-of-a-dong", world.gift(cash={"amount": 1000.5}), 422, "cash.amount"),
        ("amount-as-text", world.gift(cash={"amount": "500000"}), 422, "cash.amount"),
        ("amount-too-large", world.gift(cash={"amount": 10**13 + 1}), 422, "cash.amount"),
        ("unknown-method", world.gift(cash={"amount": 1000, "method": "cheque"}), 422, "cash.method"),
        ("nothing-given", world.gift(cash=None, items=[]), 422, "cash"),
        (
            "goods-not-accepted",
            world.gift(items=[{"item_type_id": world.notebook_id, "quantity": 10}]),
            422,
            "items[0].item_type_id",
        ),
        (
            "zero-quantity",
            world.gift(items=[{"item_type_id": rice, "quantity": 0}]),
            422,
            "items[0].quantity",
        ),
        (
            "negative-quantity",
            world.gift(items=[{"item_type_id": rice, "quantity": "-3"}]),
            422,
            "items[0].quantity",
        ),
        (
            "four-decimals",
            world.gift(items=[{"item_type_id": rice, "quantity": "1.2345"}]),
            422,
            "items[0].quantity",
        ),
        (
            "nan-quantity",
            world.gift(items=[{"item_type_id": rice, "quantity": "NaN"}]),
            422,
            "items[0].quantity",
        ),
        (
            "negative-unit-value",
            world.gift(items=[{"item_type_id": rice, "quantity": 1, "unit_value": -1}]),
            422,
            "items[0].unit_value",
        ),
        ("no-donor", world.gift(donor=None), 422, "donor"),
        ("donor-without-name", world.gift(donor={"phone": "0903000111"}), 422, "donor.name"),
        ("donor-name-too-long", world.gift(donor={"name": "A" * 201}), 422, "donor.name"),
        ("bad-phone", world.gift(donor={"name": "Lê Văn Tám", "phone": "12345"}), 422, "donor.phone"),
        ("bad-email", world.gift(donor={"name": "Lê Văn Tám", "email": "tam@"}), 422, "donor.email"),
        ("note-too-long", world.gift(note="x" * 501), 422, "note"),
        ("unknown-field", world.gift(tip=5), 422, "tip"),
        ("unknown-donor", world.gift(donor={"id": 999_999}), 404, "donor"),
        ("drive-of-another-unit", world.gift(drive_id=world.other_drive_id), 404, ""),
        ("missing-date", {k: v for k, v in world.gift().items() if k != "received_on"}, 422, "received_on"),
        ("drive-id-past-any-key", world.gift(drive_id=2**31), 422, "drive_id"),
        (
            "item-type-id-past-any-key",
            world.gift(items=[{"item_type_id": 2**31, "quantity": 1}]),
            422,
            "items",
        ),
        ("nul-in-note", world.gift(note="Gạo\x00nếp"), 422, "note"),
    ]


@pytest.mark.parametrize("index", range(28))
async def test_every_bad_gift_is_refused_with_a_message_and_writes_nothing(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database, index: int
) -> None:
    name, body, status, field = _bad_gifts(world)[index]
    before = await _counts(database)
    response = await client.post("/api/donations", json=body, headers=world.auth("volunteer"))
    assert response.status_code == status, (name, response.text)
    payload = response.json()
    assert payload["detail"], name
    if field:
        assert field in str(payload.get("extra")), (name, payload)
    assert await _counts(database) == before, name


def test_the_bad_gift_table_is_complete() -> None:
    assert len(_bad_gifts(GiftsWorld())) == 28


@pytest.mark.parametrize("status", ["draft", "closed"])
async def test_a_drive_that_is_not_open_takes_no_gifts(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database, status: str
) -> None:
    async with database.write() as session:
        await session.execute(update(Drive).where(Drive.id == world.drive_id).values(status=status))
    before = await _counts(database)
    response = await client.post("/api/donations", json=world.gift(), headers=world.auth("volunteer"))
    assert response.status_code == 422
    assert "không đang nhận đóng góp" in response.json()["detail"]
    assert await _counts(database) == before


async def test_auditors_and_admins_do_not_record_gifts(
    client: AsyncTestClient[Litestar], world: GiftsWorld
) -> None:
    response = await client.post("/api/donations", json=world.gift(), headers=world.auth("auditor"))
    assert response.status_code == 403
