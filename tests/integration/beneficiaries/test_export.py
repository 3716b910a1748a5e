"""The beneficiary list as a file, read back: the list's records in the Vietnamese order of names, each
as the exporting role may see it, without the columns that role never sees; each export an audit
event that names no one."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
from litestar import Litestar
from litestar.testing import AsyncTestClient

from charity.db import Database
from charity.models import Membership, Role
from tests.integration.beneficiaries.conftest import household, propose
from tests.support import pdf_pages
from tests.world import World

SENSITIVE_COLUMNS = ("Số CCCD", "Điện thoại", "Địa chỉ", "Năm sinh", "Hoàn cảnh", "Sức khỏe, khuyết tật")


async def _households(client: AsyncTestClient[Litestar], world: World) -> list[dict[str, Any]]:
    """Three households besides the world's two (both "Phạm Thị Lụa"), proposed in another order than
    their given names'."""
    return [
        await propose(client, world),
        await propose(
            client,
            world,
            name="Trần Văn An",
            sex="male",
            birth_year=1975,
            phone="0912 345 678",
            id_number="001075004321",
            hamlet="-Thôn 3",
            members=[],
        ),
        await propose(
            client,
            world,
            name="Lê Thị Bình",
            birth_year=1980,
            phone="",
            id_number="079180009876",
            health="",
            members=[],
        ),
    ]


async def _file(client: AsyncTestClient[Litestar], world: World, who: str, file_format: str, **query: Any):
    answer = await client.get(
        "/api/beneficiaries/export", params={"format": file_format, **query}, headers=world.auth(who)
    )
    assert answer.status_code == 200, answer.text
    return answer


async def _csv(
    client: AsyncTestClient[Litestar], world: World, who: str, **query: Any
) -> list[dict[str, str]]:
    answer = await _file(client, world, who, "csv", **query)
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"].startswith('attachment; filename="danh-sach-doi-tuong')
    *rows, foot = csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig")))
    # The file ends as the printed list does, saying what it holds.
    assert foot["Mã hồ sơ"].startswith("Danh sách có dữ liệu cá nhân")
    return rows


async def _listed(client: AsyncTestClient[Litestar], world: World, who: str, **query: Any) -> list[dict]:
    answer = await client.get("/api/beneficiaries", params=query, headers=world.auth(who))
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


async def test_a_coordinators_file_holds_the_list_whole_in_the_vietnamese_order(
    client: AsyncTestClient[Litestar], world: World
) -> None:
    hong, an, binh = await _households(client, world)
    rows = await _csv(client, world, "coordinator")
    listed = await _listed(client, world, "coordinator")
    assert [row["Mã hồ sơ"] for row in rows] == [item["code"] for item in listed]
    assert [row["Họ và tên"] for row in rows] == [
        "Trần Văn An",
        "Lê Thị Bình",
        "Nguyễn Thị Hồng",
        "Phạm Thị Lụa",
        "Phạm Thị Lụa",
    ]
    by_code = {row["Mã hồ sơ"]: row for row in rows}
    assert by_code[hong["code"]]["Số CCCD"] == "048168001234"
    assert by_code[hong["code"]]["Điện thoại"] == "0903512846"
    assert by_code[hong["code"]]["Năm sinh"] == "1968"
    assert by_code[hong["code"]]["Sức khỏe, khuyết tật"] == household(world)["health"]
    assert by_code[hong["code"]]["Thành viên hộ"] == "Lê Văn Minh (con, 2010)"
    assert by_code[hong["code"]]["Trạng thái"] == "Đề xuất"
    assert by_code[hong["code"]]["Đã đồng ý"] == "nhận hỗ trợ; lưu số CCCD và thông tin sức khỏe, khuyết tật"
    # A spreadsheet shows a cell starting with a formula sign as typed, never runs it.
    assert by_code[an["code"]]["Thôn, ấp, tổ"] == "'-Thôn 3"
    assert by_code[binh["code"]]["Điện thoại"] == ""

    hong_only = await _csv(client, world, "coordinator", q="nguyen thi hong", unit_id=world.units["COMMUNE"])
    assert [row["Mã hồ sơ"] for row in hong_only] == [hong["code"]]


async def test_an_auditors_workbook_has_the_cccd_masked_and_no_health_details(
    client: AsyncTestClient[Litestar], world: World
) -> None:
    hong, _, _ = await _households(client, world)
    answer = await _file(client, world, "auditor", "xlsx", unit_id=world.units["COMMUNE"])
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0][0] == "DANH SÁCH ĐỐI TƯỢNG THỤ HƯỞNG"
    assert ("Đơn vị", "Hội Phụ nữ COMMUNE và các đơn vị trực thuộc") in [tuple(row[:2]) for row in cells]
    head = next(index for index, row in enumerate(cells) if row[0] == "Mã hồ sơ")
    titles = [title for title in cells[head] if title]
    assert "Số CCCD" in titles
    assert "Sức khỏe, khuyết tật" not in titles
    rows = [
        dict(zip(titles, row, strict=False))
        for row in cells[head + 1 :]
        if row[0] and row[0].startswith("ĐT-")
    ]
    [seen] = [row for row in rows if row["Mã hồ sơ"] == hong["code"]]
    [listed] = [item for item in await _listed(client, world, "auditor") if item["code"] == hong["code"]]
    assert seen["Số CCCD"] == listed["id_number"]
    assert seen["Số CCCD"].endswith("1234")
    assert "048168" not in seen["Số CCCD"]
    assert seen["Năm sinh"] == 1968


async def test_a_volunteers_file_has_no_column_a_volunteer_may_not_see(
    client: AsyncTestClient[Litestar], world: World
) -> None:
    await _households(client, world)
    rows = await _csv(client, world, "volunteer")
    assert len(rows) == 5
    titles = set(rows[0])
    assert {"Mã hồ sơ", "Họ và tên", "Thôn, ấp, tổ", "Trạng thái", "Đã đồng ý"} <= titles
    assert titles.isdisjoint(SENSITIVE_COLUMNS)
    text = (await _file(client, world, "volunteer", "csv")).content.decode("utf-8-sig")
    for hidden in ("048168001234", "1234", "0903", household(world)["health"]):
        assert hidden not in text


async def test_a_printed_list_and_every_export_is_recorded_without_a_name(
    client: AsyncTestClient[Litestar], world: World
) -> None:
    await _households(client, world)
    printed = await _file(client, world, "coordinator", "pdf", status="proposed")
    assert printed.headers["content-type"] == "application/pdf"
    text = " ".join(" ".join(pdf_pages(printed.content)).split())
    for words in ("DANH SÁCH ĐỐI TƯỢNG THỤ HƯỞNG", "Trần Văn An", "Nguyễn Thị Hồng", "Người lập danh sách"):
        assert words in text, words
    await _file(client, world, "volunteer", "csv", q="hong")
    await _file(client, world, "auditor", "xlsx")

    log = await client.get(
        "/api/audit", params={"action": "beneficiary.export"}, headers=world.auth("auditor")
    )
    events = sorted(log.json()["items"], key=lambda event: event["id"])
    assert [(e["actor_id"], e["after"]["format"], e["after"]["rows"]) for e in events] == [
        (world.users["coordinator"], "pdf", 5),
        (world.users["volunteer"], "csv", 1),
        (world.users["auditor"], "xlsx", 5),
    ]
    assert [e["after"]["searched"] for e in events] == [False, True, False]
    assert events[0]["after"]["status"] == "proposed"
    for event in events:
        assert "Hồng" not in str(event["after"])
        assert "hong" not in str(event["after"])


async def test_an_export_of_a_unit_out_of_sight_or_without_a_format_is_refused(
    client: AsyncTestClient[Litestar], world: World
) -> None:
    elsewhere = await client.get(
        "/api/beneficiaries/export",
        params={"format": "csv", "unit_id": world.units["ELSEWHERE"]},
        headers=world.auth("coordinator"),
    )
    assert elsewhere.status_code == 404
    for query in ({}, {"format": "docx"}):
        answer = await client.get(
            "/api/beneficiaries/export", params=query, headers=world.auth("coordinator")
        )
        assert answer.status_code == 422, answer.text
    log = await client.get(
        "/api/audit", params={"action": "beneficiary.export"}, headers=world.auth("auditor")
    )
    assert log.json()["items"] == []


async def test_a_column_is_there_when_some_listed_unit_shows_it_and_empty_on_lines_it_hides(
    client: AsyncTestClient[Litestar], world: World, database: Database
) -> None:
    # The commune's coordinator is a volunteer in the sibling commune.
    async with database.write() as session:
        session.add(
            Membership(
                user_id=world.users["commune-coordinator"],
                unit_id=world.units["SIBLING"],
                role=Role.VOLUNTEER,
            )
        )
    hong = await propose(client, world)
    sibling = await propose(
        client,
        world,
        "commune-coordinator",
        unit_id=world.units["SIBLING"],
        name="Võ Thị Cúc",
        phone="0987 654 321",
        id_number="079180009876",
        birth_year=1980,
    )
    rows = {row["Mã hồ sơ"]: row for row in await _csv(client, world, "commune-coordinator")}
    assert rows[hong["code"]]["Số CCCD"] == "048168001234"
    assert rows[sibling["code"]]["Số CCCD"] == ""
    assert rows[sibling["code"]]["Họ và tên"] == "Võ Thị Cúc"

    in_sibling = await _csv(client, world, "commune-coordinator", unit_id=world.units["SIBLING"])
    assert [row["Mã hồ sơ"] for row in in_sibling] == [sibling["code"]]
    assert set(in_sibling[0]).isdisjoint(SENSITIVE_COLUMNS)
