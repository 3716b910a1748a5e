"""Pages: rounds (đợt trao): the list, the form that drafts one (one package for every household
chosen), and a round's page, where another coordinator approves it, its signature list is printed,
it is handed over in one step with who was absent or refused, or it is cancelled."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from charity import forms
from charity.access import Principal
from charity.clock import format_date, local_today
from charity.distributions import rounds
from charity.distributions.schemas import (
    CancelIn,
    ExceptionIn,
    GoodsGiven,
    RoundHandOverIn,
    RoundIn,
    RoundLineIn,
    RoundOut,
)
from charity.distributions.service import READERS
from charity.distributions.web import (
    GIVE,
    LIST_PAGE,
    READ,
    chosen_of,
    drive_context,
    gift_errors,
    gift_of,
    gift_values,
    gives_from,
    giving_drives,
    purpose_of,
    row_of,
    what_of,
)
from charity.drives.service import list_drives
from charity.errors import DomainError, Invalid
from charity.fields import Offset, PathId, QueryId, QueryText
from charity.labels import PAYMENT_METHODS, PURPOSES, ROUND_STATUSES
from charity.models import Absence, DistributionStatus, RoundStatus
from charity.money import decode_dong, format_quantity, format_vnd
from charity.pages import page, pager
from charity.requests import Acting, Caller, DbSession, submit


def _totals(found: RoundOut) -> str:
    return "; ".join(
        format_vnd(total.amount)
        if total.amount is not None
        else f"{format_quantity(total.quantity or 0)} {total.unit_of_measure} {total.name}"
        for total in found.totals
    )


@get("/rounds", opt=READ)
async def rounds_page(
    request: Request,
    session: DbSession,
    principal: Caller,
    drive_id: QueryId = None,
    status: QueryText = "",
    offset: Offset = 0,
) -> Template:
    """Đợt trao: the rounds of the drives in the caller's scope, latest first."""
    chosen_status = forms.choice(RoundStatus, status)
    offset = max(offset, 0)
    found, total = await rounds.list_rounds(
        session, principal, drive_id, chosen_status, limit=LIST_PAGE, offset=offset
    )
    drives, _ = await list_drives(
        session, principal, status=None, unit_id=None, limit=200, offset=0, roles=READERS
    )
    query = {
        name: value
        for name, value in (("drive_id", drive_id), ("status", chosen_status.value if chosen_status else ""))
        if value
    }
    return page(
        request,
        "distributions/rounds",
        title="Đợt trao",
        rows=[
            {
                "id": one.id,
                "title": one.title,
                "drive": one.drive_name,
                "planned_on": format_date(one.planned_on),
                "households": len(one.lines),
                "totals": _totals(one),
                "status": one.status.value,
                "status_label": ROUND_STATUSES[one.status],
            }
            for one in found
        ],
        total=total,
        drives=[(drive.id, drive.name) for drive in drives],
        statuses=ROUND_STATUSES,
        filters={"drive_id": drive_id, "status": chosen_status.value if chosen_status else ""},
        can_give=bool(principal.units_where(rounds.GIVERS)),
        **pager("/rounds", query, offset=offset, limit=LIST_PAGE, total=total),
    )


def _form_values(form: FormMultiDict) -> dict[str, Any]:
    return gift_values(form) | {
        "drive_id": forms.whole_number(forms.text(form, "drive_id", checked=False)),
        "title": forms.text(form, "title", checked=False),
        "planned_on": forms.text(form, "planned_on", checked=False),
        "place": forms.text(form, "place", checked=False),
        "purpose": forms.text(form, "purpose", checked=False),
        "handed_over_by_name": forms.text(form, "handed_over_by_name", checked=False),
        "representative_name": forms.text(form, "representative_name", checked=False),
        "witness_name": forms.text(form, "witness_name", checked=False),
        "beneficiary_ids": {
            found
            for raw in forms.texts(form, "beneficiary_id", checked=False)
            if (found := forms.whole_number(raw)) is not None
        },
        "override_reason": forms.text(form, "override_reason", checked=False),
    }


def _round_of(values: dict[str, Any], goods: list[GoodsGiven]) -> RoundIn:
    if values["drive_id"] is None:
        raise Invalid("Chọn cuộc vận động.", field="drive_id")
    purpose = purpose_of(values["purpose"])
    planned_on = forms.day(values["planned_on"], field="planned_on", label="Ngày dự kiến trao")
    cash, given = gift_of(values)
    goods.extend(given)
    if not values["beneficiary_ids"]:
        raise Invalid("Chọn ít nhất một hộ nhận trong danh sách.", field="lines")
    # One package for every household: each line gives the same cash and goods.
    lines = [
        RoundLineIn(beneficiary_id=chosen, cash=cash, items=given, override_reason=values["override_reason"])
        for chosen in sorted(values["beneficiary_ids"])
    ]
    data = RoundIn(
        drive_id=values["drive_id"],
        title=values["title"],
        planned_on=planned_on,
        purpose=purpose,
        lines=lines,
        place=values["place"],
        handed_over_by_name=values["handed_over_by_name"],
        representative_name=values["representative_name"],
        witness_name=values["witness_name"],
    )
    return forms.as_decoded(data, dec_hook=decode_dong)


def _line_errors(error: DomainError, goods: list[GoodsGiven]) -> dict[str, str]:
    """A line's error concerns the household chosen ("lines[2].beneficiary_id") or, as one package
    goes to all, the package's money or goods."""
    field = error.field or ""
    if field.startswith("lines[") and field.endswith(("beneficiary_id", "]")):
        return {"lines": error.message}
    if field.startswith("lines[") and field.endswith("override_reason"):
        return {"override_reason": error.message}
    return gift_errors(error, goods)


async def _form_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    values: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    code: str = "",
    status_code: int = 200,
) -> Template:
    drives = await giving_drives(session, principal)
    drive = chosen_of(drives, values["drive_id"])
    values["drive_id"] = drive.id if drive else None
    return page(
        request,
        "distributions/round_form",
        status_code=status_code,
        title="Lập đợt trao",
        drives=drives,
        drive=drive,
        values=values,
        errors=errors or {},
        code=code,
        methods=PAYMENT_METHODS,
        **await drive_context(session, principal, drive),
    )


@get("/rounds/new", opt=GIVE)
async def new_round(
    request: Request, session: DbSession, principal: Caller, drive_id: QueryId = None
) -> Template:
    values = _form_values(FormMultiDict({})) | {"drive_id": drive_id, "planned_on": local_today().isoformat()}
    return await _form_page(request, session, principal, values)


@post("/rounds/new", opt=GIVE)
async def create_round(
    request: Request, session: DbSession, principal: Caller, actor: Acting
) -> Template | Redirect:
    """Draft a round: every household chosen gets the package; another coordinator approves it."""
    values = _form_values(await request.form())
    goods: list[GoodsGiven] = []

    async def save() -> str:
        drafted = await rounds.create_round(session, principal, actor, _round_of(values, goods))
        return f"/rounds/{drafted.id}"

    async def again(error: DomainError) -> Template:
        return await _form_page(
            request,
            session,
            principal,
            values,
            errors=_line_errors(error, goods),
            code=error.code or "",
            status_code=error.status_code,
        )

    return await submit(session, save, again)


async def _round_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    round_id: int,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    code: str = "",
    status_code: int = 200,
) -> Template:
    found = await rounds.get_round(session, principal, round_id)
    package = found.lines[0] if found.lines else None
    return page(
        request,
        "distributions/round",
        status_code=status_code,
        title=found.title,
        r=found,
        purpose=PURPOSES[found.purpose],
        status_label=ROUND_STATUSES[found.status],
        package=what_of(package.cash, package.items) if package else "",
        lines=[row_of(line) | {"line_no": line.line_no} for line in found.lines],
        totals=_totals(found),
        can_give=await gives_from(session, principal, found.unit_id),
        is_drafter=found.drafted_by == principal.user_id,
        values={"handed_over_on": local_today().isoformat(), "late_reason": "", "reason": "", "marks": {}}
        | (values or {}),
        errors=errors or {},
        code=code,
        planned=DistributionStatus.PLANNED.value,
    )


@get("/rounds/{round_id:int}", opt=READ)
async def round_page(request: Request, session: DbSession, principal: Caller, round_id: PathId) -> Template:
    return await _round_page(request, session, principal, round_id)


async def _act(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    round_id: int,
    change: Callable[[], Awaitable[None]],
    values: dict[str, Any] | None = None,
) -> Template | Redirect:
    """Run one of the round page's forms; refused, the page comes back with why."""

    async def save() -> str:
        await change()
        return f"/rounds/{round_id}"

    async def again(error: DomainError) -> Template:
        return await _round_page(
            request,
            session,
            principal,
            round_id,
            values=values,
            errors=forms.errors_of(error),
            code=error.code or "",
            status_code=error.status_code,
        )

    return await submit(session, save, again)


@post("/rounds/{round_id:int}/approve", opt=GIVE)
async def approve(
    request: Request, session: DbSession, principal: Caller, actor: Acting, round_id: PathId
) -> Template | Redirect:
    """Duyệt, by a coordinator who did not draft the round: its lines take their numbers."""

    async def change() -> None:
        await rounds.approve_round(session, principal, actor, round_id)

    return await _act(request, session, principal, round_id, change)


@post("/rounds/{round_id:int}/hand-over", opt=GIVE)
async def hand_over(
    request: Request, session: DbSession, principal: Caller, actor: Acting, round_id: PathId
) -> Template | Redirect:
    """Mark the round handed over: each line received, absent or refused (`line-<id>`, with
    `note-<id>`), in one step."""
    form = await request.form()
    marks = {
        line_id: (forms.text(form, name, checked=False), forms.text(form, f"note-{line_id}", checked=False))
        for name in form
        if name.startswith("line-") and (line_id := forms.whole_number(name.removeprefix("line-")))
    }
    values = {
        "handed_over_on": forms.text(form, "handed_over_on", checked=False),
        "late_reason": forms.text(form, "late_reason", checked=False),
        "marks": marks,
    }

    async def change() -> None:
        exceptions = [
            ExceptionIn(distribution_id=line_id, absence=absence, note=note)
            for line_id, (mark, note) in sorted(marks.items())
            if (absence := forms.choice(Absence, mark)) is not None
        ]
        data = RoundHandOverIn(
            handed_over_on=forms.day(values["handed_over_on"], field="handed_over_on", label="Ngày trao"),
            exceptions=exceptions,
            late_reason=values["late_reason"],
        )
        await rounds.hand_over_round(session, principal, actor, round_id, forms.as_decoded(data))

    return await _act(request, session, principal, round_id, change, values)


@post("/rounds/{round_id:int}/cancel", opt=GIVE)
async def cancel(
    request: Request, session: DbSession, principal: Caller, actor: Acting, round_id: PathId
) -> Template | Redirect:
    """Hủy đợt trao, with a reason."""
    form = await request.form()
    reason = forms.text(form, "reason", checked=False)

    async def change() -> None:
        data = forms.as_decoded(CancelIn(reason=reason))
        await rounds.cancel_round(session, principal, actor, round_id, data)

    return await _act(request, session, principal, round_id, change, {"reason": reason})


routes = [rounds_page, new_round, create_round, round_page, approve, hand_over, cancel]
