"""CSV for machines (RFC 4180): UTF-8 with a byte order mark so that Excel reads Vietnamese, CRLF
line ends, integers without separators, ISO dates and Vietnam-time instants, formulas neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable
from datetime import datetime

from charity.clock import VIETNAM
from charity.exports.report import Kind, Report, Row, Value, neutralised


def _text(value: Value) -> Value:
    return neutralised(value) if isinstance(value, str) else value


def _time(value: Value) -> Value:
    return value.astimezone(VIETNAM).isoformat(timespec="seconds") if isinstance(value, datetime) else value


# The csv module already writes None as "", numbers without separators and dates as ISO.
_CONVERT: dict[Kind, Callable[[Value], Value]] = {Kind.TEXT: _text, Kind.TIME: _time}


async def csv_chunks(report: Report) -> AsyncIterator[bytes]:
    """The report as CSV, one chunk per batch of rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    converted = [
        (index, _CONVERT[column.kind])
        for index, column in enumerate(report.columns)
        if column.kind in _CONVERT
    ]

    def rows(batch: list[Row]) -> bytes:
        for row in batch:
            cells = list(row)
            for index, convert in converted:
                cells[index] = convert(cells[index])
            writer.writerow(cells)
        chunk = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return chunk.encode()

    writer.writerow([neutralised(column.title) for column in report.columns])
    yield b"\xef\xbb\xbf" + rows([])
    async for batch in report.batches:
        yield rows(batch)
    blank = (None,) * (len(report.columns) - 1)
    yield rows(report.totals() + [(line, *blank) for line in report.foot])
