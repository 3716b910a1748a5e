"""Statements of the busiest paths, run straight on the driver connection of a session's transaction.

SQLAlchemy spends 60–110 µs of Python on every statement it executes (execution context, events,
result objects); SQLite answers the same statement from its page cache in 2 µs. On the paths every
request takes (the bearer token's lookup, recording a gift) that overhead set the pace of the whole
server. A `Direct` statement is still written with SQLAlchemy
Core and compiled by SQLAlchemy, once per dialect and set of parameters, with SQLAlchemy's own type
processing for parameters and results; only the per-execution machinery is skipped. It runs in the
session's transaction, so it commits or rolls back with everything else the session did.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import BindParameter, Table, bindparam
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.types import Numeric, TypeEngine

if TYPE_CHECKING:
    from charity.db import Database

Row = tuple[Any, ...]


def bound_row(table: Table, prefix: str, names: Sequence[str] | None = None) -> dict[str, BindParameter[Any]]:
    """A row of `table` (these columns, or all but `id`) bound as `<prefix><column>`, for a statement
    that writes several rows or tables. `Direct` passes every parameter name to the compiler as a
    column key, and a name equal to a column of a table the statement writes would be taken for a
    value to write: the prefix keeps the names apart."""
    names = names or [column.name for column in table.c if column.name != "id"]
    return {name: bindparam(prefix + name, type_=table.c[name].type) for name in names}


def prefixed(prefix: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters for a `bound_row` with this prefix."""
    return {prefix + name: value for name, value in values.items()}


@dataclass(frozen=True, slots=True)
class _Compiled:
    compiled: SQLCompiler
    sql: str
    names: tuple[str, ...]
    bind: tuple[tuple[int, Callable[[Any], Any]], ...]
    results: tuple[Callable[[Any], Any] | None, ...]

    def arguments(self, params: Mapping[str, Any]) -> list[Any]:
        values = self.compiled.construct_params(params)
        arguments = [values[name] for name in self.names]
        for position, process in self.bind:
            arguments[position] = process(arguments[position])
        return arguments

    def row(self, raw: Sequence[Any]) -> Row:
        if not self.results:
            return tuple(raw)
        return tuple(
            value if process is None else process(value)
            for value, process in zip(raw, self.results, strict=True)
        )


def _result_processors(compiled: SQLCompiler, dialect: Dialect) -> tuple[Callable[[Any], Any] | None, ...]:
    """SQLAlchemy's conversions of each result column; none at all when no column needs one (or the
    statement is textual, with columns SQLAlchemy does not know)."""
    processors = tuple(_result_processor(column.type, dialect) for column in compiled._result_columns)
    return processors if any(processors) else ()


def _result_processor(column_type: TypeEngine[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    if dialect.name == "postgresql" and isinstance(column_type, Numeric):
        # asyncpg gives NUMERIC back as Decimal already; SQLAlchemy's processor for it would need the
        # column's type code from the driver, which is only there to tell floats apart.
        return None
    return column_type._cached_result_processor(dialect, None)


def _compile(statement: Executable, dialect: Dialect, keys: tuple[str, ...]) -> _Compiled:
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    if not isinstance(compiled, SQLCompiler):
        raise TypeError(f"not a SQL statement: {statement!r}")
    if "POSTCOMPILE" in compiled.string:
        raise ValueError("a direct statement cannot have expanding parameters (IN lists)")
    names = tuple(compiled.positiontup or ())
    processors = compiled._bind_processors
    return _Compiled(
        compiled=compiled,
        sql=compiled.string,
        names=names,
        bind=tuple(
            (position, processor)
            for position, name in enumerate(names)
            if callable(processor := processors.get(name))
        ),
        results=_result_processors(compiled, dialect),
    )


@dataclass(frozen=True, slots=True)
class Driver:
    """A driver connection: under one session transaction, or outside any (`Database.standalone`)."""

    transaction: object
    dialect: Dialect
    connection: Any

    async def fetch(self, sql: str, arguments: list[Any]) -> Sequence[Sequence[Any]]:
        if self.dialect.name == "postgresql":
            return await self.connection.fetch(sql, *arguments)
        return await self.connection.fetch(sql, arguments)


_DRIVER_KEY = "charity.direct.driver"


async def _driver(session: AsyncSession) -> Driver:
    """The session's driver connection, looked up once per transaction (a session keeps one
    connection for the whole of a transaction)."""
    found = session.info.get(_DRIVER_KEY)
    if found is not None and found.transaction is session.sync_session.get_transaction():
        return found
    connection = await session.connection()
    pooled = await connection.get_raw_connection()
    if connection.dialect.name == "postgresql":
        adapted: Any = pooled.dbapi_connection
        # SQLAlchemy's asyncpg adapter opens the transaction with its first statement; it must exist
        # before ours, or ours would run outside it (and SQLAlchemy would not commit it).
        if adapted._transaction is None:
            await adapted._start_transaction()
    driver = Driver(session.sync_session.get_transaction(), connection.dialect, pooled.driver_connection)
    session.info[_DRIVER_KEY] = driver
    return driver


class Direct:
    """One Core statement, run with `rows`, `first` or `scalar` inside a session's transaction."""

    def __init__(self, statement: Executable) -> None:
        self._statement = statement
        self._compiled: dict[tuple[str, tuple[str, ...]], _Compiled] = {}

    def _for(self, dialect: Dialect, params: Mapping[str, Any]) -> _Compiled:
        keys = tuple(params)
        found = self._compiled.get((dialect.name, keys))
        if found is None:
            found = self._compiled[(dialect.name, keys)] = _compile(self._statement, dialect, keys)
        return found

    async def rows(
        self, where: AsyncSession | Database | Driver, params: Mapping[str, Any] | None = None
    ) -> list[Row]:
        """The statement's rows, run in the session's transaction; or on a connection outside any
        transaction (`Database.standalone`), where it is a transaction of its own, which costs a
        fraction of opening a session; given the database, on one taken for this statement."""
        params = params or {}
        if isinstance(where, AsyncSession):
            return await self._run(await _driver(where), params)
        if isinstance(where, Driver):
            return await self._run(where, params)
        async with where.standalone() as driver:
            return await self._run(driver, params)

    async def _run(self, driver: Driver, params: Mapping[str, Any]) -> list[Row]:
        compiled = self._for(driver.dialect, params)
        return [compiled.row(row) for row in await driver.fetch(compiled.sql, compiled.arguments(params))]

    async def first(
        self, where: AsyncSession | Database | Driver, params: Mapping[str, Any] | None = None
    ) -> Row | None:
        rows = await self.rows(where, params)
        return rows[0] if rows else None

    async def scalar(
        self, where: AsyncSession | Database | Driver, params: Mapping[str, Any] | None = None
    ) -> Any:
        row = await self.first(where, params)
        return None if row is None else row[0]
