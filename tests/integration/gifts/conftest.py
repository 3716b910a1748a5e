from __future__ import annotations

import pytest

from charity.db import Database
from tests.gifts_world import GiftsWorld, build_gifts_world


@pytest.fixture
async def world(database: Database) -> GiftsWorld:
    return await build_gifts_world(database)
