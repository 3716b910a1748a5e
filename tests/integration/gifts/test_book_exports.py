"""A drive's books as files an accountant opens: read back, each holds exactly the lines and totals
of the book as JSON, with Vietnamese text intact and the chain end at its foot; each export is an
audit event."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
from litestar import Litestar
from litestar.testing import AsyncTestClient

from charity.clock import local_today
from charity.db import Database
from charity.exports.pdf import MAX_PDF_LINES
from charity.ledger.service import Posting, post
from charity.models import EntrySource
from tests.gifts_world import GiftsWorld
from tests.support import pdf_pages

NAME = "Nguyễn Thị Hồng Nhung"


async def _gifts(client: AsyncTestClient[Litestar], world: GiftsWorld) -> dict:
    yesterday = (local_today() - timedelta(days=1)).isoformat()
    receipts = []
    for fields in (
        {"received_on": yesterday, "cash": {"amount": 1_250_000}},
        {"cash": {"amount": 300_000}},
        {"cash": None, "items": [{"item_type_id": world.rice_id, "quantity": "12.5", "unit_value": 20_000}]},
    ):
        answer = await client.post(
            "/api/donations",
            json=world.gift(donor={"name": NAME, "phone": "0903123456"}, **fields),
            headers=world.auth("volunteer"),
        )
        assert answer.status_code == 201, answer.text
        receipts.append(answer.json()["receipt"])
    voided = await client.post(
        f"/api/receipts/{receipts[1]['id']}/void",
        json={"reason": "Ghi nhầm số tiền"},
        headers=world.auth("coordinator"),
    )
    assert voided.status_code == 200, voided.text
    return receipts[0]


async def _get(client: AsyncTestClient[Litestar], world: GiftsWorld, kind: str, **query: object):
    return await client.get(
        f"/api/drives/{world.drive_id}/books/{kind}", params=query, headers=world.auth("auditor")
    )


async def test_the_cash_book_as_csv_xlsx_and_pdf_holds_the_lines_and_totals_of_the_book(
    client: AsyncTestClient[Litestar], world: GiftsWorld
) -> None:
    first = await _gifts(client, world)
    book = (await _get(client, world, "cash")).json()
    drive = (await client.get(f"/api/drives/{world.drive_id}", headers=world.auth("auditor"))).json()
    check = await client.get(f"/api/drives/{world.drive_id}/ledger/verify", headers=world.auth("auditor"))
    head = f"dòng số {check.json()['head_seq']}, mã băm {check.json()['head_hash']}."
    lines = [
        (
            line["posted_on"],
            line["document"],
            line["memo"],
            line["amount_in"],
            line["amount_out"],
            line["balance"],
        )
        for line in book["lines"]
    ]
    assert lines[0] == (
        (local_today() - timedelta(days=1)).isoformat(),
        first["number"],
        f"Nhận ủng hộ của {NAME}",
        1_250_000,
        0,
        1_250_000,
    )
    assert [line[4] for line in lines] == [0, 0, 300_000]

    answer = await _get(client, world, "cash", format="csv")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"].startswith('attachment; filename="so-quy-tien-mat-')
    assert answer.content.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in answer.content
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    header, opening, *body = rows
    assert header == [
        "Ngày ghi sổ",
        "Số chứng từ",
        "Diễn giải",
        "Hình thức",
        "Thu",
        "Chi",
        "Tồn quỹ",
        "Người ghi",
        "Dòng sổ",
    ]
    assert opening[2:7] == ["Số dư đầu kỳ", "", "", "", "0"]
    entries, (totals, closing, foot) = body[:-3], body[-3:]
    assert [
        (row[0], row[1], row[2], int(row[4] or 0), int(row[5] or 0), int(row[6])) for row in entries
    ] == lines
    assert entries[0][3] == "tiền mặt"
    assert (totals[2], totals[4], totals[5]) == ("Cộng phát sinh trong kỳ", "1550000", "300000")
    assert (closing[2], closing[6]) == ("Số dư cuối kỳ", str(book["closing"]["amount"]))
    assert foot[0] == f"Điểm cuối chuỗi sổ của cuộc vận động khi xuất: {head}"

    answer = await _get(client, world, "cash", format="xlsx")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "SỔ QUỸ TIỀN MẶT"
    facts = {row[0]: row[1] for row in values[1:7]}
    assert facts["Cuộc vận động"] == drive["name"]
    assert facts["Người xuất"]
    top = next(index for index, row in enumerate(values) if row[0] == "Ngày ghi sổ")
    assert sheet.freeze_panes == f"A{top + 2}"
    table = values[top + 2 : top + 2 + len(lines)]
    assert [
        (row[0].date().isoformat(), row[1], row[2], row[4] or 0, row[5] or 0, row[6]) for row in table
    ] == lines
    money = sheet.cell(row=top + 3, column=5)
    assert (type(money.value), money.number_format) == (int, '#,##0 "đ"')
    assert sheet.cell(row=top + 3, column=1).number_format == "dd/mm/yyyy"
    totals_row = values[top + 2 + len(lines)]
    assert (totals_row[2], totals_row[4], totals_row[5]) == ("Cộng phát sinh trong kỳ", 1_550_000, 300_000)
    text = [cell for row in values for cell in row if isinstance(cell, str)]
    assert {"Người lập biểu", "Kế toán", "Thủ trưởng đơn vị"} <= set(text)
    assert any(cell.endswith(head) for cell in text)

    answer = await _get(client, world, "cash", format="pdf")
    assert answer.status_code == 200, answer.text
    pages = pdf_pages(answer.content)
    whole = "\n".join(pages)
    for text in (
        "SỔ QUỸ TIỀN MẶT",
        f"Nhận ủng hộ của {NAME}",
        "1.250.000",
        "Cộng phát sinh",
        "Số dư cuối kỳ",
    ):
        assert text in whole, text
    assert f"Trang 1 / {len(pages)}" in pages[0]
    assert "Thủ trưởng đơn vị" in pages[-1]
    assert head in whole

    log = (
        await client.get("/api/audit", params={"action": "book.export"}, headers=world.auth("auditor"))
    ).json()
    assert sorted(event["after"]["format"] for event in log["items"]) == ["csv", "pdf", "xlsx"]


async def test_the_goods_book_as_a_file_gives_quantities_with_their_unit_and_values(
    client: AsyncTestClient[Litestar], world: GiftsWorld
) -> None:
    await _gifts(client, world)
    answer = await _get(client, world, "goods", item_type_id=world.rice_id, format="csv")
    assert answer.status_code == 200, answer.text
    assert "so-kho-gao" in answer.headers["content-disposition"]
    header, _opening, line, _totals, closing, _head = list(
        csv.reader(io.StringIO(answer.content.decode("utf-8-sig")))
    )
    assert header[3:10] == [
        "Nhập (kg)",
        "Xuất (kg)",
        "Tồn (kg)",
        "Giá trị nhập",
        "Giá trị xuất",
        "Giá trị tồn",
        "Người ghi",
    ]
    assert (Decimal(line[3]), Decimal(line[5]), line[6], line[8]) == (
        Decimal("12.5"),
        Decimal("12.5"),
        "250000",
        "250000",
    )
    assert (Decimal(closing[5]), closing[8]) == (Decimal("12.5"), "250000")

    sheet = openpyxl.load_workbook(
        io.BytesIO((await _get(client, world, "goods", item_type_id=world.rice_id, format="xlsx")).content)
    ).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[3][:2] == ["Loại hàng", "Gạo (kg)"]


async def test_an_export_is_refused_what_the_book_refuses(
    client: AsyncTestClient[Litestar], world: GiftsWorld
) -> None:
    today = local_today()
    backwards = {"from": today.isoformat(), "to": (today - timedelta(days=1)).isoformat()}
    assert (await _get(client, world, "cash", format="csv", **backwards)).status_code == 422
    assert (await _get(client, world, "goods", format="xlsx")).status_code == 422
    assert (await _get(client, world, "cash", format="doc")).status_code == 422
    volunteer = await client.get(
        f"/api/drives/{world.drive_id}/books/cash", params={"format": "csv"}, headers=world.auth("volunteer")
    )
    assert volunteer.status_code == 403
    log = (
        await client.get("/api/audit", params={"action": "book.export"}, headers=world.auth("auditor"))
    ).json()
    assert log["items"] == []


async def test_a_book_too_long_to_print_is_refused_as_pdf_and_given_as_xlsx(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database
) -> None:
    async with database.write() as session:
        await post(
            session,
            drive_id=world.drive_id,
            posted_on=local_today(),
            source=EntrySource.ADJUSTMENT,
            postings=[
                Posting(amount=0, item_type_id=world.rice_id, quantity=Decimal(1), memo=f"Kiểm kê {n}")
                for n in range(MAX_PDF_LINES + 1)
            ],
            receipt_id=None,
            user_id=None,
        )
    refused = await _get(client, world, "goods", item_type_id=world.rice_id, format="pdf")
    assert refused.status_code == 422
    assert "XLSX" in refused.json()["detail"]
    answer = await _get(client, world, "goods", item_type_id=world.rice_id, format="xlsx")
    assert answer.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content), read_only=True).active
    memos = [
        row[2] for row in sheet.iter_rows(values_only=True) if row[2] and str(row[2]).startswith("Kiểm kê")
    ]
    assert len(memos) == MAX_PDF_LINES + 1


async def test_the_bank_book_gives_each_transfers_reference_to_match_the_statement(
    client: AsyncTestClient[Litestar], world: GiftsWorld
) -> None:
    answer = await client.post(
        "/api/donations",
        json=world.gift(cash={"amount": 2_000_000, "method": "bank_transfer", "reference": "FT26335123456"}),
        headers=world.auth("volunteer"),
    )
    assert answer.status_code == 201, answer.text
    book = (await _get(client, world, "bank")).json()
    assert [(line["method"], line["reference"]) for line in book["lines"]] == [
        ("bank_transfer", "FT26335123456")
    ]
    header, _opening, line, *_ = list(
        csv.reader(io.StringIO((await _get(client, world, "bank", format="csv")).content.decode("utf-8-sig")))
    )
    assert header[3:5] == ["Hình thức", "Mã giao dịch"]
    assert (line[3], line[4], line[5]) == ("chuyển khoản", "FT26335123456", "2000000")
