"""A spreadsheet an accountant opens: the title block, a frozen header, money as numbers shown
`#,##0 đ`, quantities as numbers, dates as dates, a totals row, the foot and the signature block.
xlsxwriter's constant-memory mode writes each row out as the next one starts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import xlsxwriter
from xlsxwriter.format import Format as CellFormat
from xlsxwriter.worksheet import Worksheet

from charity.clock import VIETNAM
from charity.exports.report import Kind, Report, Row, Value, neutralised

_NUMBER_FORMATS = {
    Kind.MONEY: '#,##0 "đ"',
    Kind.QUANTITY: "#,##0.###",
    Kind.INTEGER: "0",
    Kind.DATE: "dd/mm/yyyy",
    Kind.TIME: "dd/mm/yyyy hh:mm:ss",
}


class _Sheet:
    def __init__(self, workbook: xlsxwriter.Workbook, report: Report) -> None:
        self.sheet: Worksheet = workbook.add_worksheet(report.title[:31])
        self.kinds = [column.kind for column in report.columns]
        self.row = 0

        def formats(bold: bool) -> list[CellFormat]:
            return [
                workbook.add_format({"num_format": _NUMBER_FORMATS.get(kind, "@"), "bold": bold})
                for kind in self.kinds
            ]

        self.body, self.bold = formats(False), formats(True)
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.label = workbook.add_format({"bold": True})
        self.header = workbook.add_format(
            {"bold": True, "text_wrap": True, "valign": "vcenter", "border": 1, "bg_color": "#E8E8E8"}
        )
        self.italic = workbook.add_format({"italic": True})
        self.centre = workbook.add_format({"align": "center"})
        self.signature = workbook.add_format({"align": "center", "bold": True})
        for index, column in enumerate(report.columns):
            self.sheet.set_column(index, index, column.width)

    def write(self, values: Row, formats: list[CellFormat]) -> None:
        for index, value in enumerate(values):
            self.cell(index, value, formats[index])
        self.row += 1

    def cell(self, index: int, value: Value, cell_format: CellFormat | None = None) -> None:
        if value is None or value == "":
            return
        if isinstance(value, datetime):
            self.sheet.write_datetime(
                self.row, index, value.astimezone(VIETNAM).replace(tzinfo=None), cell_format
            )
        elif isinstance(value, date):
            self.sheet.write_datetime(self.row, index, value, cell_format)
        elif isinstance(value, int | Decimal):
            self.sheet.write_number(self.row, index, value, cell_format)
        else:
            self.sheet.write_string(self.row, index, neutralised(value), cell_format)

    def line(self, index: int, text: str, cell_format: CellFormat | None = None) -> None:
        self.cell(index, text, cell_format)
        self.row += 1


async def write_xlsx(report: Report, path: Path) -> None:
    """Write the report to a workbook at `path`, batch by batch."""
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "tmpdir": str(path.parent)})
    sheet = _Sheet(workbook, report)
    sheet.line(0, report.title, sheet.title)
    for label, value in report.facts:
        sheet.cell(0, label, sheet.label)
        sheet.line(1, value)
    sheet.row += 1
    sheet.sheet.set_row(sheet.row, 32)
    sheet.write(tuple(column.title for column in report.columns), [sheet.header] * len(report.columns))
    sheet.sheet.freeze_panes(sheet.row, 0)
    async for batch in report.batches:
        for values in batch:
            sheet.write(values, sheet.body)
    for values in report.totals():
        sheet.write(values, sheet.bold)
    sheet.row += 1
    for text in report.foot:
        sheet.line(0, text, sheet.italic)
    _signatures(sheet, report)
    workbook.close()


def _signatures(sheet: _Sheet, report: Report) -> None:
    """Ngày … tháng … năm … over the last signer, then each signer's title and "(Ký, họ tên)"."""
    last = len(report.columns) - 1
    places = [
        round(index * last / max(len(report.signatures) - 1, 1)) for index in range(len(report.signatures))
    ]
    sheet.row += 1
    sheet.line(places[-1], "Ngày …… tháng …… năm ……", sheet.centre)
    for index, title in zip(places, report.signatures, strict=True):
        sheet.cell(index, title, sheet.signature)
    sheet.row += 1
    for index in places:
        sheet.cell(index, "(Ký, họ tên)", sheet.centre)
    sheet.row += 1
