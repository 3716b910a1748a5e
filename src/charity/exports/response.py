"""An export as an answer: the file streamed from a snapshot read of its own, which stays open
while the rows are sent (the request's transaction has ended by then)."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import anyio
import anyio.to_thread
from litestar.response import Stream
from sqlalchemy.ext.asyncio import AsyncSession

from charity import pdf
from charity.db import Database
from charity.exports.csv import csv_chunks
from charity.exports.pdf import pdf_bytes
from charity.exports.report import MEDIA_TYPES, Format, Report
from charity.exports.xlsx import write_xlsx

_CHUNK = 1 << 16


async def _xlsx_chunks(report: Report) -> AsyncIterator[bytes]:
    with tempfile.TemporaryDirectory(prefix="charity-export-") as folder:
        path = Path(folder) / "export.xlsx"
        await write_xlsx(report, path)
        async with await anyio.open_file(path, "rb") as workbook:
            while chunk := await workbook.read(_CHUNK):
                yield chunk


async def _chunks(
    database: Database, make: Callable[[AsyncSession], Awaitable[Report]], format: Format
) -> AsyncIterator[bytes]:
    async with database.snapshot() as session:
        report = await make(session)
        if format == Format.PDF:
            yield await pdf_bytes(report)
            return
        chunks = csv_chunks(report) if format == Format.CSV else _xlsx_chunks(report)
        async for chunk in chunks:
            yield chunk


def export_answer(
    database: Database, make: Callable[[AsyncSession], Awaitable[Report]], format: Format, file_name: str
) -> Stream:
    """The report `make` builds in its own snapshot, as a `format` file named `file_name`."""
    return Stream(
        _chunks(database, make, format),
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{file_name}.{format.value}"'},
    )


def printed_answer(html: str, stylesheet_name: str, file_name: str) -> Stream:
    """A printed paper (a form, a record) as a PDF to open and print, laid out off the event loop once
    the request's transaction has ended. Papers hold personal data: no cache keeps a copy."""

    async def content() -> AsyncIterator[bytes]:
        yield await anyio.to_thread.run_sync(lambda: pdf.layout(html, stylesheet_name).write_pdf())

    return Stream(
        content(),
        media_type=MEDIA_TYPES[Format.PDF],
        headers={"Content-Disposition": f'inline; filename="{file_name}.pdf"', "Cache-Control": "no-store"},
    )
