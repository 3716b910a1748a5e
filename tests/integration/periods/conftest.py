from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from charity import clock
from charity.clock import VIETNAM
from charity.db import Database
from tests.gifts_world import GiftsWorld, build_gifts_world


@dataclass
class Clock:
    """The system's clock, set by the test: which month has ended, and what "today" a void posts on."""

    now: datetime

    def set(self, *local: int) -> None:
        """Move to this moment of Vietnam's time (year, month, day, hour, minute)."""
        self.now = datetime(*local, tzinfo=VIETNAM).astimezone(UTC)


@pytest.fixture
def vietnam_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    moment = Clock(datetime(2026, 12, 10, 9, 0, tzinfo=VIETNAM).astimezone(UTC))
    monkeypatch.setattr(clock, "now", lambda: moment.now)
    return moment


@pytest.fixture
async def world(vietnam_clock: Clock, database: Database) -> GiftsWorld:
    """The gifts world on 10/12/2026: its rice drive receives all of 2026."""
    return await build_gifts_world(database)
