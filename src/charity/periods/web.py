"""Pages: closed periods (khóa sổ), with the form that closes a month and, for administrators, a
confirmation page that reopens one with a reason."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from charity import forms
from charity.access import ADMIN, Principal, may
from charity.clock import VIETNAM, format_month
from charity.errors import DomainError, Invalid
from charity.fields import Offset, PathId, QueryText
from charity.models import Role
from charity.pages import page
from charity.periods import service
from charity.periods.api import CLOSE, READ, REOPEN
from charity.periods.schemas import PeriodOut
from charity.requests import Acting, Caller, DbSession, submit
from charity.units.tree import tree_of

PERIODS_PAGE = 50
DONE = {
    "closed": "Đã khóa sổ. Không thể ghi, hủy hay thay thế biên nhận có ngày trong tháng đó nữa.",
    "reopened": "Đã mở lại kỳ khóa sổ. Các biên nhận có ngày trong tháng đó lại được ghi, hủy và thay thế.",
}


def _month(period: PeriodOut) -> str:
    return format_month(service.parse_month(period.month))


def _at(moment: datetime) -> str:
    return moment.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")


def _row(period: PeriodOut) -> dict[str, Any]:
    return {
        "id": period.id,
        "unit": period.unit_name,
        "month": _month(period),
        "closed": f"{period.closed_by_name}, {_at(period.closed_at)}",
        "reopened": f"{period.reopened_by_name}, {_at(period.reopened_at)}" if period.reopened_at else "",
        "reason": period.reopen_reason or "",
    }


async def _periods_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    *,
    offset: int = 0,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    notice: str = "",
    status_code: int = 200,
) -> Template:
    periods, total = await service.list_periods(
        session, principal, unit_id=None, limit=PERIODS_PAGE, offset=offset
    )
    can_close = may(principal, ADMIN, Role.COORDINATOR)
    return page(
        request,
        "periods",
        status_code=status_code,
        title="Khóa sổ",
        rows=[_row(period) for period in periods],
        total=total,
        notice=notice,
        can_close=can_close,
        can_reopen=principal.is_admin,
        units=tree_of(await service.closable_units(session, principal)) if can_close else [],
        latest_month=service.last_ended_month().strftime("%Y-%m"),
        values=values or {"unit_id": "", "month": ""},
        errors=errors or {},
        previous_page=f"/periods?offset={max(offset - PERIODS_PAGE, 0)}" if offset else "",
        next_page=f"/periods?offset={offset + PERIODS_PAGE}" if offset + PERIODS_PAGE < total else "",
    )


@get("/periods", opt=READ)
async def periods_page(
    request: Request, session: DbSession, principal: Caller, offset: Offset = 0, done: QueryText = ""
) -> Template:
    return await _periods_page(request, session, principal, offset=offset, notice=DONE.get(done, ""))


@post("/periods", opt=CLOSE)
async def close_period(
    request: Request, session: DbSession, principal: Caller, actor: Acting
) -> Template | Redirect:
    form = await request.form()
    values = {"unit_id": forms.text(form, "unit_id"), "month": forms.text(form, "month")}

    async def close() -> str:
        unit_id = forms.whole_number(values["unit_id"])
        if unit_id is None:
            raise Invalid("Chọn đơn vị cần khóa sổ.", field="unit_id")
        await service.close_period(session, principal, actor, unit_id, service.parse_month(values["month"]))
        return "/periods?done=closed"

    async def again(error: DomainError) -> Template:
        return await _periods_page(
            request,
            session,
            principal,
            values=values,
            errors=forms.errors_of(error),
            status_code=error.status_code,
        )

    return await submit(session, close, again)


def _reopen_page(
    request: Request,
    period: PeriodOut,
    *,
    reason: str = "",
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    month = _month(period)
    return page(
        request,
        "period_reopen",
        status_code=status_code,
        title=f"Mở lại sổ tháng {month} của {period.unit_name}?",
        period=period,
        month=month,
        reason=reason,
        errors=errors or {},
    )


@get("/periods/{period_id:int}/reopen", opt=REOPEN)
async def reopen_form(request: Request, session: DbSession, principal: Caller, period_id: PathId) -> Template:
    return _reopen_page(request, await service.get_period(session, principal, period_id))


@post("/periods/{period_id:int}/reopen", opt=REOPEN)
async def reopen_period(
    request: Request, session: DbSession, principal: Caller, actor: Acting, period_id: PathId
) -> Template | Redirect:
    reason = forms.text(await request.form(), "reason")
    period = await service.get_period(session, principal, period_id)

    async def reopen() -> str:
        await service.reopen_period(session, principal, actor, period_id, reason)
        return "/periods?done=reopened"

    async def again(error: DomainError) -> Template:
        return _reopen_page(
            request, period, reason=reason, errors=forms.errors_of(error), status_code=error.status_code
        )

    return await submit(session, reopen, again)


routes = [periods_page, close_period, reopen_form, reopen_period]
