"""JSON API: closed periods (khóa sổ) of a unit's books."""

from __future__ import annotations

from litestar import get, post
from litestar.pagination import OffsetPagination
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from charity.access import ADMIN, allow
from charity.fields import DEFAULT_PAGE, Limit, Offset, PathId, QueryId
from charity.models import Role
from charity.periods import service
from charity.periods.schemas import CloseIn, PeriodOut, ReopenIn
from charity.requests import Acting, Caller, DbSession

READ = allow(ADMIN, Role.COORDINATOR, Role.AUDITOR)
CLOSE = allow(ADMIN, Role.COORDINATOR)
REOPEN = allow(ADMIN)


@get(
    "/api/periods",
    opt=READ,
    tags=["periods"],
    summary="List closed periods",
    description="Months closed (khóa sổ) for the units in the caller's scope, latest month first, with "
    "those reopened since (who reopened them and why); `unit_id` gives one unit's.",
)
async def list_periods(
    session: DbSession,
    principal: Caller,
    limit: Limit = DEFAULT_PAGE,
    offset: Offset = 0,
    unit_id: QueryId = None,
) -> OffsetPagination[PeriodOut]:
    periods, total = await service.list_periods(
        session, principal, unit_id=unit_id, limit=limit, offset=offset
    )
    return OffsetPagination(items=periods, total=total, limit=limit, offset=offset)


@post(
    "/api/periods",
    opt=CLOSE,
    tags=["periods"],
    status_code=HTTP_201_CREATED,
    summary="Close a month",
    description='Close a month (`"2026-11"`) that has ended for a unit: no gift, void or replacement '
    "dated inside it is posted to any drive the unit owns (drives of the units below it are not "
    "covered), and each is refused with 409 and `code` `period_closed`. For the unit's coordinators "
    "(or those of a unit above it) and administrators; a month already closed answers 409.",
)
async def close_period(
    session: DbSession, principal: Caller, actor: Acting, data: JSONBody[CloseIn]
) -> PeriodOut:
    return await service.close_period(
        session, principal, actor, data.unit_id, service.parse_month(data.month)
    )


@post(
    "/api/periods/{period_id:int}/reopen",
    opt=REOPEN,
    tags=["periods"],
    status_code=HTTP_200_OK,
    summary="Reopen a closed month",
    description="Administrators only, with a reason: postings dated in the month go in again. The "
    "period keeps who reopened it, when and why; the month may be closed again later.",
)
async def reopen_period(
    session: DbSession, principal: Caller, actor: Acting, period_id: PathId, data: JSONBody[ReopenIn]
) -> PeriodOut:
    return await service.reopen_period(session, principal, actor, period_id, data.reason)


routes = [list_periods, close_period, reopen_period]
