"""Engine and sessions, SQLite pragmas, and the one write transaction.

Every change is made in a transaction opened by `Database.write()`: the request's transaction
(`charity.requests.provide_session`) and work outside a request (the `charity` command) alike.
Services flush and never commit; the block commits when it ends without error, so a change is on
disk before anyone is told it was made.

SQLite allows one writer at a time. A transaction that starts reading and later writes can fail at
once with "database is locked" when another writer got in first, so a write transaction takes the
write lock up front (BEGIN IMMEDIATE, through SQLAlchemy's documented `begin` event). Writers of this
process queue for the one connection of a pool of one, taken at the transaction's first statement;
writers in other processes wait up to the busy timeout. PostgreSQL runs ordinary transactions side by
side, which lock the rows whose order matters (`lock_rows`, `UPDATE … RETURNING`): the document book
first, then the drive.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, event, func, make_url, select
from sqlalchemy.engine import URL, Connection, ExceptionContext, Row
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlmodel import SQLModel

from charity.text import fold

ModelT = TypeVar("ModelT", bound=SQLModel)

# How long a SQLite writer waits for another process's write lock, and one of this process for the
# write connection, before it fails.
WRITE_WAIT_SECONDS = 30
# PostgreSQL connections a process keeps, and how many more it may open for a burst: three processes
# stay under PostgreSQL's default limit of 100 connections.
POOL_SIZE = 20
POOL_OVERFLOW = 10
# SQLite's primary result codes for a full disk, and for a write lock another process still held when
# the busy timeout ran out: the database could not do the work, nothing was wrong with it.
SQLITE_OUTAGES = frozenset({sqlite3.SQLITE_FULL, sqlite3.SQLITE_BUSY})


def _sqlite_file(url: URL) -> Path:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise ValueError(f"SQLite needs a database file, not {database!r}")
    return Path(database)


def _sqlite_engine(url: URL, *, begin: str, **pool: Any) -> AsyncEngine:
    engine = create_async_engine(url, **pool)

    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let the "begin" event below issue BEGIN itself instead of the driver's implicit one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode = WAL",
            "synchronous = FULL",  # a committed gift survives a power cut
            "foreign_keys = ON",
            f"busy_timeout = {WRITE_WAIT_SECONDS * 1000}",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: Connection) -> None:
        connection.exec_driver_sql(begin)

    @event.listens_for(engine.sync_engine, "handle_error")
    def on_error(context: ExceptionContext) -> None:
        # After either outage SQLite may have rolled the whole transaction back by itself; rolling
        # back a form's savepoint would then fail with "no such savepoint" and hide the cause. The
        # connection is dropped instead, as after a lost one (only this one: the others are fine),
        # and the next transaction gets a fresh one.
        if getattr(context.original_exception, "sqlite_errorcode", 0) & 0xFF in SQLITE_OUTAGES:
            context.is_disconnect = True
            context.invalidate_pool_on_disconnect = False

    return engine


class Database:
    """The engines and their sessions; create one per application or command, dispose it when done."""

    def __init__(self, url: str | URL) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        if self.is_sqlite:
            _sqlite_file(self.url).parent.mkdir(parents=True, exist_ok=True)
            self.engine = _sqlite_engine(self.url, begin="BEGIN")
            # One connection, so that writers of this process queue for it instead of for SQLite's lock.
            self.write_engine = _sqlite_engine(
                self.url,
                begin="BEGIN IMMEDIATE",
                pool_size=1,
                max_overflow=0,
                pool_timeout=WRITE_WAIT_SECONDS,
            )
        else:
            self.engine = create_async_engine(
                self.url, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW, pool_pre_ping=True
            )
            self.write_engine = self.engine
        self._reading = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=False)
        self._writing = async_sessionmaker(self.write_engine, expire_on_commit=False, autoflush=False)

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.write_engine is not self.engine:
            await self.write_engine.dispose()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for reading; whatever it did is rolled back at the end."""
        async with self._reading() as session:
            yield session

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[AsyncSession]:
        """A read that sees the database as it was at its first statement, however many it runs
        (an export's opening balance and its lines): REPEATABLE READ on PostgreSQL; a SQLite read
        transaction already does."""
        async with self._reading() as session:
            if not self.is_sqlite:
                await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A write transaction. On SQLite it holds the write lock from its first statement (work done
        before that, such as hashing a password, holds nothing). It is committed, and on disk, when
        the block ends without error, and rolled back when the block raises."""
        async with self._writing() as session, session.begin():
            yield session

    async def ping(self) -> None:
        async with self.engine.connect() as connection:
            await connection.exec_driver_sql("SELECT 1")


async def page_of_rows(
    session: AsyncSession, statement: Select[Any], *order_by: Any, limit: int, offset: int
) -> tuple[list[Row[Any]], int]:
    """One page of a query's rows, whole, in the given order (after its own, if it has one), and how
    many rows it has in all."""
    counted = statement.order_by(None).subquery()
    total = (await session.execute(select(func.count()).select_from(counted))).scalar_one()
    rows = await session.execute(statement.order_by(*order_by).limit(limit).offset(offset))
    return list(rows.all()), total


async def page_of(
    session: AsyncSession, statement: Select[Any], *order_by: Any, limit: int, offset: int
) -> tuple[list[Any], int]:
    """One page of a query's rows (first column) in the given order, and how many rows it has in all."""
    rows, total = await page_of_rows(session, statement, *order_by, limit=limit, offset=offset)
    return [row[0] for row in rows], total


async def lock_rows(session: AsyncSession, model: type[ModelT], ids: Sequence[int]) -> list[ModelT]:
    """Load rows and hold their write locks until the transaction ends (a no-op lock on SQLite,
    whose write transaction already holds the whole database). Rows are locked in id order so that
    two transactions locking the same rows cannot deadlock."""
    primary_key = model.__table__.primary_key.columns.values()[0]  # type: ignore[attr-defined]
    statement = select(model).where(primary_key.in_(sorted(ids))).order_by(primary_key).with_for_update()
    return list((await session.execute(statement)).scalars())


def escape_like(text: str) -> str:
    """`text` taken literally in a LIKE pattern whose escape character is a backslash."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains_words(column: ColumnElement[str], query: str) -> list[ColumnElement[bool]]:
    """Conditions that every word of `query` appears in `column`, a folded text (see
    `charity.text.fold`): case and diacritics do not count, and a number written with dots
    ("0903.512.846") is looked for as its digits."""
    conditions = []
    for word in fold(query).split():
        digits = re.sub(r"\D", "", word)
        needle = digits if digits and len(digits) >= 3 and digits == word.replace(".", "") else word
        conditions.append(column.like(f"%{escape_like(needle)}%", escape="\\"))
    return conditions
