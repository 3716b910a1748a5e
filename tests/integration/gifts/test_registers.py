"""The registers an auditor keeps: every receipt of a period with its gift and fate, every void, and
each receipt book's numbers with the proof that none is missing; in the caller's scope only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text

from charity import clock
from charity.accounts import signin
from charity.accounts.guard import SESSION_COOKIE
from charity.db import Database
from charity.models import User
from tests.gifts_world import GiftsWorld
from tests.world import build_world


@dataclass
class Gifts:
    """Four receipts of the world's drive over three days, and one of another unit's."""

    days: list[date]
    wrong: dict  # day 0, 100.000 đ in cash, voided on day 2
    anonymous: dict  # day 1, 2,5 kg of rice with no estimated value, from nobody named
    replaced: dict  # day 1, a transfer and valued rice, replaced on day 2 ...
    replacement: dict  # ... by this one, recorded by the coordinator
    elsewhere: dict  # another unit's, recorded by its coordinator


def _on(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    monkeypatch.setattr(clock, "now", lambda: moment)


async def _gift(
    client: AsyncTestClient[Litestar], world: GiftsWorld, who: str = "volunteer", **fields
) -> dict:
    response = await client.post("/api/donations", json=world.gift(**fields), headers=world.auth(who))
    assert response.status_code == 201, response.text
    return response.json()["receipt"]


async def _gifts(
    client: AsyncTestClient[Litestar], world: GiftsWorld, monkeypatch: pytest.MonkeyPatch
) -> Gifts:
    now = clock.now()
    _on(monkeypatch, now - timedelta(days=2))
    wrong = await _gift(client, world, cash={"amount": 100_000})
    _on(monkeypatch, now - timedelta(days=1))
    anonymous = await _gift(
        client,
        world,
        donor=None,
        anonymous=True,
        cash=None,
        items=[{"item_type_id": world.rice_id, "quantity": "2.5"}],
    )
    valued_rice = [{"item_type_id": world.rice_id, "quantity": "10", "unit_value": 15_000}]
    replaced = await _gift(
        client,
        world,
        cash={"amount": 300_000, "method": "bank_transfer", "reference": "FT1"},
        items=valued_rice,
    )
    _on(monkeypatch, now)
    voided = await client.post(
        f"/api/receipts/{wrong['id']}/void", json={"reason": "Ghi nhầm"}, headers=world.auth("coordinator")
    )
    assert voided.status_code == 200, voided.text
    corrected = world.gift(
        cash={"amount": 350_000, "method": "bank_transfer", "reference": "FT1"}, items=valued_rice
    )
    replacing = await client.post(
        f"/api/receipts/{replaced['id']}/replace",
        json={"reason": "Sai số tiền chuyển khoản", "gift": corrected},
        headers=world.auth("coordinator"),
    )
    assert replacing.status_code == 201, replacing.text
    elsewhere = await _gift(
        client, world, "outsider", drive_id=world.other_drive_id, donor={"name": "Lê Văn Tám"}
    )
    days = [(now - timedelta(days=back)).astimezone(clock.VIETNAM).date() for back in (2, 1, 0)]
    return Gifts(days, wrong, anonymous, replaced, replacing.json()["receipt"], elsewhere)


async def _register(
    client: AsyncTestClient[Litestar], world: GiftsWorld, kind: str, who: str = "auditor", **query: object
) -> dict:
    response = await client.get(f"/api/registers/{kind}", params=query, headers=world.auth(who))
    assert response.status_code == 200, response.text
    return response.json()


def _numbers(page: dict) -> list[str]:
    return [line["number"] for line in page["items"]]


def _ids(page: dict) -> list[int]:
    return [line["receipt_id"] for line in page["items"]]


async def test_the_receipts_register_shows_each_receipt_with_its_gift_and_fate(
    client: AsyncTestClient[Litestar], world: GiftsWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    gifts = await _gifts(client, world, monkeypatch)
    register = await _register(client, world, "receipts")
    assert register["total"] == 4
    first, second, third, fourth = register["items"]
    drive = {"drive_id": world.drive_id, "drive": "Hũ gạo tình thương"}
    assert first == {
        "receipt_id": gifts.wrong["id"],
        "number": gifts.wrong["number"],
        "issued_on": gifts.days[0].isoformat(),
        **drive,
        "donor": "Nguyễn Thị Hồng",
        "anonymous": False,
        "cash": 100_000,
        "cash_method": "cash",
        "goods": "",
        "goods_value": None,
        "status": "void",
        "void_reason": "Ghi nhầm",
        "replaced_by": None,
        "recorded_by": "volunteer",
    }
    assert second == {
        "receipt_id": gifts.anonymous["id"],
        "number": gifts.anonymous["number"],
        "issued_on": gifts.days[1].isoformat(),
        **drive,
        "donor": "Ẩn danh",
        "anonymous": True,
        "cash": 0,
        "cash_method": None,
        "goods": "2,5 kg Gạo",
        "goods_value": None,
        "status": "issued",
        "void_reason": None,
        "replaced_by": None,
        "recorded_by": "volunteer",
    }
    assert third == {
        "receipt_id": gifts.replaced["id"],
        "number": gifts.replaced["number"],
        "issued_on": gifts.days[1].isoformat(),
        **drive,
        "donor": "Nguyễn Thị Hồng",
        "anonymous": False,
        "cash": 300_000,
        "cash_method": "bank_transfer",
        "goods": "10 kg Gạo",
        "goods_value": 150_000,
        "status": "void",
        "void_reason": "Sai số tiền chuyển khoản",
        "replaced_by": gifts.replacement["number"],
        "recorded_by": "volunteer",
    }
    assert (
        fourth["number"],
        fourth["issued_on"],
        fourth["cash"],
        fourth["status"],
        fourth["recorded_by"],
    ) == (
        gifts.replacement["number"],
        gifts.days[2].isoformat(),
        350_000,
        "issued",
        "coordinator",
    )
    # By book and number; the coordinator of the other unit, and only they, see its receipt.
    assert _numbers(register) == sorted(_numbers(register))
    assert gifts.elsewhere["id"] not in _ids(register)
    assert _ids(await _register(client, world, "receipts", "outsider")) == [gifts.elsewhere["id"]]
    assert _numbers(await _register(client, world, "receipts", "coordinator")) == _numbers(register)


async def test_the_registers_cover_their_period_drive_and_page(
    client: AsyncTestClient[Litestar], world: GiftsWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    gifts = await _gifts(client, world, monkeypatch)
    day0, day1, day2 = (day.isoformat() for day in gifts.days)
    numbers = [gift["number"] for gift in (gifts.wrong, gifts.anonymous, gifts.replaced, gifts.replacement)]
    assert _numbers(await _register(client, world, "receipts", **{"from": day1, "to": day1})) == numbers[1:3]
    assert _numbers(await _register(client, world, "receipts", **{"from": day2})) == numbers[3:]
    assert _numbers(await _register(client, world, "receipts", to=day0)) == numbers[:1]
    # Empty values are no filter.
    everything = {"drive_id": "", "unit_id": "", "from": "", "to": ""}
    assert _numbers(await _register(client, world, "receipts", **everything)) == numbers
    assert _numbers(await _register(client, world, "receipts", drive_id=world.drive_id)) == numbers
    assert _numbers(await _register(client, world, "receipts", unit_id=world.unit_id)) == numbers
    paged = await _register(client, world, "receipts", limit=2, offset=2)
    assert (_numbers(paged), paged["total"], paged["limit"], paged["offset"]) == (numbers[2:], 4, 2, 2)

    # Both voids were made on the last day, whenever their receipts were issued.
    voids = await _register(client, world, "voids")
    assert voids["items"] == [
        {
            "receipt_id": gifts.wrong["id"],
            "number": gifts.wrong["number"],
            "issued_on": day0,
            "voided_on": day2,
            "drive_id": world.drive_id,
            "drive": "Hũ gạo tình thương",
            "donor": "Nguyễn Thị Hồng",
            "anonymous": False,
            "cash": 100_000,
            "goods": "",
            "goods_value": None,
            "reason": "Ghi nhầm",
            "voided_by": "coordinator",
            "replaced_by": None,
        },
        {
            "receipt_id": gifts.replaced["id"],
            "number": gifts.replaced["number"],
            "issued_on": day1,
            "voided_on": day2,
            "drive_id": world.drive_id,
            "drive": "Hũ gạo tình thương",
            "donor": "Nguyễn Thị Hồng",
            "anonymous": False,
            "cash": 300_000,
            "goods": "10 kg Gạo",
            "goods_value": 150_000,
            "reason": "Sai số tiền chuyển khoản",
            "voided_by": "coordinator",
            "replaced_by": gifts.replacement["number"],
        },
    ]
    assert (await _register(client, world, "voids", **{"from": day0, "to": day1}))["items"] == []
    assert _numbers(await _register(client, world, "voids", **{"from": day2})) == numbers[0:3:2]
    assert (await _register(client, world, "voids", "outsider"))["items"] == []


async def test_the_book_register_proves_its_numbers_have_no_gap(
    client: AsyncTestClient[Litestar], world: GiftsWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    gifts = await _gifts(client, world, monkeypatch)
    books = await _register(client, world, "books")
    (book,) = books["items"]
    assert book == {
        "book_id": book["book_id"],
        "code": "01",
        "year": gifts.days[2].year,
        "unit_id": world.unit_id,
        "unit": "Hội Phụ nữ xã Hòa Khánh Tây",
        "first": 1,
        "last": 4,
        "issued": 4,
        "voided": 2,
        "gapless": True,
        "missing_count": 0,
        "missing": [],
    }
    # A period's numbers continue the ones before it.
    (since,) = (await _register(client, world, "books", **{"from": gifts.days[1].isoformat()}))["items"]
    assert (since["first"], since["last"], since["issued"], since["voided"], since["gapless"]) == (
        2,
        4,
        3,
        1,
        True,
    )
    (other,) = (await _register(client, world, "books", "outsider"))["items"]
    assert (other["unit_id"], other["first"], other["last"], other["gapless"]) == (
        world.other_unit_id,
        1,
        1,
        True,
    )


async def _renumber(database: Database, receipt_id: int, seq: int) -> None:
    """What someone with direct database access could do after switching the receipts' guard off."""
    async with database.write() as session:
        if database.is_sqlite:
            await session.execute(text("DROP TRIGGER receipt_only_void"))
        else:
            await session.execute(text("ALTER TABLE receipt DISABLE TRIGGER receipt_only_void"))
        await session.execute(
            text("UPDATE receipt SET seq = :seq WHERE id = :id"), {"seq": seq, "id": receipt_id}
        )


async def test_a_number_missing_from_a_book_is_found_and_named(
    client: AsyncTestClient[Litestar], world: GiftsWorld, monkeypatch: pytest.MonkeyPatch, database: Database
) -> None:
    gifts = await _gifts(client, world, monkeypatch)
    await _renumber(database, gifts.anonymous["id"], 7)
    (book,) = (await _register(client, world, "books"))["items"]
    assert (book["first"], book["last"], book["issued"], book["gapless"]) == (1, 7, 4, False)
    assert (book["missing_count"], book["missing"]) == (3, [2, 5, 6])
    # Numbers missing before a period are missing from its book too.
    (since,) = (await _register(client, world, "books", **{"from": gifts.days[2].isoformat()}))["items"]
    assert (since["first"], since["last"], since["missing"]) == (4, 4, [2])


async def test_a_register_refuses_what_it_cannot_answer(
    client: AsyncTestClient[Litestar], world: GiftsWorld
) -> None:
    today = clock.local_today()
    backwards = {"from": today.isoformat(), "to": (today - timedelta(days=1)).isoformat()}
    for kind in ("receipts", "voids", "books"):
        url = f"/api/registers/{kind}"
        refused = await client.get(url, params=backwards, headers=world.auth("auditor"))
        assert refused.status_code == 422
        assert refused.json()["detail"] == "“Từ ngày” phải trước hoặc cùng ngày với “đến ngày”."
        assert (await client.get(url, headers=world.auth("volunteer"))).status_code == 403
        for where in ({"drive_id": world.other_drive_id}, {"unit_id": world.other_unit_id}):
            assert (await client.get(url, params=where, headers=world.auth("auditor"))).status_code == 404
        bad = await client.get(url, params={"drive_id": "một"}, headers=world.auth("auditor"))
        assert bad.status_code == 422
    assert (await client.get("/api/registers/ledger", headers=world.auth("auditor"))).status_code == 404


async def _signed_in(client: AsyncTestClient[Litestar], database: Database, user_id: int) -> None:
    async with database.write() as session:
        cookie, _ = await signin.start_web_session(session, await session.get_one(User, user_id), "127.0.0.1")
    client.cookies.set(SESSION_COOKIE, cookie)


def _totals(html: str) -> str:
    found = re.search(r'<tr class="totals">(.*?)</tr>', html, re.S)
    assert found
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


async def test_the_register_page_filters_and_adds_up_what_it_shows(
    client: AsyncTestClient[Litestar], world: GiftsWorld, monkeypatch: pytest.MonkeyPatch, database: Database
) -> None:
    gifts = await _gifts(client, world, monkeypatch)
    await _signed_in(client, database, world.users["auditor"])
    home = await client.get("/")
    assert 'href="/registers"' in home.text
    left = await client.get("/registers?kind=receipts&drive_id=&unit_id=&date_from=&date_to=")
    assert left.status_code == 200
    assert all(gift["number"] in left.text for gift in (gifts.wrong, gifts.anonymous, gifts.replacement))
    assert "Lê Văn Tám" not in left.text
    assert "Ẩn danh" in left.text
    assert "Chưa ước tính" in left.text
    assert _totals(left.text) == "Cộng 2 biên nhận hợp lệ, không tính 2 biên nhận đã hủy 350.000 đ 150.000 đ"
    voids = await client.get("/registers?kind=voids")
    assert _totals(voids.text) == "Cộng 2 biên nhận đã hủy 400.000 đ 150.000 đ"
    one_day = await client.get(f"/registers?kind=voids&date_from={gifts.days[0]}&date_to={gifts.days[1]}")
    assert "Không có biên nhận nào bị hủy trong kỳ." in one_day.text
    books = await client.get(f"/registers?kind=books&drive_id={world.drive_id}&unit_id={world.unit_id}")
    assert "Liên tục" in books.text
    assert "01-" in books.text
    backwards = await client.get(f"/registers?date_from={gifts.days[2]}&date_to={gifts.days[0]}")
    assert backwards.status_code == 422
    assert "phải trước hoặc cùng ngày" in backwards.text
    # A kind or a date no form sends is the default, not an error.
    assert (await client.get("/registers?kind=ledger&date_from=hôm-qua")).status_code == 200


async def test_a_unit_narrows_a_register_to_the_units_below_it(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    # The district's auditor; the commune below it holds the one receipt.
    organisation = await build_world(database)
    headers = organisation.auth("auditor")

    async def total(**query: object) -> int:
        response = await client.get("/api/registers/receipts", params=query, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()["total"]

    units = organisation.units
    assert await total() == 1
    assert await total(unit_id=units["DISTRICT"]) == 1
    assert await total(unit_id=units["COMMUNE"]) == 1
    assert await total(unit_id=units["SIBLING"]) == 0
    for above_or_elsewhere in (units["PROVINCE"], units["ELSEWHERE"]):
        response = await client.get(
            "/api/registers/receipts", params={"unit_id": above_or_elsewhere}, headers=headers
        )
        assert response.status_code == 404
