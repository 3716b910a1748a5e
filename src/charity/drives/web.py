"""Pages: drives with their progress toward targets; coordinators create, edit, open and close them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.datastructures import FormMultiDict, State
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from charity import forms
from charity.access import Principal, allow, may, scope_units
from charity.audit.service import Actor
from charity.clock import format_date, local_today
from charity.drives import service
from charity.drives.schemas import AssetFlows, DriveItemIn, DriveOut, DriveSummary, Flow
from charity.errors import DomainError, Invalid
from charity.fields import PathId
from charity.item_types.service import list_item_types
from charity.labels import DRIVE_KINDS, DRIVE_STATUSES, PURPOSES
from charity.models import DECREE_93_PURPOSES, DriveKind, DriveStatus, Purpose, Role, Unit
from charity.money import format_quantity, format_vnd
from charity.pages import page
from charity.requests import Acting, Caller, DbSession, database_of, submit
from charity.units.tree import tree_of

READ = allow(Role.VOLUNTEER, Role.COORDINATOR, Role.AUDITOR)
MANAGE = allow(Role.COORDINATOR)


def _percent(progress: float | None) -> int | None:
    return None if progress is None else max(0, min(100, round(progress * 100)))


_CAME_IN = (("gifts", "ủng hộ"), ("transfers_in", "chuyển đến"), ("conversions_in", "tiền bán hàng"))
_WENT_OUT = (
    ("distributions", "đã trao"),
    ("conversions_out", "đã bán"),
    ("transfers_out", "chuyển đi"),
    ("adjustments", "điều chỉnh sau kiểm kê"),
)


def _amount(flow: Flow, unit: str) -> str:
    if flow.quantity is None:
        return format_vnd(flow.amount)
    return f"{format_quantity(flow.quantity)} {unit}"


def _parts(asset: AssetFlows, names: tuple[tuple[str, str], ...]) -> str:
    """The movements a total is made of, those that moved anything: "ủng hộ 300 kg · chuyển đến 50 kg"."""
    flows = [(label, getattr(asset, name)) for name, label in names]
    return " · ".join(
        f"{label} {_amount(flow, asset.unit_of_measure)}"
        for label, flow in flows
        if flow.amount or flow.quantity
    )


def flows_view(summary: DriveSummary) -> list[dict[str, str]]:
    """Each asset: what came in, what went out and what is held, with what each total is made of."""
    return [
        {
            "name": asset.name,
            "came_in": _amount(asset.came_in, asset.unit_of_measure),
            "came_in_parts": _parts(asset, _CAME_IN),
            "went_out": _amount(asset.went_out, asset.unit_of_measure),
            "went_out_parts": _parts(asset, _WENT_OUT),
            "held": _amount(asset.held, asset.unit_of_measure),
            "held_value": format_vnd(asset.held.amount) if asset.held.quantity is not None else "",
        }
        for asset in summary.flows
    ]


def held_text(summary: DriveSummary) -> str:
    """What the drive still holds, each asset it holds any of: "1.000.000 đ · 250 kg Gạo"."""
    return " · ".join(
        format_vnd(asset.held.amount)
        if asset.held.quantity is None
        else f"{format_quantity(asset.held.quantity)} {asset.unit_of_measure} {asset.name}"
        for asset in summary.flows
        if asset.held.amount or asset.held.quantity
    )


def _raised(asset: AssetFlows | None) -> Flow:
    """What a drive raised of an asset toward its target: gifts and transfers in."""
    if asset is None:
        return Flow(0, None)
    quantity = None
    if asset.gifts.quantity is not None and asset.transfers_in.quantity is not None:
        quantity = asset.gifts.quantity + asset.transfers_in.quantity
    return Flow(asset.gifts.amount + asset.transfers_in.amount, quantity)


def progress_view(drive: DriveOut, summary: DriveSummary) -> dict[str, Any]:
    """A drive with its totals and bars, as the dashboard and the drive pages show it: the bars are
    what it raised against its targets; the totals what it holds."""
    assets = {asset.item_type_id: asset for asset in summary.flows}
    return {
        "id": drive.id,
        "name": drive.name,
        "unit": drive.unit_name,
        "kind": DRIVE_KINDS[drive.kind],
        "status": drive.status.value,
        "status_label": DRIVE_STATUSES[drive.status],
        "window": f"{format_date(drive.starts_on)} – {format_date(drive.ends_on)}",
        "deadline": format_date(drive.distribution_deadline) if drive.distribution_deadline else "",
        "receipts": summary.receipts_issued,
        "voids": summary.receipts_void,
        "donors": summary.donors,
        "cash": format_vnd(summary.cash_total),
        "raised": format_vnd(_raised(assets.get(None)).amount),
        "goods_value": format_vnd(summary.goods_value),
        "total": format_vnd(summary.total_value),
        "target": format_vnd(summary.target_amount) if summary.target_amount else "",
        "cash_percent": _percent(summary.cash_progress),
        "items": [
            {
                "name": item.name,
                "quantity": f"{format_quantity(item.quantity)} {item.unit_of_measure}",
                "raised": f"{format_quantity(_raised(assets.get(item.item_type_id)).quantity or Decimal(0))}"
                f" {item.unit_of_measure}",
                "value": format_vnd(item.value),
                "target": f"{format_quantity(item.target_quantity)} {item.unit_of_measure}"
                if item.target_quantity
                else "",
                "percent": _percent(item.progress),
            }
            for item in summary.items
        ],
        "flows": flows_view(summary),
        "handed_over": summary.distributions_handed_over,
        "households": summary.households_reached,
        "people": summary.people_in_groups,
    }


async def drives_with_progress(
    session: AsyncSession, principal: Principal, status: DriveStatus | None = None
) -> list[dict[str, Any]]:
    drives, _ = await service.list_drives(
        session, principal, status=status, unit_id=None, limit=100, offset=0
    )
    return [
        progress_view(drive, await service.summary(session, principal, drive.id))
        for drive in await service.to_out(session, drives)
    ]


@get("/drives", opt=READ)
async def drives_page(request: Request, session: DbSession, principal: Caller) -> Template:
    return page(
        request,
        "drives",
        title="Cuộc vận động",
        drives=await drives_with_progress(session, principal),
        can_manage=may(principal, Role.COORDINATOR),
    )


@get("/drives/{drive_id:int}", opt=READ)
async def drive_page(request: Request, session: DbSession, principal: Caller, drive_id: PathId) -> Template:
    drive = (await service.to_out(session, [await service.get_drive(session, principal, drive_id)]))[0]
    view = progress_view(drive, await service.summary(session, principal, drive_id))
    return page(
        request,
        "drive",
        title=drive.name,
        drive=view,
        details=drive,
        can_manage=await _manages(session, principal, drive.unit_id),
        can_verify=may(principal, *service.VERIFIERS),
        can_record=drive.status == DriveStatus.OPEN and may(principal, Role.VOLUNTEER, Role.COORDINATOR),
        can_see_giving=may(principal, Role.COORDINATOR, Role.AUDITOR),
        purposes=[PURPOSES[purpose] for purpose in drive.purposes],
    )


async def _manages(session: AsyncSession, principal: Principal, unit_id: int) -> bool:
    return unit_id in {unit.id for unit in await _managed_units(session, principal)}


async def _managed_units(session: AsyncSession, principal: Principal) -> list[Unit]:
    units = await session.execute(
        select(Unit).where(Unit.id.in_(scope_units(principal, [Role.COORDINATOR]))).order_by(Unit.name)
    )
    return list(units.scalars())


def _values_of(drive: DriveOut | None) -> dict[str, Any]:
    if drive is None:
        today = local_today().isoformat()
        return {
            "name": "",
            "unit_id": None,
            "kind": DriveKind.FUND.value,
            "starts_on": today,
            "ends_on": today,
            "target_amount": "",
            "items": {},
            "bank_account": "",
            "is_public": False,
            "description": "",
            "min_days_between": "",
            "purposes": [],
        }
    return {
        "name": drive.name,
        "unit_id": drive.unit_id,
        "kind": drive.kind.value,
        "starts_on": drive.starts_on.isoformat(),
        "ends_on": drive.ends_on.isoformat(),
        "target_amount": f"{drive.target_amount:,}".replace(",", ".") if drive.target_amount else "",
        "items": {
            item.item_type_id: format_quantity(item.target_quantity) if item.target_quantity else ""
            for item in drive.items
        },
        "bank_account": drive.bank_account,
        "is_public": drive.is_public,
        "description": drive.description,
        "min_days_between": str(drive.min_days_between) if drive.min_days_between else "",
        "purposes": [purpose.value for purpose in drive.purposes],
    }


def _values_from(form: FormMultiDict) -> dict[str, Any]:
    chosen = {forms.whole_number(raw) for raw in forms.texts(form, "item")}
    return {
        "name": forms.text(form, "name"),
        "unit_id": forms.whole_number(forms.text(form, "unit_id")),
        "kind": forms.text(form, "kind"),
        "starts_on": forms.text(form, "starts_on"),
        "ends_on": forms.text(form, "ends_on"),
        "target_amount": forms.text(form, "target_amount"),
        "items": {
            item_id: forms.text(form, f"target_{item_id}") for item_id in chosen if item_id is not None
        },
        "bank_account": forms.text(form, "bank_account"),
        "is_public": forms.text(form, "is_public") == "on",
        "description": forms.text(form, "description"),
        "min_days_between": forms.text(form, "min_days_between"),
        "purposes": forms.texts(form, "purpose"),
    }


def _fields_of(values: dict[str, Any]) -> service.DriveFields:
    kind = forms.choice(DriveKind, values["kind"])
    if kind is None:
        raise Invalid("Chọn loại cuộc vận động.", field="kind")
    items = []
    for item_id, target in values["items"].items():
        items.append(DriveItemIn(item_id, forms.quantity(target, field="items")))
    days = values["min_days_between"].strip()
    min_days_between = forms.whole_number(days)
    if days and min_days_between is None:
        raise Invalid("Số ngày giữa hai lần nhận phải là một số nguyên, ví dụ 30.", field="min_days_between")
    return service.DriveFields(
        name=values["name"],
        kind=kind,
        starts_on=forms.day(values["starts_on"], field="starts_on", label="Ngày bắt đầu"),
        ends_on=forms.day(values["ends_on"], field="ends_on", label="Ngày kết thúc"),
        target_amount=forms.dong(values["target_amount"], field="target_amount", label="Mục tiêu tiền"),
        items=items,
        bank_account=values["bank_account"],
        is_public=values["is_public"],
        description=values["description"],
        min_days_between=min_days_between,
        purposes=[purpose for raw in values["purposes"] if (purpose := forms.choice(Purpose, raw))],
    )


async def _form_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    values: dict[str, Any],
    *,
    drive_id: int | None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    item_types, _ = await list_item_types(session, active_only=True, limit=200, offset=0)
    return page(
        request,
        "drive_form",
        status_code=status_code,
        title="Sửa cuộc vận động" if drive_id else "Cuộc vận động mới",
        values=values,
        drive_id=drive_id,
        errors=errors or {},
        units=tree_of(await _managed_units(session, principal)),
        kinds=DRIVE_KINDS,
        item_types=item_types,
        purposes=PURPOSES,
        decree_93=[purpose.value for purpose in DECREE_93_PURPOSES],
        appeal=DriveKind.APPEAL.value,
    )


@get("/drives/new", opt=MANAGE)
async def new_drive_form(request: Request, session: DbSession, principal: Caller) -> Template:
    return await _form_page(request, session, principal, _values_of(None), drive_id=None)


@get("/drives/{drive_id:int}/edit", opt=MANAGE)
async def edit_drive_form(
    request: Request, session: DbSession, principal: Caller, drive_id: PathId
) -> Template:
    drive = await service.get_drive(session, principal, drive_id, service.MANAGERS)
    values = _values_of((await service.to_out(session, [drive]))[0])
    return await _form_page(request, session, principal, values, drive_id=drive_id)


async def _save(
    request: Request, session: AsyncSession, principal: Principal, actor: Actor, drive_id: int | None
) -> Template | Redirect:
    values = _values_from(await request.form())

    async def save() -> str:
        fields = _fields_of(values)
        if drive_id is not None:
            changes = {name: getattr(fields, name) for name in service.DriveFields.__slots__}
            return f"/drives/{(await service.update_drive(session, principal, actor, drive_id, changes)).id}"
        if values["unit_id"] is None:
            raise Invalid("Chọn đơn vị tổ chức.", field="unit_id")
        return (
            f"/drives/{(await service.create_drive(session, principal, actor, values['unit_id'], fields)).id}"
        )

    async def again(error: DomainError) -> Template:
        return await _form_page(
            request,
            session,
            principal,
            values,
            drive_id=drive_id,
            errors=forms.errors_of(error),
            status_code=error.status_code,
        )

    return await submit(session, save, again)


@post("/drives/new", opt=MANAGE)
async def create_drive(
    request: Request, session: DbSession, principal: Caller, actor: Acting
) -> Template | Redirect:
    return await _save(request, session, principal, actor, None)


@post("/drives/{drive_id:int}/edit", opt=MANAGE)
async def update_drive(
    request: Request, session: DbSession, principal: Caller, actor: Acting, drive_id: PathId
) -> Template | Redirect:
    return await _save(request, session, principal, actor, drive_id)


async def _move_to(
    session: AsyncSession, principal: Principal, actor: Actor, drive_id: int, status: DriveStatus
) -> Redirect:
    await service.set_status(session, principal, actor, drive_id, status)
    return Redirect(f"/drives/{drive_id}", status_code=303)


@post("/drives/{drive_id:int}/open", opt=MANAGE)
async def open_drive(session: DbSession, principal: Caller, actor: Acting, drive_id: PathId) -> Redirect:
    return await _move_to(session, principal, actor, drive_id, DriveStatus.OPEN)


@post("/drives/{drive_id:int}/close", opt=MANAGE)
async def close_drive(session: DbSession, principal: Caller, actor: Acting, drive_id: PathId) -> Redirect:
    return await _move_to(session, principal, actor, drive_id, DriveStatus.CLOSED)


@dataclass
class PrintedForm:
    """The chain end at the foot of a kept printout, to compare; both blank for a plain check."""

    printed_seq: str = ""
    printed_hash: str = ""


@post("/drives/{drive_id:int}/ledger/verify", opt=allow(*service.VERIFIERS), status_code=200)
async def verify_ledger(
    request: Request,
    state: State,
    session: DbSession,
    principal: Caller,
    actor: Acting,
    drive_id: PathId,
    data: Annotated[PrintedForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template:
    """Kiểm tra toàn vẹn: the drive's ledger checked against its hash chain, the result on a page,
    and compared with a printout's chain end when one is given."""
    seq = data.printed_seq.strip()
    try:
        printed = service.printed_end(int(seq) if seq.isdigit() else (0 if seq else None), data.printed_hash)
        error = ""
    except Invalid as refused:
        printed, error = None, refused.message
    checked = await service.check_chain(database_of(state), session, actor, drive_id, principal, printed)
    drive = await service.get_drive(session, principal, drive_id)
    return page(
        request,
        "ledger_check",
        title="Kiểm tra toàn vẹn sổ",
        status_code=422 if error else 200,
        drive=drive,
        check=checked,
        error=error,
        printed_seq=seq,
        printed_hash=data.printed_hash.strip(),
    )


routes = [
    drives_page,
    drive_page,
    new_drive_form,
    edit_drive_form,
    create_drive,
    update_drive,
    open_drive,
    close_drive,
    verify_ledger,
]
