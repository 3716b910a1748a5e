"""The home page: open drives with their progress, today's gifts, receipts still to print, and the
appeals whose distribution deadline is near or past while they still hold something."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Request, get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from charity.access import Principal, may, signed_in
from charity.accounts import service
from charity.clock import format_date, local_today
from charity.drives.service import VERIFIERS, appeals_to_distribute, summary
from charity.drives.web import drives_with_progress, held_text
from charity.labels import ROLES
from charity.models import DriveStatus, ReceiptStatus, Role, User
from charity.money import format_vnd
from charity.pages import page
from charity.receipts.printing import goods_text
from charity.receipts.service import ReceiptFilter, list_receipts, not_printed_count, totals
from charity.receipts.web import receipt_rows
from charity.requests import Caller, DbSession


def _when(deadline: date, today: date) -> str:
    days = (deadline - today).days
    if days > 0:
        return f"còn {days} ngày"
    return "hôm nay là hạn cuối" if days == 0 else f"quá hạn {-days} ngày"


async def appeals_due(session: AsyncSession, principal: Principal, today: date) -> list[dict[str, Any]]:
    """Appeals past their receiving window or near their distribution deadline (Decree 93/2021)
    that still hold something, with what is left to distribute."""
    found = []
    for drive in await appeals_to_distribute(session, principal, today):
        held = held_text(await summary(session, principal, drive.id))
        # The deadline is set on every appeal (`appeals_to_distribute` asks for it).
        deadline = drive.distribution_deadline or today
        if held:
            found.append(
                {
                    "id": drive.id,
                    "name": drive.name,
                    "deadline": format_date(deadline),
                    "when": _when(deadline, today),
                    "overdue": deadline < today,
                    "held": held,
                }
            )
    return found


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
    if may(principal, *VERIFIERS):
        context["appeals"] = await appeals_due(session, principal, local_today())
    if may(principal, Role.COORDINATOR):
        context["not_printed"] = await not_printed_count(session, principal)
    return page(request, "home", title="Trang chủ", **context)


routes = [home]
