"""What an exported book, register or log is, whatever its file format: a title block, columns,
rows that arrive in batches (never all held at once), the totals known once they are read, and the
lines printed at its foot."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from charity.clock import VIETNAM, format_date, now
from charity.money import format_quantity

Value = str | int | Decimal | date | datetime | None
Row = tuple[Value, ...]

# Spreadsheet programs run a text cell starting with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(text: str) -> str:
    """Text a spreadsheet shows as it is and never runs: a leading apostrophe before a formula start."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


class Format(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    PDF = "pdf"


class Kind(StrEnum):
    TEXT = "text"
    MONEY = "money"  # whole đồng
    QUANTITY = "quantity"
    INTEGER = "integer"
    DATE = "date"
    TIME = "time"  # an instant, shown in Vietnam's time


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    kind: Kind = Kind.TEXT
    # Characters of Vietnamese text the column is wide in a spreadsheet, and its share of a page.
    width: int = 12


@dataclass(slots=True)
class Report:
    title: str  # "SỔ QUỸ TIỀN MẶT"
    facts: list[tuple[str, str]]  # the title block: ("Đơn vị", "Hội Phụ nữ xã …"), …
    columns: list[Column]
    batches: AsyncIterator[list[Row]]
    # Rows after the body (totals, balances), asked for once every batch is read.
    totals: Callable[[], list[Row]] = lambda: []
    foot: list[str] = field(default_factory=list)
    # A Vietnamese report ends with these signatures.
    signatures: tuple[str, ...] = ("Người lập biểu", "Kế toán", "Thủ trưởng đơn vị")


MEDIA_TYPES = {
    Format.CSV: "text/csv; charset=utf-8",
    Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Format.PDF: "application/pdf",
}


def shown(value: Value, kind: Kind) -> str:
    """A cell as a person reads it on a page or a printed book: 1.250.000, 12,5, 01/12/2026."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return format_date(value)
    if kind == Kind.MONEY and isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, Decimal):
        return format_quantity(value)
    return str(value)


def period_text(date_from: date | None, date_to: date | None) -> str:
    """ "Từ ngày 01/11/2026 đến ngày 30/11/2026", either end open."""
    start = f"từ ngày {format_date(date_from)}" if date_from else "từ đầu"
    end = f"đến ngày {format_date(date_to)}" if date_to else "đến nay"
    return f"{start} {end}".capitalize()


def closing_facts(date_from: date | None, date_to: date | None, who: str) -> list[tuple[str, str]]:
    """The end of every title block: the period, when the file was made and by whom."""
    return [
        ("Kỳ", period_text(date_from, date_to)),
        ("Xuất lúc", now().astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")),
        ("Người xuất", who),
    ]


def file_name(*parts: str, date_from: date | None, date_to: date | None) -> str:
    """An export's file name (ASCII, for Content-Disposition): what it holds, then its period."""
    days = [day.isoformat() for day in (date_from, date_to) if day]
    return "-".join(part for part in (*parts, *days) if part)
