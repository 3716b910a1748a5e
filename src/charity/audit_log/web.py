"""Page: the audit log (nhật ký), with the API's filters, for administrators and auditors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template

from charity import forms
from charity.audit_log import service
from charity.audit_log.api import READ_LOG
from charity.audit_log.export import log_file
from charity.clock import VIETNAM
from charity.exports.report import Format
from charity.fields import Offset, QueryId, QueryText
from charity.pages import page, pager
from charity.requests import Acting, Caller, DbSession, database_of

LOG_PAGE = 50


@get("/audit", opt=READ_LOG)
async def audit_page(
    request: Request,
    session: DbSession,
    principal: Caller,
    user_id: QueryId = None,
    action: QueryText = "",
    object_type: QueryText = "",
    date_from: QueryText = "",
    date_to: QueryText = "",
    offset: Offset = 0,
) -> Template:
    where = service.AuditFilter(
        user_id=user_id,
        action=action.strip(),
        object_type=object_type.strip(),
        date_from=forms.day_or_none(date_from),
        date_to=forms.day_or_none(date_to),
    )
    offset = max(offset, 0)
    events, total = await service.list_events(session, principal, where, limit=LOG_PAGE, offset=offset)
    filters = {
        "user_id": user_id or "",
        "action": where.action,
        "object_type": where.object_type,
        "date_from": where.date_from.isoformat() if where.date_from else "",
        "date_to": where.date_to.isoformat() if where.date_to else "",
    }
    query = {name: value for name, value in filters.items() if value}
    return page(
        request,
        "audit",
        title="Nhật ký hoạt động",
        rows=[
            {
                "at": event.occurred_at.astimezone(VIETNAM).strftime("%H:%M:%S %d/%m/%Y"),
                "who": event.actor_name,
                "ip": event.actor_ip,
                "action": event.action,
                "object": f"{event.object_type} {event.object_id}" if event.object_id else event.object_type,
                "before": service.state_text(event.before),
                "after": service.state_text(event.after),
            }
            for event in events
        ],
        total=total,
        filters=filters,
        actors=await service.actors(session, principal),
        **pager("/audit", query, offset=offset, limit=LOG_PAGE, total=total),
    )


@dataclass
class ExportForm:
    format: str = ""
    user_id: str = ""
    action: str = ""
    object_type: str = ""
    date_from: str = ""
    date_to: str = ""


@post("/audit/export", opt=READ_LOG, status_code=200)
async def export_audit_file(
    state: State,
    session: DbSession,
    principal: Caller,
    actor: Acting,
    data: Annotated[ExportForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Response[bytes]:
    """The log as the page filters it, as a file: a form, so that an export is never made by
    following a link."""
    file_format = forms.choice(Format, data.format) or Format.XLSX
    where = service.AuditFilter(
        user_id=forms.whole_number(data.user_id),
        action=data.action.strip()[:64],
        object_type=data.object_type.strip()[:40],
        date_from=forms.day_or_none(data.date_from),
        date_to=forms.day_or_none(data.date_to),
    )
    return await log_file(database_of(state), session, actor, principal, where, file_format)


routes = [audit_page, export_audit_file]
