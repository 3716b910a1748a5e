"""Dates as the people using the system see them: Vietnam has one time zone and no daylight saving."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def local_today() -> date:
    return datetime.now(VIETNAM).date()


def format_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")
