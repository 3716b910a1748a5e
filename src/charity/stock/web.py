"""Pages: a drive's stock (Tồn kho): what it holds, its stock documents, the forms that record a
conversion, a count and a transfer, and the pending counts another coordinator approves or rejects."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.response import Redirect, Stream, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from charity import forms
from charity.access import Principal, scope_units
from charity.audit.service import Actor
from charity.clock import VIETNAM, format_date, local_today
from charity.drives.service import accepted_items, get_drive
from charity.errors import DomainError, Invalid
from charity.fields import Offset, PathId, QueryId, QueryText
from charity.labels import ADJUSTMENT_REASONS, MOVEMENT_KINDS, MOVEMENT_STATUSES, PAYMENT_METHODS
from charity.models import AdjustmentReason, Drive, MovementStatus, PaymentMethod, Role, Unit
from charity.money import decode_dong, format_quantity, format_vnd
from charity.pages import page, pager
from charity.requests import Acting, Caller, DbSession, submit
from charity.stock import records, service
from charity.stock.api import READ, WRITE
from charity.stock.schemas import (
    AdjustmentIn,
    CashIn,
    ConversionIn,
    DecisionIn,
    LineIn,
    MovementOut,
    TransferIn,
)

MOVEMENTS_PAGE = 50
# Goods rows a conversion's or a transfer's form offers; rows left blank are no line.
FORM_ROWS = 3
DONE = {
    "conversion": "Đã ghi biên bản bán hàng {number}.",
    "adjustment": "Đã ghi biên bản kiểm kê {number}.",
    "pending": "Đã lập biên bản kiểm kê {number}: giá trị chênh lệch vượt ngưỡng, chờ một điều phối viên khác duyệt.",
    "transfer": "Đã ghi biên bản điều chuyển {number}.",
    "approved": "Đã duyệt biên bản kiểm kê {number}: chênh lệch đã ghi sổ.",
    "rejected": "Đã từ chối biên bản kiểm kê {number}.",
}


def _blank(today: str) -> dict[str, dict[str, Any]]:
    rows = [{"item_type_id": "", "quantity": ""} for _ in range(FORM_ROWS)]
    return {
        "conversion": {
            "moved_on": today,
            "rows": rows,
            "cash_amount": "",
            "cash_method": "cash",
            "buyer": "",
            "note": "",
        },
        "adjustment": {
            "counted_on": today,
            "item_type_id": "",
            "counted_quantity": "",
            "reason": "",
            "note": "",
        },
        "transfer": {
            "moved_on": today,
            "to_drive_id": "",
            "rows": rows,
            "cash_amount": "",
            "cash_method": "cash",
            "note": "",
        },
    }


def _at(moment: datetime) -> str:
    return moment.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")


def _summary(movement: MovementOut, drive_id: int) -> str:
    """What the document did, as read from the drive's side."""
    goods = ", ".join(
        f"{line.name} {format_quantity(abs(line.quantity))} {line.unit_of_measure}" for line in movement.lines
    )
    cash = format_vnd(movement.cash.amount) if movement.cash else ""
    if movement.kind == "conversion":
        return f"Bán {goods} được {cash}" + (f" ({movement.counterparty})" if movement.counterparty else "")
    if movement.kind == "adjustment":
        line = movement.lines[0]
        change = "thừa" if line.quantity > 0 else "thiếu"
        return f"{line.name}: {change} {format_quantity(abs(line.quantity))} {line.unit_of_measure}"
    what = " và ".join(part for part in (goods, cash) if part)
    if movement.drive_id == drive_id:
        return f"Chuyển {what} sang «{movement.to_drive_name}»"
    return f"Nhận {what} từ «{movement.drive_name}»"


def _row(movement: MovementOut, drive_id: int, user_id: int) -> dict[str, Any]:
    return {
        "id": movement.id,
        "number": movement.number,
        "kind": MOVEMENT_KINDS[movement.kind],
        "day": format_date(movement.moved_on),
        "summary": _summary(movement, drive_id),
        "value": format_vnd(abs(movement.goods_value)),
        "status": movement.status.value,
        "status_label": MOVEMENT_STATUSES[movement.status],
        "reason": ADJUSTMENT_REASONS[movement.reason] if movement.reason else "",
        "by": f"{movement.created_by_name}, {_at(movement.created_at)}",
        "decided": f"{movement.decided_by_name}, {_at(movement.decided_at)}" if movement.decided_at else "",
        "decision_note": movement.decision_note,
        "mine": movement.created_by == user_id,
    }


async def _coordinates(session: AsyncSession, principal: Principal, drive: Drive) -> bool:
    return (
        await session.execute(
            select(Unit.id).where(
                Unit.id == drive.unit_id, Unit.id.in_(scope_units(principal, [Role.COORDINATOR]))
            )
        )
    ).first() is not None


async def _stock_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    drive_id: int,
    *,
    offset: int = 0,
    form: str = "",
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    notice: str = "",
    status_code: int = 200,
) -> Template:
    drive = await get_drive(session, principal, drive_id, service.READERS)
    stock = await service.drive_stock(session, principal, drive.id)
    movements, total = await service.list_movements(
        session, principal, kind=None, drive_id=drive.id, limit=MOVEMENTS_PAGE, offset=offset
    )
    pending, _ = await service.list_movements(
        session,
        principal,
        kind=None,
        drive_id=drive.id,
        status=MovementStatus.PENDING,
        limit=MOVEMENTS_PAGE,
        offset=0,
    )
    can_write = drive.status != "draft" and await _coordinates(session, principal, drive)
    held = [asset for asset in stock.assets[1:] if asset.quantity > 0]
    countable = {
        item.item_type_id: item.name for item in (await accepted_items(session, [drive.id]))[drive.id]
    }
    countable |= {asset.item_type_id: asset.name for asset in stock.assets[1:]}
    blank = _blank(local_today().isoformat())
    chosen = blank | ({form: values} if form and values is not None else {})
    return page(
        request,
        "stock",
        status_code=status_code,
        title=f"Tồn kho: {drive.name}",
        drive=drive,
        assets=[
            {
                "name": asset.name,
                "quantity": format_vnd(asset.value)
                if asset.item_type_id is None
                else f"{format_quantity(asset.quantity)} {asset.unit_of_measure}",
                "value": format_vnd(asset.value),
                "cash": asset.item_type_id is None,
            }
            for asset in stock.assets
        ],
        total_value=format_vnd(stock.total_value),
        rows=[_row(movement, drive.id, principal.user_id) for movement in movements],
        total=total,
        pending=[_row(movement, drive.id, principal.user_id) for movement in pending],
        can_write=can_write,
        held=[
            (
                asset.item_type_id,
                f"{asset.name} (còn {format_quantity(asset.quantity)} {asset.unit_of_measure})",
            )
            for asset in held
        ],
        countable=sorted(countable.items(), key=lambda pair: pair[1]),
        destinations=[(target.id, target.name) for target in await service.destinations(session, drive)]
        if can_write
        else [],
        methods=PAYMENT_METHODS,
        reasons=ADJUSTMENT_REASONS,
        today=local_today().isoformat(),
        values=chosen,
        form=form,
        errors=errors or {},
        notice=notice,
        **pager(f"/drives/{drive.id}/stock", {}, offset=offset, limit=MOVEMENTS_PAGE, total=total),
    )


@get("/drives/{drive_id:int}/stock", opt=READ)
async def stock_page(
    request: Request,
    session: DbSession,
    principal: Caller,
    drive_id: PathId,
    offset: Offset = 0,
    done: QueryText = "",
    movement_id: QueryId = None,
) -> Template:
    notice = ""
    if done in DONE and movement_id is not None:
        kind = await service.kind_of(session, principal, movement_id)
        number = (await service.get_movement(session, principal, movement_id, kind)).number
        notice = DONE[done].format(number=number)
    return await _stock_page(request, session, principal, drive_id, offset=offset, notice=notice)


def _goods_rows(form: FormMultiDict) -> list[dict[str, str]]:
    rows = [
        {"item_type_id": kind, "quantity": amount}
        for kind, amount in zip(
            forms.texts(form, "item_type_id"), forms.texts(form, "quantity"), strict=False
        )
    ]
    return rows + [{"item_type_id": "", "quantity": ""} for _ in range(FORM_ROWS - len(rows))]


def _lines_of(rows: list[dict[str, str]]) -> list[LineIn]:
    lines = []
    for index, row in enumerate(rows):
        if not row["item_type_id"].strip() and not row["quantity"].strip():
            continue
        field = f"items[{index}]"
        item_type_id = forms.whole_number(row["item_type_id"])
        if item_type_id is None:
            raise Invalid("Chọn loại hàng.", field=f"{field}.item_type_id")
        quantity = forms.quantity(row["quantity"], field=f"{field}.quantity")
        if quantity is None:
            raise Invalid("Nhập số lượng.", field=f"{field}.quantity")
        lines.append(LineIn(item_type_id=item_type_id, quantity=quantity))
    return lines


def _cash_of(values: dict[str, Any], *, required: bool) -> CashIn | None:
    amount = forms.dong(values["cash_amount"], field="cash.amount")
    if amount is None:
        if required:
            raise Invalid("Nhập số tiền người mua trả.", field="cash.amount")
        return None
    return CashIn(amount, forms.choice(PaymentMethod, values["cash_method"]) or PaymentMethod.CASH)


async def _send(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    drive_id: int,
    form: str,
    values: dict[str, Any],
    change: Callable[[], Awaitable[str]],
) -> Template | Redirect:
    """A form of the page, in a savepoint: refused, the page is shown again with the error beside it."""

    async def again(error: DomainError) -> Template:
        return await _stock_page(
            request,
            session,
            principal,
            drive_id,
            form=form,
            values=values,
            errors=forms.errors_of(error),
            status_code=error.status_code,
        )

    return await submit(session, change, again)


def _done(drive_id: int, done: str, movement: MovementOut) -> str:
    return f"/drives/{drive_id}/stock?done={done}&movement_id={movement.id}"


@post("/drives/{drive_id:int}/stock/conversions", opt=WRITE)
async def record_conversion(
    request: Request, session: DbSession, principal: Caller, actor: Acting, drive_id: PathId
) -> Template | Redirect:
    form = await request.form()
    values = {
        "moved_on": forms.text(form, "moved_on"),
        "rows": _goods_rows(form),
        "cash_amount": forms.text(form, "cash_amount"),
        "cash_method": forms.text(form, "cash_method"),
        "buyer": forms.text(form, "buyer"),
        "note": forms.text(form, "note"),
    }

    async def change() -> str:
        data = ConversionIn(
            drive_id=drive_id,
            moved_on=forms.day(values["moved_on"], field="moved_on", label="Ngày bán"),
            items=_lines_of(values["rows"]),
            cash=_cash_of(values, required=True),
            buyer=values["buyer"],
            note=values["note"],
        )
        made = await service.create_conversion(
            session, principal, actor, forms.as_decoded(data, dec_hook=decode_dong)
        )
        return _done(drive_id, "conversion", made)

    return await _send(request, session, principal, drive_id, "conversion", values, change)


@post("/drives/{drive_id:int}/stock/adjustments", opt=WRITE)
async def record_adjustment(
    request: Request, session: DbSession, principal: Caller, actor: Acting, drive_id: PathId
) -> Template | Redirect:
    form = await request.form()
    values = {
        name: forms.text(form, name)
        for name in ("counted_on", "item_type_id", "counted_quantity", "reason", "note")
    }

    async def change() -> str:
        item_type_id = forms.whole_number(values["item_type_id"])
        if item_type_id is None:
            raise Invalid("Chọn loại hàng đã kiểm kê.", field="item_type_id")
        counted = forms.quantity(values["counted_quantity"], field="counted_quantity")
        if counted is None:
            raise Invalid("Nhập số lượng đếm được khi kiểm kê (0 nếu không còn).", field="counted_quantity")
        reason = forms.choice(AdjustmentReason, values["reason"])
        if reason is None:
            raise Invalid("Chọn lý do chênh lệch.", field="reason")
        data = AdjustmentIn(
            drive_id=drive_id,
            counted_on=forms.day(values["counted_on"], field="counted_on", label="Ngày kiểm kê"),
            item_type_id=item_type_id,
            counted_quantity=counted,
            reason=reason,
            note=values["note"],
        )
        made = await service.create_adjustment(session, principal, actor, forms.as_decoded(data))
        return _done(drive_id, "pending" if made.status == MovementStatus.PENDING else "adjustment", made)

    return await _send(request, session, principal, drive_id, "adjustment", values, change)


@post("/drives/{drive_id:int}/stock/transfers", opt=WRITE)
async def record_transfer(
    request: Request, session: DbSession, principal: Caller, actor: Acting, drive_id: PathId
) -> Template | Redirect:
    form = await request.form()
    values = {
        "moved_on": forms.text(form, "moved_on"),
        "to_drive_id": forms.text(form, "to_drive_id"),
        "rows": _goods_rows(form),
        "cash_amount": forms.text(form, "cash_amount"),
        "cash_method": forms.text(form, "cash_method"),
        "note": forms.text(form, "note"),
    }

    async def change() -> str:
        to_drive_id = forms.whole_number(values["to_drive_id"])
        if to_drive_id is None:
            raise Invalid("Chọn cuộc vận động nhận.", field="to_drive_id")
        data = TransferIn(
            from_drive_id=drive_id,
            to_drive_id=to_drive_id,
            moved_on=forms.day(values["moved_on"], field="moved_on", label="Ngày điều chuyển"),
            items=_lines_of(values["rows"]),
            cash=_cash_of(values, required=False),
            note=values["note"],
        )
        made = await service.create_transfer(
            session, principal, actor, forms.as_decoded(data, dec_hook=decode_dong)
        )
        return _done(drive_id, "transfer", made)

    return await _send(request, session, principal, drive_id, "transfer", values, change)


async def _decide(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    drive_id: int,
    movement_id: int,
    approve: bool,
) -> Template | Redirect:
    note = forms.text(await request.form(), "note")

    async def change() -> str:
        data = forms.as_decoded(DecisionIn(note=note))
        decide = service.approve_adjustment if approve else service.reject_adjustment
        made = await decide(session, principal, actor, movement_id, data.note)
        return _done(drive_id, "approved" if approve else "rejected", made)

    return await _send(
        request, session, principal, drive_id, f"decision-{movement_id}", {"note": note}, change
    )


@post("/drives/{drive_id:int}/stock/adjustments/{movement_id:int}/approve", opt=WRITE)
async def approve_adjustment(
    request: Request,
    session: DbSession,
    principal: Caller,
    actor: Acting,
    drive_id: PathId,
    movement_id: PathId,
) -> Template | Redirect:
    return await _decide(request, session, principal, actor, drive_id, movement_id, approve=True)


@post("/drives/{drive_id:int}/stock/adjustments/{movement_id:int}/reject", opt=WRITE)
async def reject_adjustment(
    request: Request,
    session: DbSession,
    principal: Caller,
    actor: Acting,
    drive_id: PathId,
    movement_id: PathId,
) -> Template | Redirect:
    return await _decide(request, session, principal, actor, drive_id, movement_id, approve=False)


@get("/stock/{movement_id:int}/pdf", opt=READ)
async def movement_pdf(session: DbSession, principal: Caller, movement_id: PathId) -> Stream:
    return await records.record_pdf(session, principal, movement_id, None)


routes = [
    stock_page,
    record_conversion,
    record_adjustment,
    record_transfer,
    approve_adjustment,
    reject_adjustment,
    movement_pdf,
]
