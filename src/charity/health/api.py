from __future__ import annotations

from litestar import Response, get
from litestar.datastructures import State
from sqlalchemy.exc import SQLAlchemyError

from charity.access import public
from charity.requests import database_of


@get("/health", opt=public())
async def health(state: State) -> Response[dict[str, str]]:
    """200 once the database answers, 503 while it does not."""
    try:
        await database_of(state).ping()
    except (SQLAlchemyError, OSError):
        return Response({"status": "unavailable"}, status_code=503)
    return Response({"status": "ok"})
