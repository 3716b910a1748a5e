"""Each beneficiary's page says what they received ("Đã nhận hỗ trợ"): every distribution to them,
from which drives, with what the handed-over ones add up to."""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.testing import AsyncTestClient

from charity.clock import format_date, local_today
from charity.db import Database
from tests.distributions_world import DistributionsWorld, stock_up
from tests.integration.distributions.conftest import signed_in, text_of

TODAY = format_date(local_today())
YEAR = local_today().year


def _section(html: str) -> str | None:
    found = re.search(r'<section class="card" aria-labelledby="received-title">(.*?)</section>', html, re.S)
    return text_of(found.group(1)) if found else None


async def test_the_beneficiary_page_shows_what_they_received_and_from_which_drives(
    client: AsyncTestClient[Litestar], world: DistributionsWorld, database: Database
) -> None:
    await stock_up(client, world, rice="300", cash=1_000_000, unit_value=20_000)
    household = world.households[1]
    for fields in (
        {"cash": {"amount": 300_000, "method": "cash"}},
        {"items": [{"item_type_id": world.rice_id, "quantity": "15"}]},
        {"items": [{"item_type_id": world.rice_id, "quantity": "5"}]},
    ):
        answer = await client.post(
            "/api/distributions",
            json=world.distribution(beneficiary_id=household, **fields),
            headers=world.auth("coordinator"),
        )
        assert answer.status_code == 201, answer.text
    last = answer.json()["id"]
    voided = await client.post(
        f"/api/distributions/{last}/void", json={"reason": "Ghi trùng"}, headers=world.auth("coordinator")
    )
    assert voided.status_code == 200, voided.text

    await signed_in(client, database, world, "coordinator")
    page = await client.get(f"/beneficiaries/{household}")
    assert page.status_code == 200
    assert _section(page.text) == (
        "Đã nhận hỗ trợ Đã nhận 2 lần: 300.000 đ và 25 kg Gạo, tổng giá trị 800.000 đ, từ Hũ gạo tình thương."
        " Ngày trao Số phiếu Cuộc vận động Đã nhận Giá trị Trạng thái"
        f" {TODAY} TT-{YEAR}/00003 Hũ gạo tình thương 5 kg Gạo 100.000 đ Đã hủy Ghi trùng"
        f" {TODAY} TT-{YEAR}/00002 Hũ gạo tình thương 15 kg Gạo 300.000 đ Đã trao"
        f" {TODAY} TT-{YEAR}/00001 Hũ gạo tình thương 300.000 đ (tiền mặt), 10 kg Gạo 500.000 đ Đã trao"
    )
    other = await client.get(f"/beneficiaries/{world.households[2]}")
    assert _section(other.text) == "Đã nhận hỗ trợ Chưa nhận hỗ trợ từ cuộc vận động nào."


async def test_only_those_who_read_distributions_see_the_section(
    client: AsyncTestClient[Litestar], world: DistributionsWorld, database: Database
) -> None:
    await stock_up(client, world, rice="30")
    given = await client.post(
        "/api/distributions",
        json=world.distribution(beneficiary_id=world.households[1]),
        headers=world.auth("coordinator"),
    )
    assert given.status_code == 201, given.text
    for who, sees in (("auditor", True), ("volunteer", False)):
        await signed_in(client, database, world, who)
        page = await client.get(f"/beneficiaries/{world.households[1]}")
        assert page.status_code == 200, who
        assert (_section(page.text) is not None) == sees, who
