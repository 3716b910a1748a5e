"""Pages: distributions (trao tặng): the list, one distribution with its hand-over and void, and the
form that records one. They call the services the JSON API calls; the pieces the round pages share
(the drives one gives from, what a drive holds, a gift read from a form) are here too."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from charity import forms
from charity.access import Principal, allow, scope_units
from charity.clock import VIETNAM, format_date, local_today
from charity.distributions import service
from charity.distributions.recipients import eligible_for
from charity.distributions.schemas import (
    CashGiven,
    DistributionIn,
    DistributionOut,
    GoodsGiven,
    GroupIn,
    RecipientOut,
)
from charity.drives.service import get_drive, list_drives
from charity.errors import DomainError, Invalid
from charity.fields import Offset, PathId, QueryId, QueryText
from charity.labels import ABSENCES, DISTRIBUTION_STATUSES, PAYMENT_METHODS, PURPOSES
from charity.ledger.service import SHORT, balances
from charity.models import DistributionStatus, Drive, DriveStatus, ItemType, PaymentMethod, Purpose
from charity.money import decode_dong, format_quantity, format_vnd
from charity.pages import page, pager
from charity.requests import Acting, Caller, DbSession, submit

READ = allow(*service.READERS)
GIVE = allow(*service.GIVERS)
LIST_PAGE = 50
# A field the service names inside a gift ("items[1].quantity", "lines[0].items[1]") concerns one
# goods line of the form, which is keyed by its item type.
_GOODS_FIELD = re.compile(r"^(?:lines\[\d+\]\.)?items\[(\d+)\]")
_CASH_FIELD = re.compile(r"^(?:lines\[\d+\]\.)?cash")


async def giving_drives(session: AsyncSession, principal: Principal) -> list[Drive]:
    """The drives the caller gives from as their coordinator: any but a draft."""
    drives, _ = await list_drives(
        session, principal, status=None, unit_id=None, limit=200, offset=0, roles=service.GIVERS
    )
    return [drive for drive in drives if drive.status != DriveStatus.DRAFT]


def chosen_of(drives: list[Drive], drive_id: int | None) -> Drive | None:
    """The drive asked for, if the caller gives from it; the only one, when there is one."""
    if drive_id is not None:
        return next((drive for drive in drives if drive.id == drive_id), None)
    return drives[0] if len(drives) == 1 else None


async def gives_from(session: AsyncSession, principal: Principal, unit_id: int) -> bool:
    """Whether the caller coordinates the unit (or one above it): the pages offer the actions then."""
    return unit_id in set(await session.scalars(scope_units(principal, service.GIVERS)))


@dataclass(frozen=True, slots=True)
class HeldGoods:
    item_type: ItemType
    quantity: Decimal

    @property
    def text(self) -> str:
        return f"{format_quantity(self.quantity)} {self.item_type.unit_of_measure}"


@dataclass(frozen=True, slots=True)
class Held:
    """What a drive holds now, to show next to what a form gives."""

    cash: int
    goods: list[HeldGoods]

    @property
    def cash_text(self) -> str:
        return format_vnd(self.cash)


async def held_by(session: AsyncSession, drive_id: int) -> Held:
    cash, goods = 0, []
    for balance in await balances(session, drive_id):
        if balance.item_type_id is None:
            cash = balance.amount
        elif balance.quantity:
            item_type = await session.get_one(ItemType, balance.item_type_id)
            goods.append(HeldGoods(item_type, balance.quantity))
    return Held(cash, sorted(goods, key=lambda held: held.item_type.name))


def gift_values(form: FormMultiDict) -> dict[str, Any]:
    """The money and goods part of a form as typed: the quantities are `qty-<item type id>`."""
    return {
        "cash_amount": forms.text(form, "cash_amount", checked=False),
        "cash_method": forms.text(form, "cash_method", checked=False) or PaymentMethod.CASH.value,
        "quantities": {
            item_id: forms.text(form, name, checked=False)
            for name in form
            if name.startswith("qty-") and (item_id := forms.whole_number(name.removeprefix("qty-")))
        },
    }


def gift_of(values: dict[str, Any]) -> tuple[CashGiven | None, list[GoodsGiven]]:
    """The cash and goods lines a form gives, in item type order; empty quantities give nothing."""
    amount = forms.dong(values["cash_amount"], field="cash.amount")
    cash = None
    if amount is not None:
        cash = CashGiven(amount, forms.choice(PaymentMethod, values["cash_method"]) or PaymentMethod.CASH)
    items = []
    for item_id, typed in sorted(values["quantities"].items()):
        quantity = forms.quantity(typed, field=f"item-{item_id}")
        if quantity is not None:
            items.append(GoodsGiven(item_type_id=item_id, quantity=quantity))
    return cash, items


def gift_errors(error: DomainError, goods: list[GoodsGiven]) -> dict[str, str]:
    """The error keyed by the form's field: a goods line by its item type, what the drive is short
    of beside the money or the goods line it concerns."""
    field = error.field or ""
    if error.code == SHORT:
        item_type_id = error.facts.get("item_type_id")
        field = "cash.amount" if item_type_id is None else f"item-{item_type_id}"
    elif (line := _GOODS_FIELD.match(field)) and int(line[1]) < len(goods):
        field = f"item-{goods[int(line[1])].item_type_id}"
    elif _CASH_FIELD.match(field):
        field = "cash.amount"
    return {field: error.message}


def purpose_of(raw: str) -> Purpose:
    purpose = forms.choice(Purpose, raw)
    if purpose is None:
        raise Invalid("Chọn mục đích trao.", field="purpose")
    return purpose


def what_of(cash: Any, items: list[Any]) -> str:
    """ "500.000 đ tiền mặt; 10 kg Gạo": what a distribution or a round's package gives."""
    parts = [f"{format_vnd(cash.amount)} {PAYMENT_METHODS[cash.method]}"] if cash else []
    parts += [f"{format_quantity(item.quantity)} {item.unit_of_measure} {item.name}" for item in items]
    return "; ".join(parts)


def recipient_of(distribution: DistributionOut) -> str:
    person = distribution.beneficiary
    if person is not None:
        return person.name or person.code
    group = distribution.group
    return f"{group.place} ({group.count} người)" if group else ""


def row_of(distribution: DistributionOut) -> dict[str, Any]:
    """A distribution as a line of a list."""
    day = distribution.handed_over_on
    return {
        "id": distribution.id,
        "number": distribution.number or "—",
        "day": format_date(day or distribution.created_at.astimezone(VIETNAM).date()),
        "planned": day is None,
        "recipient": recipient_of(distribution),
        "hamlet": distribution.beneficiary.hamlet if distribution.beneficiary else "",
        "cash": format_vnd(distribution.cash.amount) if distribution.cash else "",
        "goods": "; ".join(
            f"{format_quantity(item.quantity)} {item.unit_of_measure} {item.name}"
            for item in distribution.items
        ),
        "items": [
            {
                "name": item.name,
                "quantity": f"{format_quantity(item.quantity)} {item.unit_of_measure}",
                "value": format_vnd(item.value) if item.value is not None else "",
            }
            for item in distribution.items
        ],
        "what": what_of(distribution.cash, distribution.items),
        "value": format_vnd(distribution.total_value) if distribution.total_value is not None else "",
        "status": distribution.status.value,
        "status_label": DISTRIBUTION_STATUSES[distribution.status],
        "absence": ABSENCES[distribution.absence] if distribution.absence else "",
        "drive": distribution.drive_name,
    }


@get("/distributions", opt=READ)
async def distributions_page(
    request: Request,
    session: DbSession,
    principal: Caller,
    drive_id: QueryId = None,
    status: QueryText = "",
    offset: Offset = 0,
) -> Template:
    """Trao tặng: the distributions of the drives in the caller's scope, latest first."""
    chosen_status = forms.choice(DistributionStatus, status)
    offset = max(offset, 0)
    found, total = await service.list_distributions(
        session,
        principal,
        service.DistributionFilter(drive_id=drive_id, status=chosen_status),
        limit=LIST_PAGE,
        offset=offset,
    )
    drives, _ = await list_drives(
        session, principal, status=None, unit_id=None, limit=200, offset=0, roles=service.READERS
    )
    query = {
        name: value
        for name, value in (("drive_id", drive_id), ("status", chosen_status.value if chosen_status else ""))
        if value
    }
    return page(
        request,
        "distributions/list",
        title="Trao tặng",
        rows=[row_of(distribution) for distribution in found],
        total=total,
        drives=[(drive.id, drive.name) for drive in drives],
        statuses={value: label for value, label in DISTRIBUTION_STATUSES.items() if value != "draft"},
        filters={"drive_id": drive_id, "status": chosen_status.value if chosen_status else ""},
        can_give=bool(principal.units_where(service.GIVERS)),
        **pager("/distributions", query, offset=offset, limit=LIST_PAGE, total=total),
    )


def _form_values(form: FormMultiDict) -> dict[str, Any]:
    """What the coordinator typed, kept as typed so the form can come back with it."""
    return gift_values(form) | {
        "drive_id": forms.whole_number(forms.text(form, "drive_id", checked=False)),
        "purpose": forms.text(form, "purpose", checked=False),
        "to": "group" if forms.text(form, "to", checked=False) == "group" else "beneficiary",
        "beneficiary_id": forms.whole_number(forms.text(form, "beneficiary_id", checked=False)),
        "group_place": forms.text(form, "group_place", checked=False),
        "group_count": forms.text(form, "group_count", checked=False),
        "group_description": forms.text(form, "group_description", checked=False),
        "handed_over_on": forms.text(form, "handed_over_on", checked=False),
        "plan_only": forms.text(form, "plan_only", checked=False) == "on",
        "note": forms.text(form, "note", checked=False),
        "override_reason": forms.text(form, "override_reason", checked=False),
        "late_reason": forms.text(form, "late_reason", checked=False),
    }


def _distribution_of(
    values: dict[str, Any], goods: list[GoodsGiven], cash: CashGiven | None
) -> DistributionIn:
    if values["drive_id"] is None:
        raise Invalid("Chọn cuộc vận động.", field="drive_id")
    purpose = purpose_of(values["purpose"])
    beneficiary_id, group = None, None
    if values["to"] == "group":
        count = forms.whole_number(values["group_count"])
        if count is None:
            raise Invalid("Ghi số người (số suất) nhận, là một số nguyên, ví dụ 250.", field="group.count")
        group = GroupIn(values["group_place"], count, values["group_description"])
    elif values["beneficiary_id"] is None:
        raise Invalid("Chọn đối tượng nhận, hoặc chọn trao cho một nhóm.", field="beneficiary_id")
    else:
        beneficiary_id = values["beneficiary_id"]
    on = None
    if not values["plan_only"]:
        on = forms.day(values["handed_over_on"], field="handed_over_on", label="Ngày trao")
    data = DistributionIn(
        drive_id=values["drive_id"],
        purpose=purpose,
        beneficiary_id=beneficiary_id,
        group=group,
        cash=cash,
        items=goods,
        handed_over_on=on,
        note=values["note"],
        override_reason=values["override_reason"],
        late_reason=values["late_reason"],
    )
    return forms.as_decoded(data, dec_hook=decode_dong)


async def drive_context(session: AsyncSession, principal: Principal, drive: Drive | None) -> dict[str, Any]:
    """What a giving form shows of its drive: the purposes it allows, what it holds, who may receive."""
    if drive is None:
        return {"purposes": {}, "held": None, "eligible": []}
    allowed = await service.allowed_purposes(session, drive)
    eligible: list[RecipientOut] = await eligible_for(session, principal, drive)
    return {
        "purposes": {purpose.value: PURPOSES[purpose] for purpose in allowed},
        "held": await held_by(session, drive.id),
        "eligible": eligible,
        "deadline": format_date(drive.distribution_deadline) if drive.distribution_deadline else "",
    }


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
        "distributions/form",
        status_code=status_code,
        title="Trao tặng",
        drives=drives,
        drive=drive,
        values=values,
        errors=errors or {},
        code=code,
        methods=PAYMENT_METHODS,
        today=local_today().isoformat(),
        **await drive_context(session, principal, drive),
    )


@get("/distributions/new", opt=GIVE)
async def new_distribution(
    request: Request, session: DbSession, principal: Caller, drive_id: QueryId = None
) -> Template:
    values = _form_values(FormMultiDict({})) | {
        "drive_id": drive_id,
        "handed_over_on": local_today().isoformat(),
    }
    return await _form_page(request, session, principal, values)


@post("/distributions/new", opt=GIVE)
async def create_distribution(
    request: Request, session: DbSession, principal: Caller, actor: Acting
) -> Template | Redirect:
    """Record a distribution; handed over today unless the form says it is only planned."""
    values = _form_values(await request.form())
    goods: list[GoodsGiven] = []

    async def save() -> str:
        cash, given = gift_of(values)
        goods.extend(given)
        created = await service.create_distribution(
            session, principal, actor, _distribution_of(values, given, cash)
        )
        return f"/distributions/{created.id}"

    async def again(error: DomainError) -> Template:
        return await _form_page(
            request,
            session,
            principal,
            values,
            errors=gift_errors(error, goods),
            code=error.code or "",
            status_code=error.status_code,
        )

    return await submit(session, save, again)


async def _distribution_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    distribution_id: int,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    code: str = "",
    status_code: int = 200,
) -> Template:
    distribution = await service.get_distribution(session, principal, distribution_id)
    drive = await get_drive(session, principal, distribution.drive_id, service.READERS)
    number = distribution.number or "(chưa cấp số)"
    return page(
        request,
        "distributions/distribution",
        status_code=status_code,
        title=f"Phiếu trao {number}",
        d=distribution,
        number=number,
        row=row_of(distribution),
        purpose=PURPOSES[distribution.purpose],
        methods=PAYMENT_METHODS,
        drive=drive,
        deadline_passed=drive.distribution_deadline is not None
        and drive.distribution_deadline < local_today(),
        can_give=await gives_from(session, principal, drive.unit_id),
        values={"handed_over_on": local_today().isoformat(), "late_reason": "", "reason": ""}
        | (values or {}),
        errors=errors or {},
        code=code,
    )


@get("/distributions/{distribution_id:int}", opt=READ)
async def distribution_page(
    request: Request, session: DbSession, principal: Caller, distribution_id: PathId
) -> Template:
    return await _distribution_page(request, session, principal, distribution_id)


@post("/distributions/{distribution_id:int}/hand-over", opt=GIVE)
async def hand_over(
    request: Request, session: DbSession, principal: Caller, actor: Acting, distribution_id: PathId
) -> Template | Redirect:
    """Hand a planned distribution over on the day the form says."""
    form = await request.form()
    values = {
        "handed_over_on": forms.text(form, "handed_over_on", checked=False),
        "late_reason": forms.text(form, "late_reason", checked=False),
    }

    async def save() -> str:
        on = forms.day(forms.text(form, "handed_over_on"), field="handed_over_on", label="Ngày trao")
        await service.hand_over(
            session, principal, actor, distribution_id, on, forms.text(form, "late_reason")
        )
        return f"/distributions/{distribution_id}"

    async def again(error: DomainError) -> Template:
        return await _distribution_page(
            request,
            session,
            principal,
            distribution_id,
            values=values,
            errors=forms.errors_of(error),
            code=error.code or "",
            status_code=error.status_code,
        )

    return await submit(session, save, again)


@post("/distributions/{distribution_id:int}/void", opt=GIVE)
async def void(
    request: Request, session: DbSession, principal: Caller, actor: Acting, distribution_id: PathId
) -> Template | Redirect:
    """Hủy phiếu trao, with a reason: the number stays; what was handed over comes back to the drive."""
    form = await request.form()
    reason = forms.text(form, "reason", checked=False)

    async def save() -> str:
        await service.void_distribution(
            session, principal, actor, distribution_id, forms.text(form, "reason")
        )
        return f"/distributions/{distribution_id}"

    async def again(error: DomainError) -> Template:
        errors = forms.errors_of(error)
        return await _distribution_page(
            request,
            session,
            principal,
            distribution_id,
            values={"reason": reason},
            errors={("reason" if field == "" else field): message for field, message in errors.items()},
            status_code=error.status_code,
        )

    return await submit(session, save, again)


routes = [distributions_page, new_distribution, create_distribution, distribution_page, hand_over, void]
