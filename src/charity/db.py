"""Engine and sessions, SQLite pragmas, and the write transaction every write goes through (on
PostgreSQL, but for a gift written by one statement outside any transaction block: see `standalone`).

SQLite allows one writer at a time. A transaction that starts reading and later writes can fail at once
with "database is locked" when another writer got in first, so every write transaction takes the write
lock up front (BEGIN IMMEDIATE); a writer in another process waits up to the busy timeout. Writers in
this process queue on an asyncio lock first, which is cheaper than SQLite's sleeping busy handler, and
writers that queue behind each other share one commit (`_GroupCommit`). SQLite calls run on the event
loop itself (see `sqlite_inline`). On PostgreSQL writers run concurrently, at most `POSTGRES_WRITERS`
of a process at once, and take row locks (`SELECT … FOR UPDATE`, see `lock_rows`) on the rows whose
order matters, such as a receipt book's next number.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Select, event, func, make_url, select
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlmodel import SQLModel

from charity.direct import Driver
from charity.sqlite_inline import connector

_WRITE_OPTION = "charity_write"
# How many write transactions one SQLite commit may carry at most.
GROUP_COMMIT_LIMIT = 64

ModelT = TypeVar("ModelT", bound=SQLModel)


def _sqlite_file(url: URL) -> Path | None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN itself instead of the driver's implicit one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode = WAL",
            "synchronous = FULL",  # a committed gift survives a power cut
            "foreign_keys = ON",
            # Waiting for another process's lock is done without blocking the loop (sqlite_inline).
            "busy_timeout = 0",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    # Every writer of a group commit is a savepoint. SQLAlchemy compiles each SAVEPOINT statement anew,
    # which costs more than the savepoint itself; its names ("sa_savepoint_1") need no quoting.
    dialect: Any = engine.sync_engine.dialect
    dialect.do_savepoint = lambda connection, name: connection.exec_driver_sql(f"SAVEPOINT {name}")
    dialect.do_release_savepoint = lambda connection, name: connection.exec_driver_sql(
        f"RELEASE SAVEPOINT {name}"
    )
    dialect.do_rollback_to_savepoint = lambda connection, name: connection.exec_driver_sql(
        f"ROLLBACK TO SAVEPOINT {name}"
    )


class _Batch:
    """One SQLite transaction carrying the write transactions of several requests, each a savepoint."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection
        self.size = 0
        self.committed: asyncio.Future[None] = asyncio.get_running_loop().create_future()


class _GroupCommit:
    """Group commit for SQLite: writers that queue behind each other share one commit.

    SQLite has one writer at a time, and with synchronous=FULL each commit waits for the disk. Writers
    in this process take turns on an asyncio lock, each as a savepoint of the current batch; a failing
    writer rolls back its own savepoint only. After a turn, a committer task queues on the same lock
    behind the writers already waiting, and commits the batch when its turn comes (or a turn commits
    at once when the batch is full). Nobody leaves `savepoint()` before the commit carrying its work
    has succeeded, so nothing is acknowledged before it is on disk; if that commit fails, or SQLite
    rolls back the whole transaction under one writer, every writer of the batch fails with it.
    """

    def __init__(self, engine: AsyncEngine, committed: Callable[[], None]) -> None:
        self._engine = engine
        self._committed = committed
        self._lock = asyncio.Lock()
        self._batch: _Batch | None = None
        self._committer: asyncio.Task[None] | None = None

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[AsyncSession]:
        async with self._lock:
            batch = self._batch or await self._begin()
            try:
                session = AsyncSession(
                    bind=batch.connection,
                    join_transaction_mode="create_savepoint",
                    expire_on_commit=False,
                    autoflush=False,
                )
                try:
                    yield session
                    await session.commit()
                    batch.size += 1
                except BaseException as error:
                    await self._undo(batch, session, error)
                    raise
                finally:
                    await session.close()
            finally:
                # The batch is still open unless this writer's failure took it down (see `_undo`).
                if self._batch is batch and batch.size >= GROUP_COMMIT_LIMIT:
                    await self._commit(batch)
                elif self._batch is batch and self._committer is None:
                    self._committer = asyncio.create_task(self._commit_when_idle())
        await asyncio.shield(batch.committed)

    async def _undo(self, batch: _Batch, session: AsyncSession, error: BaseException) -> None:
        """Roll back one writer's savepoint. Some SQLite errors (disk full, I/O error, out of memory)
        roll back the whole transaction instead, taking the writers before this one with it: then the
        batch fails as a whole, so that none of them is told its change was saved."""
        try:
            await session.rollback()
        except Exception as rollback_error:
            await self._fail(batch, rollback_error)
            return
        if not await self._in_transaction(batch):
            await self._fail(batch, error)

    @staticmethod
    async def _in_transaction(batch: _Batch) -> bool:
        driver = (await batch.connection.get_raw_connection()).driver_connection
        return bool(driver is not None and driver.in_transaction)

    async def _begin(self) -> _Batch:
        connection = await self._engine.connect()
        try:
            await connection.execution_options(**{_WRITE_OPTION: True})
            await connection.begin()
        except BaseException:
            await connection.close()
            raise
        self._batch = _Batch(connection)
        return self._batch

    async def _fail(self, batch: _Batch, error: BaseException) -> None:
        """Every writer of the batch fails with `error`; the connection is discarded, not pooled, since
        its transaction may still be open."""
        if self._batch is batch:
            self._batch = None
        await batch.connection.invalidate()
        await batch.connection.close()
        batch.committed.set_exception(error)
        batch.committed.exception()  # marked as retrieved: the writers that wait on it re-raise it

    async def _commit(self, batch: _Batch) -> None:
        if batch.size and not await self._in_transaction(batch):
            await self._fail(batch, RuntimeError("the group commit's transaction was rolled back by SQLite"))
            return
        self._batch = None
        try:
            if batch.size:
                try:
                    await batch.connection.commit()
                finally:
                    self._committed()
            else:
                await batch.connection.rollback()
        except BaseException as error:
            await self._fail(batch, error)
        else:
            batch.committed.set_result(None)
            await batch.connection.close()

    async def _commit_when_idle(self) -> None:
        try:
            async with self._lock:
                if self._batch is not None:
                    await self._commit(self._batch)
        finally:
            self._committer = None


POSTGRES_WRITERS = 4
# Pooled PostgreSQL connections a process keeps. A connection taken past the pool's size is closed
# when given back, and opening one starts a PostgreSQL backend: with 10, bursts of token lookups
# beside the writers of a server answering 32 clients at once went past the pool, and connections
# were opened and closed all the time.
POOL_SIZE = 20
# Connections past the pool for a burst; three processes at most stay under PostgreSQL's default
# limit of 100 connections.
POOL_OVERFLOW = 10


def _refuse_closed(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """A pooled PostgreSQL connection the server has closed (a restart, an idle timeout) is replaced
    before use. The driver learns of the close as it happens, so this costs no round trip; a
    pre-ping costs three (BEGIN, a query, ROLLBACK) on every checkout, two checkouts a request."""
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError("the server closed this connection")


class Database:
    """One engine and its sessions; create one per application or command, dispose it when done."""

    def __init__(self, url: str | URL, *, pool_size: int = POOL_SIZE, overflow: int = POOL_OVERFLOW) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self._sqlite_path: Path | None = None
        self._reader: Any = None
        if self.is_sqlite:
            path = _sqlite_file(self.url)
            if path is None:
                raise ValueError(f"SQLite needs a database file, not {self.url.database!r}")
            path.parent.mkdir(parents=True, exist_ok=True)
            self._sqlite_path = path
            self.engine = create_async_engine(self.url, async_creator=connector(str(path)))
        else:
            self.engine = create_async_engine(self.url, pool_size=pool_size, max_overflow=overflow)
            event.listen(self.engine.sync_engine.pool, "checkout", _refuse_closed)
        if self.is_sqlite:
            _configure_sqlite(self.engine)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=False)
        # Write transactions this process committed through `write`: what was read before one of
        # them may be out of date (see `charity.accounts.signin.principal_for_token`).
        self.write_transactions = 0
        self._group = _GroupCommit(self.engine, self._count_commit) if self.is_sqlite else None
        # PostgreSQL write transactions at once from this process. Gifts of one unit queue on its
        # receipt book's row; more of them waiting there than this made the server work harder
        # (backends woken to wait again) and answer later, with no more gifts recorded.
        self.writers = asyncio.Semaphore(POSTGRES_WRITERS)

    def _count_commit(self) -> None:
        self.write_transactions += 1

    async def dispose(self) -> None:
        if self._reader is not None:
            await self._reader.close()
            self._reader = None
        await self.engine.dispose()

    @asynccontextmanager
    async def standalone(self) -> AsyncIterator[Driver]:
        """A driver connection outside any transaction, for `Direct` statements each of which is a
        transaction of its own: reads that are one statement (one statement sees one consistent
        state), such as the bearer-token lookup of every API request. On SQLite it is one connection
        kept for reading (statements run inline on the loop, so they never overlap); on PostgreSQL a
        pooled one, where a write that is one statement may run too (see `writers`)."""
        if self._sqlite_path is not None:
            if self._reader is None:
                self._reader = await connector(str(self._sqlite_path))()
            yield Driver(None, self.engine.dialect, self._reader)
            return
        async with self.engine.connect() as connection:
            raw = (await connection.get_raw_connection()).driver_connection
            yield Driver(None, self.engine.dialect, raw)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for reading; whatever it did is rolled back at the end."""
        async with self.sessionmaker() as session:
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A write transaction holding the write lock from its first statement. It is committed (and on
        disk) when the block ends without error, and rolled back when it raises."""
        if self._group is None:
            async with self.writers, self.sessionmaker() as session:
                await session.connection(execution_options={_WRITE_OPTION: True})
                try:
                    yield session
                    try:
                        await session.commit()
                    finally:
                        # Counted however the commit ends: its answer may be lost after it was made.
                        self.write_transactions += 1
                except BaseException:
                    await session.rollback()
                    raise
            return
        async with self._group.savepoint() as session:
            yield session

    async def ping(self) -> None:
        async with self.engine.connect() as connection:
            await connection.exec_driver_sql("SELECT 1")


async def page_of(
    session: AsyncSession, statement: Select[Any], *order_by: Any, limit: int, offset: int
) -> tuple[list[Any], int]:
    """One page of a query's rows (first column) in the given order, and how many rows it has in all."""
    total = (await session.execute(select(func.count()).select_from(statement.subquery()))).scalar_one()
    rows = await session.execute(statement.order_by(*order_by).limit(limit).offset(offset))
    return list(rows.scalars()), total


async def lock_rows(session: AsyncSession, model: type[ModelT], ids: Sequence[int]) -> list[ModelT]:
    """Load rows and hold their write locks until the transaction ends (a no-op lock on SQLite,
    whose write transaction already holds the whole database). Rows are locked in id order so that
    two transactions locking the same rows cannot deadlock."""
    primary_key = model.__table__.primary_key.columns.values()[0]  # type: ignore[attr-defined]
    statement = select(model).where(primary_key.in_(sorted(ids))).order_by(primary_key).with_for_update()
    return list((await session.execute(statement)).scalars())
