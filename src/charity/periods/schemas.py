from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from charity.fields import Id, Text

# "2026-11": a year and a month, as an HTML month input sends it.
MONTH_PATTERN = r"^[0-9]{4}-[0-9]{2}$"
Month = Annotated[str, msgspec.Meta(pattern=MONTH_PATTERN, examples=["2026-11"])]


class CloseIn(msgspec.Struct, forbid_unknown_fields=True):
    unit_id: Id
    month: Month


class ReopenIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Text


class PeriodOut(msgspec.Struct):
    id: int
    unit_id: int
    unit_code: str
    unit_name: str
    month: str  # "2026-11"
    closed_at: datetime
    closed_by: int
    closed_by_name: str
    # All three None while the month stays closed.
    reopened_at: datetime | None
    reopened_by: int | None
    reopened_by_name: str | None
    reopen_reason: str | None
