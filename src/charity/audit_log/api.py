"""JSON API: the audit log, for administrators and the auditors of a scope. Nobody changes it."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import get
from litestar.pagination import OffsetPagination
from litestar.params import QueryParameter

from charity.access import ADMIN, allow
from charity.audit_log import service
from charity.audit_log.schemas import AuditOut
from charity.fields import DEFAULT_PAGE, Limit, Offset, QueryId, QueryText
from charity.models import Role
from charity.requests import Caller, DbSession
from charity.text import TYPED

READ_LOG = allow(ADMIN, Role.AUDITOR)


@get(
    "/api/audit",
    opt=READ_LOG,
    tags=["audit"],
    summary="Read the audit log",
    description="Who did what, when, from where, before and after; newest first. `action` is one action "
    "(`receipt.void`) or a kind of them (`receipt`); `object` is an object type (`receipt`) and `object_id` "
    "one object; `from` and `to` are days in Vietnam. Auditors read the events of the units of their scope.",
)
async def list_audit(
    session: DbSession,
    principal: Caller,
    limit: Limit = DEFAULT_PAGE,
    offset: Offset = 0,
    user_id: QueryId = None,
    action: QueryText = "",
    object_type: Annotated[str, QueryParameter(name="object", pattern=TYPED, max_length=100)] = "",
    object_id: QueryId = None,
    date_from: Annotated[date | None, QueryParameter(name="from")] = None,
    date_to: Annotated[date | None, QueryParameter(name="to")] = None,
) -> OffsetPagination[AuditOut]:
    where = service.AuditFilter(user_id, action.strip(), object_type.strip(), object_id, date_from, date_to)
    events, total = await service.list_events(session, principal, where, limit=limit, offset=offset)
    return OffsetPagination(items=events, total=total, limit=limit, offset=offset)


routes = [list_audit]
