"""The registers as files: read back, each holds exactly the lines and totals of the register as
JSON, Vietnamese text intact, a donor's formula neutralised; each export is an audit event."""

from __future__ import annotations

import csv
import io

import openpyxl
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.gifts_world import GiftsWorld
from tests.support import pdf_pages

FORMULA = '=HYPERLINK("http://x")'


async def _gifts(client: AsyncTestClient[Litestar], world: GiftsWorld) -> list[dict]:
    receipts = []
    for fields in (
        {"donor": {"name": FORMULA}, "cash": {"amount": 1_250_000}},
        {
            "donor": {"name": "Nguyễn Thị Hồng Nhung"},
            "cash": None,
            "items": [{"item_type_id": world.rice_id, "quantity": "12.5"}],
        },
        {
            "donor": None,
            "anonymous": True,
            "cash": {"amount": 200_000, "method": "e_wallet", "reference": "MM1"},
        },
    ):
        answer = await client.post(
            "/api/donations", json=world.gift(**fields), headers=world.auth("volunteer")
        )
        assert answer.status_code == 201, answer.text
        receipts.append(answer.json()["receipt"])
    voided = await client.post(
        f"/api/receipts/{receipts[2]['id']}/void",
        json={"reason": "-Nhập trùng"},
        headers=world.auth("coordinator"),
    )
    assert voided.status_code == 200, voided.text
    return receipts


async def _file(
    client: AsyncTestClient[Litestar], world: GiftsWorld, kind: str, file_format: str, **query: object
):
    answer = await client.get(
        f"/api/registers/{kind}", params={"format": file_format, **query}, headers=world.auth("auditor")
    )
    assert answer.status_code == 200, answer.text
    return answer


async def test_the_receipts_register_as_csv_xlsx_and_pdf_holds_its_lines_and_totals(
    client: AsyncTestClient[Litestar], world: GiftsWorld
) -> None:
    receipts = await _gifts(client, world)
    lines = (await client.get("/api/registers/receipts", headers=world.auth("auditor"))).json()["items"]
    assert [line["number"] for line in lines] == [receipt["number"] for receipt in receipts]

    answer = await _file(client, world, "receipts", "csv", drive_id=world.drive_id)
    assert answer.headers["content-disposition"].startswith(
        'attachment; filename="so-dang-ky-bien-nhan-hu-gao'
    )
    header, *rows, totals = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert header[:5] == ["Số biên nhận", "Ngày cấp", "Cuộc vận động", "Nhà hảo tâm", "Tiền"]
    assert [row[0] for row in rows] == [line["number"] for line in lines]
    assert [row[3] for row in rows] == ["'" + FORMULA, "Nguyễn Thị Hồng Nhung", "Ẩn danh"]
    assert [(row[4], row[6], row[7], row[8]) for row in rows] == [
        ("1250000", "", "", "Hợp lệ"),
        ("", "12,5 kg Gạo", "", "Hợp lệ"),
        ("200000", "", "", "Đã hủy"),
    ]
    assert rows[2][9] == "'-Nhập trùng"
    assert (totals[0], totals[4]) == ("Cộng 3 biên nhận, 1 đã hủy (không cộng)", "1250000")

    sheet = openpyxl.load_workbook(
        io.BytesIO((await _file(client, world, "receipts", "xlsx")).content)
    ).active
    values = list(sheet.iter_rows(values_only=True))
    top = next(index for index, row in enumerate(values) if row[0] == "Số biên nhận")
    body = values[top + 1 : top + 4]
    assert [row[3] for row in body] == ["'" + FORMULA, "Nguyễn Thị Hồng Nhung", "Ẩn danh"]
    assert [row[4] for row in body] == [1_250_000, None, 200_000]
    assert values[top + 4][4] == 1_250_000
    assert sheet.cell(row=top + 2, column=5).data_type == "n"

    text = "".join(pdf_pages((await _file(client, world, "receipts", "pdf")).content))
    for expected in ("SỔ ĐĂNG KÝ BIÊN NHẬN", receipts[1]["number"], "Ẩn danh", "1.250.000", "12,5 kg Gạo"):
        assert expected in text, expected

    voids = list(
        csv.reader(io.StringIO((await _file(client, world, "voids", "csv")).content.decode("utf-8-sig")))
    )
    assert [(row[0], row[5], row[8]) for row in voids[1:-1]] == [
        (receipts[2]["number"], "200000", "'-Nhập trùng")
    ]
    books = list(
        csv.reader(io.StringIO((await _file(client, world, "books", "csv")).content.decode("utf-8-sig")))
    )
    assert [(row[2], row[3], row[4], row[5], row[6]) for row in books[1:-1]] == [("1", "3", "3", "1", "Có")]

    log = (
        await client.get("/api/audit", params={"action": "register.export"}, headers=world.auth("auditor"))
    ).json()
    assert sorted(event["after"]["register"] + "." + event["after"]["format"] for event in log["items"]) == [
        "books.csv",
        "receipts.csv",
        "receipts.pdf",
        "receipts.xlsx",
        "voids.csv",
    ]
    refused = await client.get(
        "/api/registers/receipts", params={"format": "csv"}, headers=world.auth("volunteer")
    )
    assert refused.status_code == 403
