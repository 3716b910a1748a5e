"""Importing a commune's beneficiary list from a CSV or XLSX file: the dry run says what would happen
to each row and writes nothing; the import creates exactly the accepted rows; a second import of the
same file creates nothing; the CCCD column needs the unit's declaration of signed consent forms."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
import xlsxwriter
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from charity.db import Database
from charity.models import AuditEvent, Beneficiary, Consent, DuplicateSuspicion
from tests.integration.beneficiaries.conftest import propose
from tests.world import World

HEADERS = ["STT", "Họ và tên", "Năm sinh", "Giới tính", "Thôn/Ấp", "SĐT", "Số CCCD", "Diện", "Hoàn cảnh"]
# The registered household the file's rows meet (`propose`): Nguyễn Thị Hồng, 1968, CCCD 048168001234.
ROWS: list[list[Any]] = [
    [1, "Trần Văn Bảy", 1950, "Nam", "Thôn 1", "0905111222", "", "Hộ nghèo", "Sống một mình"],
    [2, "Lê Thị Năm", 1972, "Nữ", "Thôn 2", "", "048172001111", "Hộ cận nghèo; Người khuyết tật", ""],
    [3, "Phạm Văn Sáu", 1980, "Nam", "Thôn 3", "", "12345", "", ""],  # a CCCD number too short
    [4, "Võ Thị Tư", 1965, "Nữ", "Thôn 1", "", "", "Hộ rất nghèo", ""],  # no such category
    [5, "Nguyễn Thị Hồng", 1968, "Nữ", "Thôn Phú Sơn", "", "048168001234", "Hộ nghèo", ""],  # registered
    [6, "Nguyễn Thị Hông", 1968, "Nữ", "Thôn 4", "", "", "", ""],  # like the registered name, same year
    [7, "Đặng Văn Chín", 1958, "Nam", "Thôn 5", "", "", "", ""],
    [8, "Đặng Văn Chín", 1958, "Nam", "Thôn 5", "", "", "", ""],  # the row above again
]
CONSENT = {"signed_consent": "true", "consent_given_on": "2026-11-20"}


def as_csv(rows: list[list[Any]], headers: list[str] = HEADERS, *, bom: bool = True) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode()


def as_xlsx(rows: list[list[Any]], headers: list[str] = HEADERS) -> bytes:
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = workbook.add_worksheet("Danh sách")
    sheet.write_row(0, 0, headers)
    for number, row in enumerate(rows, start=1):
        # As a commune's sheet holds them: numbers as numbers, CCCD numbers as text.
        sheet.write_row(number, 0, [cell if cell != "" else None for cell in row])
    workbook.close()
    return out.getvalue()


FILES = {"csv": ("danh-sach.csv", as_csv), "xlsx": ("danh-sach.xlsx", as_xlsx)}


async def send(
    client: AsyncTestClient[Litestar],
    world: World,
    content: bytes,
    *,
    file_name: str = "danh-sach.xlsx",
    dry_run: bool,
    who: str = "coordinator",
    unit: str = "COMMUNE",
    **form: str,
) -> Any:
    return await client.post(
        f"/api/beneficiaries/import?dry_run={'true' if dry_run else 'false'}",
        files={"file": (file_name, content)},
        data={"unit_id": str(world.units[unit]), **form},
        headers=world.auth(who),
    )


async def counts(database: Database) -> dict[str, int]:
    async with database.read() as session:
        return {
            name: (await session.execute(select(func.count()).select_from(table))).scalar_one()
            for name, table in (
                ("beneficiaries", Beneficiary),
                ("consents", Consent),
                ("suspicions", DuplicateSuspicion),
                ("events", AuditEvent),
            )
        }


def by_row(report: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {row["row"]: row for row in report["rows"]}


@pytest.mark.parametrize("kind", FILES)
async def test_a_dry_run_says_what_each_row_would_become_and_writes_nothing(
    client: AsyncTestClient[Litestar], database: Database, world: World, kind: str
) -> None:
    registered = await propose(client, world)
    name, build = FILES[kind]
    before = await counts(database)
    response = await send(client, world, build(ROWS), file_name=name, dry_run=True, **CONSENT)
    assert response.status_code == 200, response.text
    report = response.json()
    assert await counts(database) == before
    assert report["dry_run"] is True
    assert report["mapping"]["name"] == "Họ và tên"
    assert report["mapping"]["hamlet"] == "Thôn/Ấp"
    assert report["ignored_columns"] == ["STT"]
    assert report["counts"] == {"create": 3, "duplicate": 1, "exists": 2, "refused": 2}
    rows = by_row(report)
    # The header is the sheet's row 1.
    assert [rows[n]["outcome"] for n in range(2, 10)] == [
        "create",
        "create",
        "refused",
        "refused",
        "exists",
        "duplicate",
        "create",
        "exists",
    ]
    assert rows[4]["errors"] == [
        {"field": "id_number", "column": "Số CCCD", "message": "Số CCCD gồm đúng 12 chữ số."}
    ]
    assert rows[5]["errors"][0]["column"] == "Diện"
    assert "Hộ rất nghèo" in rows[5]["errors"][0]["message"]
    assert rows[6]["matches"][0]["code"] == registered["code"]
    assert rows[6]["matches"][0]["on_id_number"] is True
    assert rows[7]["matches"][0]["code"] == registered["code"]
    assert rows[7]["matches"][0]["on_name"] is True
    assert rows[9]["matches"][0]["row"] == 8
    assert rows[2]["name"] == "Trần Văn Bảy"
    assert all(row["code"] is None for row in report["rows"])


@pytest.mark.parametrize("kind", FILES)
async def test_the_import_creates_the_accepted_rows_and_a_second_import_nothing(
    client: AsyncTestClient[Litestar], database: Database, world: World, kind: str
) -> None:
    registered = await propose(client, world)
    name, build = FILES[kind]
    content = build(ROWS)
    before = await counts(database)
    response = await send(client, world, content, file_name=name, dry_run=False, **CONSENT)
    assert response.status_code == 200, response.text
    report = response.json()
    after = await counts(database)
    # Rows 2, 3, 7 and 8 (the likely duplicate is created too); each with the declared consent.
    assert after["beneficiaries"] == before["beneficiaries"] + 4
    assert after["consents"] == before["consents"] + 4
    assert after["suspicions"] == before["suspicions"] + 1
    assert after["events"] == before["events"] + 1
    rows = by_row(report)
    created = {n: rows[n]["code"] for n in (2, 3, 7, 8)}
    assert all(created.values())
    assert rows[9]["matches"][0] == {
        "code": created[8],
        "row": 8,
        "on_id_number": False,
        "on_phone": False,
        "on_name": True,
        "name_score": 100,
    }

    household = await client.get(
        "/api/beneficiaries",
        params={"q": "le thi nam"},
        headers=world.auth("coordinator"),
    )
    [found] = household.json()["items"]
    assert found["code"] == created[3]
    assert found["status"] == "proposed"
    assert found["id_number"] == "048172001111"
    assert [c["name"] for c in found["categories"]] == ["Hộ cận nghèo", "Người khuyết tật"]
    assert set(found["consented_to"]) == {"support", "sensitive_data"}
    # Found by its code, as a record proposed by hand is.
    by_code = await client.get(
        "/api/beneficiaries", params={"q": created[3]}, headers=world.auth("coordinator")
    )
    assert [b["code"] for b in by_code.json()["items"]] == [created[3]]

    suspicions = await client.get("/api/beneficiaries/duplicates", headers=world.auth("coordinator"))
    pairs = [{s["first"]["code"], s["second"]["code"]} for s in suspicions.json()["items"]]
    assert {registered["code"], created[7]} in pairs

    async with database.read() as session:
        event = (
            await session.execute(select(AuditEvent).where(AuditEvent.action == "beneficiary.import"))
        ).scalar_one()
    assert event.after == {
        "file_name": name,
        "rows": 8,
        "created": 3,
        "duplicate": 1,
        "exists": 2,
        "refused": 2,
        "consent_given_on": "2026-11-20",
    }
    assert "Lê Thị Năm" not in json.dumps(event.after, ensure_ascii=False)

    again = await send(client, world, content, file_name=name, dry_run=False, **CONSENT)
    assert again.status_code == 200, again.text
    assert again.json()["counts"] == {"create": 0, "duplicate": 0, "exists": 6, "refused": 2}
    assert (await counts(database))["beneficiaries"] == after["beneficiaries"]


async def test_a_csv_not_in_utf8_is_refused_with_how_to_save_it(
    client: AsyncTestClient[Litestar], world: World
) -> None:
    # As Excel saves a sheet as "Unicode Text".
    content = as_csv(ROWS[:1], bom=False).decode().encode("utf-16")
    response = await send(client, world, content, file_name="danh-sach.csv", dry_run=True, **CONSENT)
    assert response.status_code == 422
    assert response.json()["extra"]["field"] == "file"
    assert "CSV UTF-8" in response.json()["detail"]


async def test_a_semicolon_csv_without_bom_is_read(client: AsyncTestClient[Litestar], world: World) -> None:
    content = "Họ tên chủ hộ;Năm sinh;Thôn, ấp\nTrần Văn Bảy;1950;Thôn 1\n".encode()
    response = await send(client, world, content, file_name="ds.csv", dry_run=True)
    assert response.status_code == 200, response.text
    assert response.json()["mapping"] == {
        "name": "Họ tên chủ hộ",
        "birth_year": "Năm sinh",
        "hamlet": "Thôn, ấp",
    }
    assert response.json()["counts"]["create"] == 1


async def test_a_cccd_column_without_the_consent_declaration_refuses_the_whole_file(
    client: AsyncTestClient[Litestar], database: Database, world: World
) -> None:
    before = await counts(database)
    response = await send(client, world, as_xlsx(ROWS), dry_run=False)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "consent_required"
    assert "Số CCCD" in body["detail"]
    assert "Nghị định 13/2023" in body["detail"]
    assert await counts(database) == before


async def test_a_mapping_sent_replaces_the_one_found(client: AsyncTestClient[Litestar], world: World) -> None:
    mapping = json.dumps({"name": "Họ và tên", "hamlet": "Hoàn cảnh"})
    response = await send(client, world, as_xlsx(ROWS[:1]), dry_run=True, mapping=mapping)
    assert response.status_code == 200, response.text
    assert response.json()["mapping"] == {"name": "Họ và tên", "hamlet": "Hoàn cảnh"}
    unknown = await send(client, world, as_xlsx(ROWS[:1]), dry_run=True, mapping=json.dumps({"name": "Tên"}))
    assert unknown.status_code == 422
    assert unknown.json()["detail"] == "Tệp không có cột “Tên” (Họ và tên)."


async def test_only_coordinators_of_the_unit_import(client: AsyncTestClient[Litestar], world: World) -> None:
    content = as_xlsx(ROWS[:1], HEADERS[:3])
    assert (await send(client, world, content, dry_run=True, who="volunteer")).status_code == 403
    assert (await send(client, world, content, dry_run=True, who="auditor")).status_code == 403
    assert (await send(client, world, content, dry_run=True, who="outsider")).status_code == 404
    # The coordinator of the district, of a unit outside it, or of one no row can be.
    assert (await send(client, world, content, dry_run=True, unit="ELSEWHERE")).status_code == 404
    for impossible in ("0", "-3", str(10**30)):
        answer = await client.post(
            "/api/beneficiaries/import?dry_run=false",
            files={"file": ("ds.xlsx", content)},
            data={"unit_id": impossible},
            headers=world.auth("coordinator"),
        )
        assert answer.status_code == 404, (impossible, answer.text)


async def test_files_over_the_limits_are_refused(client: AsyncTestClient[Litestar], world: World) -> None:
    big = as_csv([], ["Họ và tên"]) + b"x" * (5 * 1024 * 1024)
    response = await send(client, world, big, file_name="ds.csv", dry_run=True)
    assert response.status_code == 413
    assert "5 MB" in response.json()["detail"]
    many = as_csv([[f"Người {n}"] for n in range(20_001)], ["Họ và tên"])
    response = await send(client, world, many, file_name="ds.csv", dry_run=True)
    assert response.status_code == 422
    assert "20.000" in response.json()["detail"]
    xls = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100
    response = await send(client, world, xls, file_name="ds.xls", dry_run=True)
    assert response.status_code == 422
    assert ".xlsx" in response.json()["detail"]
