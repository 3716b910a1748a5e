"""SQLite for SQLAlchemy's asyncio engine, run on the event loop's own thread.

SQLAlchemy reaches SQLite through aiosqlite, which hands every call (cursor, execute, fetch, close)
to a worker thread and waits for the answer: about 80 µs a hop and four hops a statement, while the
statement itself takes a few microseconds from SQLite's page cache. The gift path runs a dozen
statements while it holds the write lock, so those hops set the pace of the whole system.

This module offers the same connection interface as aiosqlite (what SQLAlchemy's aiosqlite dialect
uses of it), but runs each sqlite3 call directly. The one call that could block for long, waiting for
another process's write lock, is not left to SQLite's sleeping busy handler: the busy timeout is 0
and the wait is an `asyncio.sleep` loop, so the event loop keeps serving other requests meanwhile.
The price: a query that is slow in itself (a large report) holds the event loop for its duration.
Commits, which wait for the disk, are the exception: they run in a worker thread.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

# How long a statement waits for another connection's lock before failing as SQLite would.
BUSY_WAIT_SECONDS = 30.0

T = TypeVar("T")


async def _patiently(call: Callable[[], T]) -> T:
    deadline = time.monotonic() + BUSY_WAIT_SECONDS
    delay = 0.0005
    while True:
        try:
            return call()
        except sqlite3.OperationalError as error:
            message = str(error)
            if ("locked" not in message and "busy" not in message) or time.monotonic() > deadline:
                raise
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.02)


class _RunNow:
    """Stands in for aiosqlite's request queue: SQLAlchemy puts (future, function) pairs on it."""

    @staticmethod
    def put_nowait(item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:
            future.set_exception(error)


class Cursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> Cursor:
        await _patiently(lambda: self._cursor.execute(sql, parameters))
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any] | dict[str, Any]]) -> Cursor:
        rows = list(parameters)
        await _patiently(lambda: self._cursor.executemany(sql, rows))
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class Connection:
    """The parts of `aiosqlite.Connection` that SQLAlchemy's aiosqlite dialect relies on."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn = connection
        self._connection: sqlite3.Connection | None = connection
        self._tx = _RunNow()

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    @property
    def in_transaction(self) -> bool:
        return self._conn.in_transaction

    def cursor(self) -> Cursor:
        return Cursor(self._conn.cursor())

    async def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> Cursor:
        return await self.cursor().execute(sql, parameters)

    async def fetch(self, sql: str, parameters: Sequence[Any]) -> list[Any]:
        """Run one statement and return all its rows (see `charity.direct`)."""
        cursor = await _patiently(lambda: self._conn.execute(sql, parameters))
        try:
            return cursor.fetchall()
        finally:
            cursor.close()

    async def commit(self) -> None:
        # A commit waits for the disk (synchronous=FULL): in a worker thread, which sqlite3 lets run
        # without the GIL, the event loop goes on serving requests meanwhile. The connection is not
        # touched again until the commit has finished, even if the waiting task is cancelled.
        committing = asyncio.ensure_future(asyncio.to_thread(self._conn.commit))
        try:
            await asyncio.shield(committing)
        except asyncio.CancelledError:
            await committing
            raise

    async def rollback(self) -> None:
        self._conn.rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        if self._connection is not None:
            self._connection = None
            self._conn.close()


def connector(path: str) -> Callable[[], Any]:
    """The `async_creator` for `create_async_engine`: connections to the database file at `path`."""

    async def connect() -> Connection:
        # check_same_thread=False: the pool may close a connection from the garbage collector's thread.
        return Connection(sqlite3.connect(path, timeout=0, isolation_level=None, check_same_thread=False))

    return connect
