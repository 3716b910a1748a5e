from __future__ import annotations

from litestar import Response, get
from litestar.datastructures import State
from litestar.openapi import ResponseSpec
from litestar.status_codes import HTTP_503_SERVICE_UNAVAILABLE
from sqlalchemy.exc import SQLAlchemyError

from charity.access import public
from charity.health.schemas import HealthOut
from charity.requests import database_of


@get(
    "/health",
    opt=public(),
    tags=["health"],
    summary="Health check",
    # The same answer as 200, not the error schema every other 503 has.
    responses={
        HTTP_503_SERVICE_UNAVAILABLE: ResponseSpec(HealthOut, description="The database does not answer.")
    },
)
async def health(state: State) -> Response[HealthOut]:
    """200 once the database answers, 503 while it does not."""
    try:
        await database_of(state).ping()
    except (SQLAlchemyError, OSError):
        return Response(HealthOut("unavailable"), status_code=HTTP_503_SERVICE_UNAVAILABLE)
    return Response(HealthOut("ok"))
