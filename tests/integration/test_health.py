from __future__ import annotations

from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from charity.app import create_app
from charity.settings import Settings
from tests.conftest import TEST_SECRET_KEY


async def test_health_answers_ok_when_the_database_answers(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize("engine_name", ["sqlite", "postgresql"])
async def test_health_answers_503_when_the_database_does_not(tmp_path: Path, engine_name: str) -> None:
    unreachable = {
        # A directory where the database file should be: SQLite cannot open it.
        "sqlite": f"sqlite+aiosqlite:///{tmp_path}",
        # Nothing listens on port 1.
        "postgresql": "postgresql+asyncpg://charity@127.0.0.1:1/charity",
    }[engine_name]
    settings = Settings(database_url=unreachable, secret_key=TEST_SECRET_KEY, data_dir=tmp_path)
    async with AsyncTestClient(app=create_app(settings)) as client:
        response = await client.get("/health")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
