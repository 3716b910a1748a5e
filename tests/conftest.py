from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from charity.app import create_app
from charity.db import Database
from charity.requests import database_of
from charity.settings import Settings
from tests.support import (
    ENGINES,
    POSTGRES_ENV,
    SERVERS,
    PostgresDatabases,
    SqliteDatabases,
    postgres_url,
    serving,
)

TEST_SECRET_KEY = "test-secret-key-that-is-long-enough-0123456789"


@pytest.fixture(scope="session")
def sqlite_databases(tmp_path_factory: pytest.TempPathFactory) -> SqliteDatabases:
    return SqliteDatabases(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases | None]:
    url = postgres_url()
    if url is None:
        yield None
        return
    databases = PostgresDatabases(url)
    yield databases
    databases.drop_all()


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Every database test runs once per engine; PostgreSQL ones skip when no server is configured
    (CI starts one, and fails the run if anything was skipped)."""
    if request.param == "postgresql" and postgres_url() is None:
        pytest.skip(f"{POSTGRES_ENV} is not set")
    return request.param


def _database_url(
    engine: str,
    tmp_path: Path,
    sqlite_databases: SqliteDatabases,
    postgres_databases: PostgresDatabases | None,
    *,
    migrated: bool,
) -> Iterator[str]:
    if engine == "sqlite":
        yield sqlite_databases.create(tmp_path, migrated=migrated)
        return
    assert postgres_databases is not None
    url = postgres_databases.create(migrated=migrated)
    yield url
    postgres_databases.drop(url)


@pytest.fixture
def database_url(
    engine: str,
    tmp_path: Path,
    sqlite_databases: SqliteDatabases,
    postgres_databases: PostgresDatabases | None,
) -> Iterator[str]:
    """A migrated, empty database of its own for this test."""
    yield from _database_url(engine, tmp_path, sqlite_databases, postgres_databases, migrated=True)


@pytest.fixture
def blank_database_url(
    engine: str,
    tmp_path: Path,
    sqlite_databases: SqliteDatabases,
    postgres_databases: PostgresDatabases | None,
) -> Iterator[str]:
    """A database with no tables at all, for migration tests."""
    yield from _database_url(engine, tmp_path, sqlite_databases, postgres_databases, migrated=False)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, secret_key=TEST_SECRET_KEY, data_dir=tmp_path / "var")


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    yield database
    await database.dispose()


@pytest.fixture
def app(settings: Settings) -> Litestar:
    return create_app(settings)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app) as client:
        yield client


@pytest.fixture
async def concurrent(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """A client straight on the ASGI app, whose requests sent together run at once (Litestar's test
    client serves them one after another)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as client:
        yield client
    await database_of(app.state).dispose()


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The environment the `charity` command reads, pointing at this test's database."""
    env = {
        "CHARITY_DATABASE_URL": settings.database_url,
        "CHARITY_SECRET_KEY": settings.secret_key,
        "CHARITY_DATA_DIR": str(settings.data_dir),
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return {**os.environ, **env}


@pytest.fixture
def servers(database_url: str, cli_env: dict[str, str]) -> Iterator[list[str]]:
    """Two `charity serve` processes on the test's database, as behind a load balancer."""
    with ExitStack() as running:
        env = cli_env | {"CHARITY_DATABASE_URL": database_url}
        yield [running.enter_context(serving(env)) for _ in range(SERVERS)]
