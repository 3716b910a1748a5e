"""The coordinator's receipt desk: finding a receipt by its number or its donor, filtering by who
recorded it, how it was paid and whether it is printed, and what the filter adds up to."""

from __future__ import annotations

import re

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from charity.accounts import signin
from charity.accounts.guard import SESSION_COOKIE
from charity.db import Database
from charity.models import User
from tests.gifts_world import GiftsWorld, build_gifts_world


@pytest.fixture
async def world(database: Database) -> GiftsWorld:
    return await build_gifts_world(database, volunteers=2)


async def gift(
    client: AsyncTestClient[Litestar], world: GiftsWorld, who: str = "volunteer", **fields
) -> dict:
    response = await client.post("/api/donations", json=world.gift(**fields), headers=world.auth(who))
    assert response.status_code == 201, response.text
    return response.json()["receipt"]


async def numbers(client: AsyncTestClient[Litestar], world: GiftsWorld, **query: object) -> list[str]:
    response = await client.get("/api/receipts", params=query, headers=world.auth("coordinator"))
    assert response.status_code == 200, response.text
    return [receipt["number"] for receipt in response.json()["items"]]


async def test_the_desk_finds_receipts_by_number_donor_recorder_method_and_print(
    client: AsyncTestClient[Litestar], world: GiftsWorld
) -> None:
    first = await gift(client, world, cash={"amount": 100_000})
    second = await gift(
        client,
        world,
        "volunteer1",
        donor={"name": "Trần Văn Đức", "phone": "0918274615"},
        cash={"amount": 200_000, "method": "bank_transfer", "reference": "FT001"},
    )
    hidden = await gift(client, world, anonymous=True, cash={"amount": 300_000})
    assert await numbers(client, world, q=second["number"]) == [second["number"]]
    assert await numbers(client, world, q=str(second["seq"])) == [second["number"]]
    assert await numbers(client, world, q="00001") == [first["number"]]
    assert await numbers(client, world, q="tran duc") == [second["number"]]
    assert await numbers(client, world, q="0918.274.615") == [second["number"]]
    # Nguyễn Thị Hồng gave the first openly and the third anonymously: her name finds the first only.
    assert await numbers(client, world, q="Hồng") == [first["number"]]
    assert hidden["number"] not in await numbers(client, world, q="nguyen thi hong")
    assert await numbers(client, world, method="bank_transfer") == [second["number"]]
    assert await numbers(client, world, recorded_by=world.users["volunteer1"]) == [second["number"]]
    printed = await client.post(f"/api/receipts/{first['id']}/print", headers=world.auth("coordinator"))
    assert printed.status_code == 200
    assert await numbers(client, world, not_printed="true") == [second["number"], hidden["number"]]
    bad = await client.get("/api/receipts", params={"method": "cheque"}, headers=world.auth("coordinator"))
    assert bad.status_code == 422


async def test_the_desk_adds_up_what_its_filter_shows_without_void_receipts(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database
) -> None:
    rice = [{"item_type_id": world.rice_id, "quantity": "12.5"}]
    await gift(client, world, cash={"amount": 150_000}, items=rice)
    await gift(client, world, cash={"amount": 250_000, "method": "e_wallet", "reference": "MOMO-9"})
    voided = await gift(client, world, cash={"amount": 9_000_000})
    await client.post(
        f"/api/receipts/{voided['id']}/void", json={"reason": "Ghi nhầm"}, headers=world.auth("coordinator")
    )
    async with database.write() as session:
        user = await session.get_one(User, world.users["coordinator"])
        cookie, _ = await signin.start_web_session(session, user, "127.0.0.1")
    client.cookies.set(SESSION_COOKIE, cookie)
    desk = (await client.get("/receipts")).text
    totals = re.search(r'<tr class="totals">(.*?)</tr>', desk, re.S).group(1)
    text = " ".join(re.sub(r"<[^>]+>", " ", totals).split())
    assert text == (
        "Cộng 400.000 đ 12,5 kg Gạo 2 biên nhận hợp lệ, không tính 1 biên nhận đã hủy; tiền: 400.000 đ"
    )
    wallet = (await client.get("/receipts?method=e_wallet&status=&q=")).text
    totals = re.search(r'<tr class="totals">(.*?)</tr>', wallet, re.S).group(1)
    assert "250.000 đ" in totals
    assert "1 biên nhận hợp lệ" in totals
    assert "Gạo" not in totals
    # Goods without a value are named where a total is shown, never "0 đ".
    assert "12,5 kg Gạo" in desk


async def test_a_batch_pdf_is_named_after_its_drive_and_dates(
    client: AsyncTestClient[Litestar], world: GiftsWorld
) -> None:
    for amount in (10_000, 20_000):
        await gift(client, world, cash={"amount": amount})
    response = await client.post(
        "/api/receipts/print", json={"drive_id": world.drive_id}, headers=world.auth("coordinator")
    )
    assert response.status_code == 200
    disposition = response.headers["content-disposition"]
    assert re.fullmatch(
        r'inline; filename="bien-nhan_hu-gao-tinh-thuong_\d{4}-\d\d-\d\d_2-bien-nhan\.pdf"', disposition
    ), disposition
