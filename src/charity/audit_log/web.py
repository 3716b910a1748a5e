"""Page: the audit log (nhật ký), with the API's filters, for administrators and auditors."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.response import Template

from charity import forms
from charity.audit_log import service
from charity.audit_log.api import READ_LOG
from charity.clock import VIETNAM
from charity.fields import Offset, QueryId, QueryText
from charity.pages import page
from charity.requests import Caller, DbSession

LOG_PAGE = 50


def _state(values: dict[str, Any] | None) -> str:
    """Before or after as one line a person reads: key: value, in the stored order."""
    if not values:
        return ""
    return "; ".join(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in values.items())


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
                "before": _state(event.before),
                "after": _state(event.after),
            }
            for event in events
        ],
        total=total,
        filters=filters,
        actors=await service.actors(session, principal),
        previous_page="/audit?" + urlencode(query | {"offset": max(offset - LOG_PAGE, 0)}) if offset else "",
        next_page="/audit?" + urlencode(query | {"offset": offset + LOG_PAGE})
        if offset + LOG_PAGE < total
        else "",
    )


routes = [audit_page]
