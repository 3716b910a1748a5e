"""The distributions register of the auditor's desk: every numbered distribution of the scope and
period, by number, with its recipient as the caller's role may see them, what it gave and its
status; totals per asset of what was handed over; the same in its files and on the page."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from typing import Any

import openpyxl
from litestar import Litestar
from litestar.testing import AsyncTestClient

from charity.clock import format_date, local_today
from charity.db import Database
from tests.distributions_world import HOUSEHOLDS, DistributionsWorld, stock_up
from tests.integration.distributions.conftest import signed_in, text_of
from tests.support import pdf_pages

TODAY = local_today()
YEAR = TODAY.year
URL = "/api/registers/distributions"


def _number(seq: int) -> str:
    return f"TT-{YEAR}/{seq:05d}"


async def _distributed(client: AsyncTestClient[Litestar], world: DistributionsWorld) -> None:
    """1: 10 kg and 500.000 đ to a household, voided; 2: 20 kg to another, planned; 3: 30 kg to a
    counted group; 4 and 5: a round's two lines of 10 kg and 200.000 đ, handed over."""
    await stock_up(client, world, rice="300", cash=2_000_000, unit_value=20_000)
    bodies: list[dict[str, Any]] = [
        {"beneficiary_id": world.households[1], "cash": {"amount": 500_000, "method": "cash"}},
        {"beneficiary_id": world.households[2], "items": [{"item_type_id": world.rice_id, "quantity": "20"}]},
        {
            "beneficiary_id": None,
            "group": {"place": "Bệnh viện Đa khoa tỉnh", "count": 250, "description": "Bệnh nhân nghèo"},
            "purpose": "meals",
            "items": [{"item_type_id": world.rice_id, "quantity": "30"}],
        },
    ]
    bodies[1]["handed_over_on"] = None
    ids = []
    for body in bodies:
        answer = await client.post(
            "/api/distributions", json=world.distribution(**body), headers=world.auth("coordinator")
        )
        assert answer.status_code == 201, answer.text
        ids.append(answer.json()["id"])
    voided = await client.post(
        f"/api/distributions/{ids[0]}/void",
        json={"reason": "Trao nhầm đợt"},
        headers=world.auth("coordinator"),
    )
    assert voided.status_code == 200, voided.text
    line = {"items": [{"item_type_id": world.rice_id, "quantity": "10"}], "cash": {"amount": 200_000}}
    drafted = await client.post(
        "/api/rounds",
        json={
            "drive_id": world.drive_id,
            "title": "Trao gạo tháng 12",
            "planned_on": TODAY.isoformat(),
            "purpose": "living",
            "lines": [{"beneficiary_id": world.households[n]} | line for n in (3, 4)],
        },
        headers=world.auth("coordinator"),
    )
    assert drafted.status_code == 201, drafted.text
    round_url = f"/api/rounds/{drafted.json()['id']}"
    assert (await client.post(f"{round_url}/approve", headers=world.auth("coordinator2"))).status_code == 200
    handed = await client.post(
        f"{round_url}/hand-over",
        json={"handed_over_on": TODAY.isoformat()},
        headers=world.auth("coordinator"),
    )
    assert handed.status_code == 200, handed.text


async def test_the_register_lists_every_numbered_distribution_with_its_recipient_and_status(
    client: AsyncTestClient[Litestar], world: DistributionsWorld
) -> None:
    await _distributed(client, world)
    answer = await client.get(URL, params={"drive_id": world.drive_id}, headers=world.auth("coordinator"))
    assert answer.status_code == 200, answer.text
    register = answer.json()
    assert register["total"] == 5
    today = TODAY.isoformat()
    assert [
        (
            line["number"],
            line["handed_over_on"],
            line["round"],
            line["recipient_code"],
            line["recipient"],
            line["purpose"],
            line["cash"],
            line["goods"],
            line["value"],
            line["status"],
            line["void_reason"],
        )
        for line in register["items"]
    ] == [
        (_number(1), today, "", f"ĐT-{world.households[1]:06d}", HOUSEHOLDS[1], "living", 500_000,
         "10 kg Gạo", 700_000, "void", "Trao nhầm đợt"),
        (_number(2), None, "", f"ĐT-{world.households[2]:06d}", HOUSEHOLDS[2], "living", 0,
         "20 kg Gạo", None, "planned", ""),
        (_number(3), today, "", "", "Bệnh nhân nghèo, Bệnh viện Đa khoa tỉnh: 250", "meals", 0,
         "30 kg Gạo", 600_000, "handed_over", ""),
        (_number(4), today, "Trao gạo tháng 12", f"ĐT-{world.households[3]:06d}", HOUSEHOLDS[3], "living",
         200_000, "10 kg Gạo", 400_000, "handed_over", ""),
        (_number(5), today, "Trao gạo tháng 12", f"ĐT-{world.households[4]:06d}", HOUSEHOLDS[4], "living",
         200_000, "10 kg Gạo", 400_000, "handed_over", ""),
    ]  # fmt: skip
    paged = await client.get(URL, params={"limit": 2, "offset": 3}, headers=world.auth("auditor"))
    assert [line["number"] for line in paged.json()["items"]] == [_number(4), _number(5)]
    # Before today there is nothing; another scope's drive is not found.
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    before = await client.get(URL, params={"to": yesterday}, headers=world.auth("auditor"))
    assert before.json()["total"] == 0
    elsewhere = await client.get(URL, params={"drive_id": world.drive_id}, headers=world.auth("outsider"))
    assert elsewhere.status_code == 404
    assert (await client.get(URL, headers=world.auth("volunteer"))).status_code == 403


async def test_the_register_files_hold_its_lines_and_totals_per_asset(
    client: AsyncTestClient[Litestar], world: DistributionsWorld
) -> None:
    await _distributed(client, world)
    rows = list(
        csv.reader(
            io.StringIO(
                (
                    await client.get(URL, params={"format": "csv"}, headers=world.auth("auditor"))
                ).content.decode("utf-8-sig")
            )
        )
    )
    header = rows[0]
    assert header[:6] == [
        "Số phiếu",
        "Ngày trao",
        "Cuộc vận động",
        "Đợt trao",
        "Mã đối tượng",
        "Người, nhóm nhận",
    ]
    lines = [row for row in rows if row[0].startswith("TT-")]
    assert [(row[0], row[5], row[10]) for row in lines] == [
        (_number(1), HOUSEHOLDS[1], "Đã hủy"),
        (_number(2), HOUSEHOLDS[2], "Chờ trao"),
        (_number(3), "Bệnh nhân nghèo, Bệnh viện Đa khoa tỉnh: 250", "Đã trao"),
        (_number(4), HOUSEHOLDS[3], "Đã trao"),
        (_number(5), HOUSEHOLDS[4], "Đã trao"),
    ]
    totals = [row for row in rows if row[0].startswith("Cộng")]
    assert [(row[0], row[7], row[8], row[9]) for row in totals] == [
        ("Cộng 3 phiếu đã trao (không cộng 1 chờ trao, 1 đã hủy)", "400000", "", "1400000"),
        ("Cộng Gạo", "", "50 kg", "1000000"),
    ]

    sheet = openpyxl.load_workbook(
        io.BytesIO((await client.get(URL, params={"format": "xlsx"}, headers=world.auth("auditor"))).content)
    ).active
    cells = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None]
    assert {_number(5), HOUSEHOLDS[4], "Cộng Gạo"} <= set(cells)

    pdf = "\n".join(
        pdf_pages((await client.get(URL, params={"format": "pdf"}, headers=world.auth("auditor"))).content)
    )
    assert "SỔ THEO DÕI TRAO TẶNG" in pdf
    assert _number(3) in pdf
    # The first totals line's words wrap inside their cell; its figures and the rice's line do not.
    assert re.search(r"^Cộng 3 .*400\.000 1\.400\.000$", pdf, re.M)
    assert "Cộng Gạo 50 kg 1.000.000" in pdf


async def test_the_registers_page_shows_the_distributions_register_with_its_totals(
    client: AsyncTestClient[Litestar], world: DistributionsWorld, database: Database
) -> None:
    await _distributed(client, world)
    await signed_in(client, database, world, "auditor")
    page = await client.get("/registers", params={"kind": "distributions"})
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Sổ theo dõi trao tặng" in text
    assert "5 phiếu trao trong kỳ" in text
    assert (
        f"{_number(4)} {format_date(TODAY)} ĐT-{world.households[3]:06d} {HOUSEHOLDS[3]} 200.000 đ 10 kg Gạo 400.000 đ Đã trao"
        in text
    )
    assert (
        "Cộng 3 phiếu đã trao, không tính 1 phiếu chờ trao và 1 phiếu đã hủy 400.000 đ 50 kg Gạo 1.400.000 đ"
        in text
    )
