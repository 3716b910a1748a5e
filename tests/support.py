"""Throwaway databases for tests: a migrated SQLite file or PostgreSQL database per test, copied from a
template migrated once per run, so tests build their own data and never see each other's; and real
`charity serve` processes for the tests that need one."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy import make_url

from charity import migrate

POSTGRES_ENV = "CHARITY_TEST_POSTGRES_URL"
ENGINES = ("sqlite", "postgresql")


def postgres_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _pg_execute(admin_url: str, *statements: str) -> None:
    connection = await asyncpg.connect(_asyncpg_dsn(admin_url))
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


class PostgresDatabases:
    """Creates databases on the server named by CHARITY_TEST_POSTGRES_URL."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.template: str | None = None
        self.created: list[str] = []

    def _url_for(self, name: str) -> str:
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def create(self, *, migrated: bool) -> str:
        name = f"charity_test_{uuid.uuid4().hex[:12]}"
        if migrated and self.template is None:
            self.template = f"charity_template_{uuid.uuid4().hex[:8]}"
            asyncio.run(_pg_execute(self.admin_url, f'CREATE DATABASE "{self.template}"'))
            self.created.append(self.template)
            migrate.upgrade(self._url_for(self.template))
        template = f' TEMPLATE "{self.template}"' if migrated else ""
        asyncio.run(_pg_execute(self.admin_url, f'CREATE DATABASE "{name}"{template}'))
        self.created.append(name)
        return self._url_for(name)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        asyncio.run(_pg_execute(self.admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.created.remove(name)

    def drop_all(self) -> None:
        for name in list(self.created):
            asyncio.run(_pg_execute(self.admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.created.clear()


class SqliteDatabases:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.template: Path | None = None

    def create(self, directory: Path, *, migrated: bool) -> str:
        path = directory / f"charity-{uuid.uuid4().hex[:8]}.db"
        if migrated:
            if self.template is None:
                self.template = self.root / "template.db"
                migrate.upgrade(f"sqlite+aiosqlite:///{self.template}")
            shutil.copyfile(self.template, path)
        return f"sqlite+aiosqlite:///{path}"


def pdf_pages(content: bytes, *, as_drawn: bool = False) -> list[str]:
    """The text of each page of a PDF as poppler's pdftotext reads it: in reading order, as a person
    would, whatever order it was drawn in (runs of spaces made one); or `as_drawn`, in the order it
    was drawn, which keeps a turned stamp's words together."""
    mode = "-raw" if as_drawn else "-layout"
    result = subprocess.run(
        ["pdftotext", mode, "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True
    )
    return [re.sub(" +", " ", page) for page in result.stdout.decode().split("\f")[:-1]]


# Server processes a concurrency test sends its clients to, as a load balancer would.
SERVERS = 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(url: str, *, seconds: float = 30) -> None:
    """Wait for `charity serve` at `url` to answer /health."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, f"{url} did not start"
        time.sleep(0.1)


@contextmanager
def serving(env: dict[str, str], port: int | None = None) -> Iterator[str]:
    """`charity serve` with this environment (on `port`, or a free one) until the block ends; gives its
    address once it answers."""
    port = port or free_port()
    process = subprocess.Popen(
        [f"{sys.prefix}/bin/charity", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def litestar_log(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Litestar's logger does not pass its records up to the root logger, where caplog listens."""
    logger = logging.getLogger("litestar")
    logger.addHandler(caplog.handler)
    try:
        yield
    finally:
        logger.removeHandler(caplog.handler)
