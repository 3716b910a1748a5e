"""Whatever text a donor, a memo or a name holds, the CSV and the spreadsheet give it back as text a
spreadsheet never runs, and numbers and dates come back as numbers and dates."""

from __future__ import annotations

import asyncio
import csv
import io
import tempfile
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.utils.escape import unescape

from charity.exports.csv import csv_chunks
from charity.exports.report import Column, Kind, Report, Row, neutralised
from charity.exports.xlsx import write_xlsx

COLUMNS = [
    Column("Ngày", Kind.DATE),
    Column("Diễn giải", Kind.TEXT),
    Column("Số tiền", Kind.MONEY),
    Column("Số lượng", Kind.QUANTITY),
    Column("Lúc", Kind.TIME),
]
# Text as people type it, and text made to be run as a formula.
texts = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=30) | st.sampled_from(
    ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "\tlệnh", "\rlệnh", "=1+1"]
)
rows = st.lists(
    st.tuples(
        st.dates(date(2000, 1, 1), date(2100, 1, 1)),
        texts,
        st.integers(-(10**15), 10**15),
        st.decimals(Decimal("-1000000"), Decimal("1000000"), places=3),
        st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1)).map(
            lambda moment: moment.replace(tzinfo=UTC, microsecond=0)
        ),
    ),
    max_size=8,
)


def _report(body: list[Row]) -> Report:
    async def batches() -> AsyncIterator[list[Row]]:
        yield body

    return Report(title="SỔ", facts=[("Đơn vị", "Hội Phụ nữ")], columns=COLUMNS, batches=batches())


async def _csv(report: Report) -> bytes:
    return b"".join([chunk async for chunk in csv_chunks(report)])


def test_a_formula_start_is_neutralised_and_nothing_else_changes() -> None:
    assert neutralised("=1+1") == "'=1+1"
    assert neutralised("\rx") == "'\rx"
    assert neutralised("Nguyễn Văn A") == "Nguyễn Văn A"
    assert neutralised("") == ""


@settings(max_examples=60, deadline=None)
@given(rows)
def test_csv_gives_back_text_neutralised_and_numbers_and_dates_as_written(body: list[Row]) -> None:
    content = asyncio.run(_csv(_report(body)))
    assert content.startswith(b"\xef\xbb\xbf")
    read = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert read[0] == [column.title for column in COLUMNS]
    for (day, text, amount, quantity, moment), line in zip(body, read[1:], strict=True):
        assert line[0] == day.isoformat()
        assert line[1] == neutralised(text)
        assert not line[1].startswith(("=", "+", "-", "@", "\t", "\r"))
        assert int(line[2]) == amount
        assert Decimal(line[3]) == quantity
        assert datetime.fromisoformat(line[4]) == moment


@settings(max_examples=15, deadline=None)
@given(rows)
def test_the_spreadsheet_gives_back_text_as_text_and_numbers_as_numbers(body: list[Row]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sổ.xlsx"
        asyncio.run(write_xlsx(_report(body), path))
        sheet = openpyxl.load_workbook(path).active
    values = list(sheet.iter_rows(values_only=True))
    header = values.index(tuple(column.title for column in COLUMNS))
    for index, (day, text, amount, quantity, _moment) in enumerate(body):
        cells = values[header + 1 + index]
        assert cells[0] == datetime.combine(day, datetime.min.time())
        # openpyxl reads an empty text cell as no cell, and leaves Excel's _x000D_ escapes as they are.
        assert unescape(cells[1] or "") == neutralised(text)
        assert cells[2] == amount
        assert Decimal(str(cells[3])) == quantity
    for row in sheet.iter_rows(min_row=header + 2, max_row=header + 1 + len(body)):
        assert row[1].data_type == "s" or row[1].value is None
