"""JSON API: the audit log, for administrators and the auditors of a scope. Nobody changes it."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Response, get
from litestar.datastructures import State
from litestar.pagination import OffsetPagination
from litestar.params import QueryParameter

from charity.access import ADMIN, allow
from charity.audit_log import service
from charity.audit_log.export import log_file
from charity.audit_log.schemas import AuditOut
from charity.exports.report import Format
from charity.fields import DEFAULT_PAGE, Limit, Offset, QueryId, QueryText
from charity.models import Role
from charity.requests import RECORDS_ITS_USE, Acting, Caller, DbSession, database_of
from charity.text import TYPED

READ_LOG = allow(ADMIN, Role.AUDITOR)


@get(
    "/api/audit",
    # An export is an event of the log: the request writes even though it reads.
    opt=READ_LOG | {RECORDS_ITS_USE: True},
    tags=["audit"],
    summary="Read the audit log",
    description="Who did what, when, from where, before and after; newest first. `action` is one action "
    "(`receipt.void`) or a kind of them (`receipt`); `object` is an object type (`receipt`) and `object_id` "
    "one object; `from` and `to` are days in Vietnam. Auditors read the events of the units of their scope. "
    "With `format` (`csv`, `xlsx` or `pdf`) every event the filters keep, oldest first, as a file; each "
    "export is an event of the log.",
)
async def list_audit(
    state: State,
    session: DbSession,
    principal: Caller,
    actor: Acting,
    limit: Limit = DEFAULT_PAGE,
    offset: Offset = 0,
    user_id: QueryId = None,
    action: QueryText = "",
    object_type: Annotated[str, QueryParameter(name="object", pattern=TYPED, max_length=100)] = "",
    object_id: QueryId = None,
    date_from: Annotated[date | None, QueryParameter(name="from")] = None,
    date_to: Annotated[date | None, QueryParameter(name="to")] = None,
    format: Annotated[Format | None, QueryParameter(description="csv, xlsx or pdf; JSON without it")] = None,
) -> Response[OffsetPagination[AuditOut]]:
    where = service.AuditFilter(user_id, action.strip(), object_type.strip(), object_id, date_from, date_to)
    if format is not None:
        return await log_file(database_of(state), session, actor, principal, where, format)
    events, total = await service.list_events(session, principal, where, limit=limit, offset=offset)
    return Response(OffsetPagination(items=events, total=total, limit=limit, offset=offset))


routes = [list_audit]
