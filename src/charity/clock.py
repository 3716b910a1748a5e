"""Dates as the people using the system see them: Vietnam has one time zone and no daylight saving."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def now() -> datetime:
    """The current time, in UTC: the one clock that the timestamps the system writes and the
    windows it checks (a gift sent twice within minutes) are read from, so a test can move it."""
    return datetime.now(UTC)


def local_today() -> date:
    return now().astimezone(VIETNAM).date()


def format_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def format_month(day: date) -> str:
    """A month as Vietnamese write it: 11/2026."""
    return day.strftime("%m/%Y")


def start_of(day: date) -> datetime:
    """When a day begins in Vietnam, as a UTC moment (to compare with stored timestamps)."""
    return datetime.combine(day, time.min, tzinfo=VIETNAM).astimezone(UTC)
