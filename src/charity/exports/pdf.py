"""A book or register as the printed book: A4 landscape, the head of the table on every page,
"Trang x / y", the foot and the signatures. For a few thousand lines; longer ones go to XLSX."""

from __future__ import annotations

import anyio.to_thread

from charity import pdf
from charity.errors import Invalid
from charity.exports.report import Kind, Report, Row, shown

# Lines a printed export may have; the pages say to export a longer period to XLSX.
MAX_PDF_LINES = 3_000


def refuse_unprintable(what: str, count: int) -> None:
    """An export of `count` lines is too long to print: say so, and what to do instead."""
    if count > MAX_PDF_LINES:
        raise Invalid(
            f"{what} có {count} dòng, quá dài để in (tối đa {MAX_PDF_LINES} dòng): "
            "hãy xuất XLSX, hoặc chọn kỳ ngắn hơn.",
            field="format",
        )


def _cells(rows: list[Row], kinds: list[Kind]) -> list[list[str]]:
    return [[shown(value, kind) for value, kind in zip(row, kinds, strict=True)] for row in rows]


async def pdf_bytes(report: Report) -> bytes:
    kinds = [column.kind for column in report.columns]
    rows: list[Row] = []
    async for batch in report.batches:
        rows.extend(batch)
    html = pdf.templates.get_template("report.html").render(
        report=report,
        rows=_cells(rows, kinds),
        totals=_cells(report.totals(), kinds),
        kinds=[kind.value for kind in kinds],
        widths=sum(column.width for column in report.columns),
    )
    return await anyio.to_thread.run_sync(lambda: pdf.layout(html, "report.css").write_pdf())
