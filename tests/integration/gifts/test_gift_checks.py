"""A gift that may be a mistake: an amount above the unit's threshold, or the gift just recorded sent
again. Both are refused with a code until the caller confirms; a transfer keeps its bank reference."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from charity import clock
from charity.db import Database
from tests.gifts_world import GiftsWorld
from tests.integration.gifts.test_donations import _counts

LARGE = 5_000_000_000_000


async def _post(client: AsyncTestClient[Litestar], world: GiftsWorld, **fields: object) -> tuple[int, dict]:
    response = await client.post(
        "/api/donations",
        json=world.gift(**{"confirm_duplicate": False, **fields}),
        headers=world.auth("volunteer"),
    )
    return response.status_code, response.json()


async def test_a_gift_above_the_units_threshold_is_refused_until_confirmed(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database
) -> None:
    before = await _counts(database)
    status, body = await _post(client, world, cash={"amount": LARGE})
    assert status == 422
    assert body["code"] == "large_amount"
    assert body["extra"] == {
        "field": "cash.amount",
        "amount": LARGE,
        "amount_in_words": "Năm nghìn tỷ đồng",
        "threshold": 100_000_000,
    }
    assert "5.000.000.000.000 đ" in body["detail"]
    assert "100.000.000 đ" in body["detail"]
    assert await _counts(database) == before

    status, body = await _post(client, world, cash={"amount": LARGE}, confirm_large=True)
    assert status == 201, body
    assert body["receipt"]["total_value"] == LARGE


async def test_the_threshold_counts_valued_goods_and_is_the_units_own(
    client: AsyncTestClient[Litestar], world: GiftsWorld
) -> None:
    # 100.000.000 đ exactly is not above the threshold; a kilogram of rice more is.
    assert (await _post(client, world, cash={"amount": 100_000_000}))[0] == 201
    rice = [{"item_type_id": world.rice_id, "quantity": "1", "unit_value": 18_000}]
    status, body = await _post(client, world, cash={"amount": 99_990_000}, items=rice)
    assert (status, body["code"], body["extra"]["amount"]) == (422, "large_amount", 100_008_000)

    changed = await client.patch(
        f"/api/units/{world.unit_id}", json={"large_gift_threshold": 1_000_000}, headers=world.auth("admin")
    )
    assert changed.status_code == 200, changed.text
    status, body = await _post(client, world, cash={"amount": 2_000_000})
    assert (status, body["code"], body["extra"]["threshold"]) == (422, "large_amount", 1_000_000)
    assert body["extra"]["amount_in_words"] == "Hai triệu đồng"
    # The other unit keeps the default.
    elsewhere = world.gift(
        drive_id=world.other_drive_id, donor=None, anonymous=True, cash={"amount": 2_000_000}
    )
    assert (
        await client.post("/api/donations", json=elsewhere, headers=world.auth("outsider"))
    ).status_code == 201


async def test_an_amount_over_the_hard_limit_says_the_limit(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database
) -> None:
    before = await _counts(database)
    status, body = await _post(client, world, cash={"amount": 10**13 + 1}, confirm_large=True)
    assert status == 422
    assert body["detail"] == "Số tiền quá lớn: tối đa 10.000 tỷ đồng."
    rice = [{"item_type_id": world.rice_id, "quantity": "1", "unit_value": 10**13}]
    status, body = await _post(client, world, cash={"amount": 1}, items=rice, confirm_large=True)
    assert status == 422
    assert body["detail"] == "Tổng giá trị biên nhận quá lớn: tối đa 10.000 tỷ đồng."
    assert await _counts(database) == before


async def test_the_same_gift_again_within_ten_minutes_names_the_first_receipt(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database
) -> None:
    status, first = await _post(client, world)
    assert status == 201
    before = await _counts(database)
    status, body = await _post(client, world)
    assert status == 409
    assert body["code"] == "possible_duplicate"
    assert body["extra"] == {
        "receipt_id": first["receipt"]["id"],
        "receipt_number": first["receipt"]["number"],
    }
    assert first["receipt"]["number"] in body["detail"]
    assert await _counts(database) == before

    status, second = await _post(client, world, confirm_duplicate=True)
    assert status == 201
    assert second["receipt"]["seq"] == first["receipt"]["seq"] + 1
    # Another amount, or another user, is another gift.
    assert (await _post(client, world, cash={"amount": 400_000}))[0] == 201
    other = await client.post(
        "/api/donations", json=world.gift(confirm_duplicate=False), headers=world.auth("coordinator")
    )
    assert other.status_code == 201


async def test_a_new_donor_typed_again_is_the_same_donor(
    client: AsyncTestClient[Litestar], world: GiftsWorld
) -> None:
    donor = {"name": "Trần Văn Đức", "phone": "0918 274 615"}
    status, first = await _post(client, world, donor=donor)
    assert status == 201
    status, body = await _post(client, world, donor={"name": " Trần  Văn Đức", "phone": "+84918274615"})
    assert (status, body["code"]) == (409, "possible_duplicate")
    assert body["extra"]["receipt_id"] == first["receipt"]["id"]
    # Same name, another phone: another person.
    assert (await _post(client, world, donor={"name": "Trần Văn Đức", "phone": "0918000111"}))[0] == 201


async def test_anonymous_gifts_are_never_taken_for_duplicates(
    client: AsyncTestClient[Litestar], world: GiftsWorld
) -> None:
    for _ in range(2):
        assert (await _post(client, world, donor=None, anonymous=True))[0] == 201


async def test_a_voided_receipt_is_no_duplicate(client: AsyncTestClient[Litestar], world: GiftsWorld) -> None:
    status, first = await _post(client, world)
    assert status == 201
    voided = await client.post(
        f"/api/receipts/{first['receipt']['id']}/void",
        json={"reason": "Ghi nhầm nhà hảo tâm"},
        headers=world.auth("coordinator"),
    )
    assert voided.status_code == 200, voided.text
    assert (await _post(client, world))[0] == 201


async def test_after_ten_minutes_the_same_gift_is_another_gift(
    client: AsyncTestClient[Litestar], world: GiftsWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (await _post(client, world))[0] == 201
    later = clock.now() + timedelta(minutes=10, seconds=1)

    def ten_minutes_on() -> datetime:
        return later

    monkeypatch.setattr(clock, "now", ten_minutes_on)
    status, body = await _post(client, world)
    assert status == 201, body


async def test_a_retry_with_the_same_idempotency_key_is_no_duplicate(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database
) -> None:
    headers = world.auth("volunteer") | {"Idempotency-Key": "form-5d1c"}
    first = await client.post("/api/donations", json=world.gift(confirm_duplicate=False), headers=headers)
    assert first.status_code == 201
    before = await _counts(database)
    retry = await client.post("/api/donations", json=world.gift(confirm_duplicate=False), headers=headers)
    assert retry.status_code == 200
    assert retry.json() == first.json()
    # A confirmation added on the way is the same request, not another gift.
    confirmed = await client.post(
        "/api/donations", json=world.gift(confirm_duplicate=True, confirm_large=True), headers=headers
    )
    assert confirmed.status_code == 200
    assert confirmed.json()["receipt"] == first.json()["receipt"]
    assert await _counts(database) == before


@pytest.mark.parametrize("method", ["bank_transfer", "e_wallet"])
async def test_a_transfer_keeps_its_bank_reference(
    client: AsyncTestClient[Litestar], world: GiftsWorld, method: str
) -> None:
    cash = {"amount": 1_500_000, "method": method, "reference": "  FT24263 90817  "}
    status, body = await _post(client, world, cash=cash)
    assert status == 201, body
    assert body["cash"] == {"amount": 1_500_000, "method": method, "reference": "FT24263 90817"}
    shown = await client.get(f"/api/receipts/{body['receipt']['id']}", headers=world.auth("volunteer"))
    assert shown.json()["cash"]["reference"] == "FT24263 90817"


async def test_cash_has_no_bank_reference(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database
) -> None:
    before = await _counts(database)
    status, body = await _post(client, world, cash={"amount": 500_000, "method": "cash", "reference": "FT1"})
    assert status == 422
    assert body["extra"] == {"field": "cash.reference"}
    assert "Tiền mặt không có mã giao dịch" in body["detail"]
    assert "code" not in body
    assert await _counts(database) == before
