"""What every route shares: the request's database transaction and the mapping of service errors."""

from __future__ import annotations

from collections.abc import AsyncIterator

from litestar import Request, Response
from litestar.datastructures import State
from sqlalchemy.ext.asyncio import AsyncSession

from charity.db import Database
from charity.errors import DomainError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def database_of(state: State) -> Database:
    return state.database


async def provide_session(request: Request, state: State) -> AsyncIterator[AsyncSession]:
    """One transaction per request. Unsafe methods run in a write transaction that holds the write lock
    from its start and commits before the response is sent, so an acknowledged change is on disk."""
    database = database_of(state)
    if request.method in SAFE_METHODS:
        async with database.read() as session:
            yield session
    else:
        async with database.write() as session:
            yield session


def domain_error_handler(_request: Request, error: DomainError) -> Response[dict[str, object]]:
    content: dict[str, object] = {"status_code": error.status_code, "detail": error.message}
    if error.field:
        content["extra"] = {"field": error.field}
    return Response(content, status_code=error.status_code)
