"""Importing a commune's beneficiary list of ROWS rows from an XLSX file through a real `charity serve`:
the dry run and the import (which inserts every row, its category and its consent in one
transaction), beside openpyxl merely reading the same file in the same run, on SQLite and PostgreSQL.
The unit already holds ROWS records, so each row is compared with a registry of that size."""

from __future__ import annotations

import asyncio
import io
import os
import sys
import time
from datetime import date

import httpx
import openpyxl
import xlsxwriter
from sqlalchemy import insert

from bench.gifts import serving
from charity import migrate
from charity.accounts import signin
from charity.accounts.passwords import hash_password
from charity.beneficiaries.cleaning import sort_key
from charity.db import Database
from charity.models import Beneficiary, Membership, Role, Unit, User
from charity.text import fold

ROWS = 10_000
# "Well under a minute", for the import that inserts every row.
TARGET_SECONDS = 30.0
HEADERS = ["STT", "Họ và tên", "Năm sinh", "Giới tính", "Thôn/Ấp", "SĐT", "Số CCCD", "Diện", "Hoàn cảnh"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ"]
# The families of the records already registered: none of them is in the file.
REGISTERED_FAMILY = ["Trương", "Huỳnh", "Phan", "Vũ", "Dương", "Lý", "Ngô", "Đinh", "Lâm", "Mai"]
# One registered record in this many has the name and year of birth of one of the file's rows.
SHARED_EVERY = 50
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Đức", "Kim"]
GIVEN = ["An", "Bình", "Cúc", "Dũng", "Hoa", "Hùng", "Lan", "Mai", "Nam", "Phúc", "Sơn", "Tâm", "Thảo", "Vân"]
CATEGORIES = ["Hộ nghèo", "Hộ cận nghèo", "Người cao tuổi neo đơn", "Người khuyết tật"]


def _person(n: int, families: list[str] = FAMILY) -> tuple[str, int]:
    """A name and a year of birth, the nth of a commune's."""
    name = f"{families[n % 10]} {MIDDLE[n // 10 % 8]} {GIVEN[n // 80 % 14]} {GIVEN[n // 1120 % 14]}"
    # Years scattered (Knuth's multiplicative hash), not in step with the names.
    return name, 1930 + (n * 2_654_435_761 >> 12) % 80


def _cccd(n: int, year: int, female: bool) -> str:
    century = 2 * ((year - 1900) // 100) + int(female)
    return f"048{century}{year % 100:02d}{n:06d}"


def build_xlsx(offset: int) -> bytes:
    """ROWS rows of people numbered from `offset`, as a commune's sheet holds them."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True, "constant_memory": True})
    sheet = workbook.add_worksheet("Danh sách")
    sheet.write_row(0, 0, HEADERS)
    for row in range(1, ROWS + 1):
        n = offset + row
        name, year = _person(n)
        female = n % 2 == 1
        sheet.write_row(
            row,
            0,
            [
                row,
                name,
                year,
                "Nữ" if female else "Nam",
                f"Thôn {n % 12 + 1}",
                f"09{n:08d}",
                _cccd(n, year, female),
                CATEGORIES[n % 4],
                "Neo đơn, không có thu nhập ổn định.",
            ],
        )
    workbook.close()
    return out.getvalue()


async def _prepare(database_url: str) -> tuple[int, str]:
    """A commune holding ROWS records already, a few of them people of the file (likely duplicates),
    and its coordinator's API token."""
    database = Database(database_url)
    try:
        async with database.write() as session:
            unit = Unit(code="BENCH", name="Hội Phụ nữ xã Hòa Khánh Tây")
            user = User(
                username="bench-coordinator", full_name="Trần Thị Hoa", password_hash=hash_password("x" * 12)
            )
            session.add_all([unit, user])
            await session.flush()
            session.add(Membership(user_id=user.id, unit_id=unit.id, role=Role.COORDINATOR))
            records = []
            for n in range(ROWS):
                name, year = _person(n + 1) if n % SHARED_EVERY == 0 else _person(n, REGISTERED_FAMILY)
                records.append(
                    {
                        "unit_id": unit.id,
                        "name": name,
                        "birth_year": year,
                        "hamlet": f"Thôn {n % 12 + 1}",
                        "name_key": fold(name),
                        "sort_key": sort_key(name),
                        "search_basic": fold(name),
                        "search_text": fold(name),
                        "proposed_by": user.id,
                    }
                )
            await session.execute(insert(Beneficiary), records)
            token, _ = await signin.issue_api_token(session, user, "127.0.0.1")
            return unit.id, token
    finally:
        await database.dispose()


def _read_with_openpyxl(content: bytes) -> float:
    started = time.perf_counter()
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    rows = sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    if rows != ROWS + 1:
        raise RuntimeError(f"openpyxl read {rows} rows")
    return time.perf_counter() - started


def measure(database_url: str, label: str) -> dict[str, object]:
    migrate.upgrade(database_url)
    unit_id, token = asyncio.run(_prepare(database_url))
    content = build_xlsx(0)
    env = os.environ | {"CHARITY_DATABASE_URL": database_url, "CHARITY_SECRET_KEY": "bench-" + "k" * 40}
    figures: dict[str, object] = {"label": label, "openpyxl": _read_with_openpyxl(content)}
    with serving([f"{sys.prefix}/bin/charity", "serve"], env) as server:
        for name, dry_run in (("dry_run", "true"), ("import", "false")):
            started = time.perf_counter()
            answer = httpx.post(
                f"{server.url}/api/beneficiaries/import",
                params={"dry_run": dry_run},
                files={"file": ("danh-sach.xlsx", content)},
                data={
                    "unit_id": str(unit_id),
                    "signed_consent": "true",
                    "consent_given_on": date.today().isoformat(),
                },
                headers={"Authorization": f"Bearer {token}"},
                timeout=600,
            )
            figures[name] = time.perf_counter() - started
            answer.raise_for_status()
            figures[f"{name}_counts"] = answer.json()["counts"]
    return figures


def report(figures: dict[str, object]) -> str:
    baseline = float(figures["openpyxl"])  # type: ignore[arg-type]
    rows = f"{ROWS:_}".replace("_", ".")
    out = [f"{figures['label']}", f"{f'  openpyxl reading the {rows}-row XLSX':50}{baseline:7.1f} s"]
    for name, title in (("dry_run", "dry run"), ("import", "import (all rows inserted)")):
        seconds = float(figures[name])  # type: ignore[arg-type]
        verdict = "" if seconds <= TARGET_SECONDS else "  target missed"
        out.append(
            f"{f'  {title} (target ≤ {TARGET_SECONDS:.0f} s)':50}{seconds:7.1f} s"
            f"  ×{seconds / baseline:.1f} openpyxl  {figures[f'{name}_counts']}{verdict}"
        )
    return "\n".join(out)
