"""The home page: open drives with their progress, today's gifts, receipts still to print."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template

from charity.access import may, signed_in
from charity.accounts import service
from charity.clock import local_today
from charity.drives.web import drives_with_progress
from charity.labels import ROLES
from charity.models import DriveStatus, ReceiptStatus, Role, User
from charity.money import format_vnd
from charity.pages import page
from charity.receipts.printing import goods_text
from charity.receipts.service import ReceiptFilter, list_receipts, not_printed_count, totals
from charity.receipts.web import receipt_rows
from charity.requests import Caller, DbSession


@get("/", opt=signed_in())
async def home(request: Request, session: DbSession, principal: Caller) -> Template:
    """The dashboard: open drives with their progress, today's gifts, receipts still to print."""
    view = await service.view_of(session, await session.get_one(User, principal.user_id))
    memberships = [
        {"role_label": ROLES[m.role], "unit_name": m.unit_name, "unit_code": m.unit_code}
        for m in view.memberships
    ]
    context: dict[str, Any] = {"memberships": memberships}
    if may(principal, Role.VOLUNTEER, Role.COORDINATOR, Role.AUDITOR):
        today = local_today()
        todays_gifts = ReceiptFilter(status=ReceiptStatus.ISSUED, date_from=today, date_to=today)
        latest, count = await list_receipts(session, principal, todays_gifts, limit=10, offset=0)
        takings = await totals(session, principal, todays_gifts)
        context |= {
            "drives": await drives_with_progress(session, principal, DriveStatus.OPEN),
            "today_count": count,
            "today_total": format_vnd(takings.value),
            "today_goods": goods_text(takings.goods),
            "today_rows": await receipt_rows(session, latest),
            "can_record": may(principal, Role.VOLUNTEER, Role.COORDINATOR),
        }
    if may(principal, Role.COORDINATOR):
        context["not_printed"] = await not_printed_count(session, principal)
    return page(request, "home", title="Trang chủ", **context)


routes = [home]
