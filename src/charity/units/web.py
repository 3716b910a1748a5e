"""Pages: the unit tree, for administrators, who also add units and set each unit's receipts and
beneficiaries' review period here."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from charity import forms
from charity.access import ADMIN, Principal, allow
from charity.errors import DomainError, Invalid
from charity.fields import PathId, QueryText
from charity.labels import RECEIPT_FORMS, RECEIPT_PAPERS, ZERO_TENS_WORDS
from charity.models import ReceiptForm, ReceiptPaper, Unit
from charity.pages import page
from charity.requests import Acting, Caller, DbSession, submit
from charity.units import service
from charity.units.tree import tree_of

ADMINS = allow(ADMIN)
UNIT_FIELDS = (
    "name",
    "address",
    "parent_code",
    "receipt_form",
    "receipt_paper",
    "zero_tens_word",
    "large_gift_threshold",
    "review_months",
    "adjustment_threshold",
)


async def _all_units(session: AsyncSession, principal: Principal) -> list[Unit]:
    units, _ = await service.list_units(session, principal, limit=500, offset=0)
    return units


async def _units_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    values: dict[str, str],
    errors: dict[str, str],
    *,
    status_code: int = 200,
) -> Template:
    tree = tree_of(await _all_units(session, principal))
    return page(
        request,
        "admin_units",
        status_code=status_code,
        title="Đơn vị",
        tree=tree,
        receipt_forms=RECEIPT_FORMS,
        values=values,
        errors=errors,
    )


@get("/admin/units", opt=ADMINS)
async def units_page(request: Request, session: DbSession, principal: Caller) -> Template:
    return await _units_page(request, session, principal, {}, {})


@post("/admin/units", opt=ADMINS)
async def create_unit(
    request: Request, session: DbSession, principal: Caller, actor: Acting
) -> Template | Redirect:
    form = await request.form()
    values = {name: forms.text(form, name) for name in ("code", "name", "parent_code", "address")}

    async def create() -> str:
        await service.create_unit(
            session,
            actor,
            code=values["code"],
            name=values["name"],
            parent_code=values["parent_code"] or None,
            address=values["address"],
        )
        return "/admin/units"

    async def again(error: DomainError) -> Template:
        return await _units_page(
            request, session, principal, values, forms.errors_of(error), status_code=error.status_code
        )

    return await submit(session, create, again)


def _values_of(unit: Unit, parent_code: str) -> dict[str, str]:
    return {
        "name": unit.name,
        "address": unit.address,
        "parent_code": parent_code,
        "receipt_form": unit.receipt_form,
        "receipt_paper": unit.receipt_paper,
        "zero_tens_word": unit.zero_tens_word,
        "large_gift_threshold": f"{unit.large_gift_threshold:,}".replace(",", "."),
        "review_months": str(unit.review_months),
        "adjustment_threshold": f"{unit.adjustment_threshold:,}".replace(",", "."),
    }


async def _unit_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    unit: Unit,
    values: dict[str, str],
    errors: dict[str, str],
    *,
    notice: str = "",
    status_code: int = 200,
) -> Template:
    # The unit itself is no parent it could be put under; its descendants the service refuses.
    parents = [t for t in tree_of(await _all_units(session, principal)) if t.unit.id != unit.id]
    return page(
        request,
        "admin_unit",
        status_code=status_code,
        title=f"Đơn vị {unit.name}",
        unit=unit,
        parents=parents,
        receipt_forms=RECEIPT_FORMS,
        receipt_papers=RECEIPT_PAPERS,
        zero_tens_words=ZERO_TENS_WORDS,
        values=values,
        errors=errors,
        notice=notice,
    )


@get("/admin/units/{unit_id:int}", opt=ADMINS)
async def unit_page(
    request: Request, session: DbSession, principal: Caller, unit_id: PathId, saved: QueryText = ""
) -> Template:
    unit = await service.get_unit(session, principal, unit_id)
    parent = await session.get(Unit, unit.parent_id) if unit.parent_id else None
    values = _values_of(unit, parent.code if parent else "")
    notice = "Đã lưu thông tin đơn vị." if saved else ""
    return await _unit_page(request, session, principal, unit, values, {}, notice=notice)


def _chosen(kind: type[forms.E], raw: str, *, field: str, message: str) -> forms.E:
    """The option a select sent; anything no option offers is refused."""
    value = forms.choice(kind, raw)
    if value is None:
        raise Invalid(message, field=field)
    return value


def _zero_tens_word(raw: str) -> str:
    if raw not in ZERO_TENS_WORDS:
        raise Invalid("Chọn cách đọc số 0 ở hàng chục.", field="zero_tens_word")
    return raw


def _threshold(raw: str, *, field: str, label: str, missing: str) -> int:
    threshold = forms.dong(raw, field=field, label=label)
    if threshold is None:
        raise Invalid(missing, field=field)
    return threshold


def _review_months(raw: str) -> int:
    months = forms.whole_number(raw)
    if months is None:
        raise Invalid(
            "Nhập thời hạn công nhận đối tượng, số tháng từ "
            f"{service.REVIEW_MONTHS_MIN} đến {service.REVIEW_MONTHS_MAX}.",
            field="review_months",
        )
    return months


def _form_values(form: FormMultiDict) -> dict[str, str]:
    return {name: forms.text(form, name) for name in UNIT_FIELDS}


@post("/admin/units/{unit_id:int}", opt=ADMINS)
async def update_unit(
    request: Request, session: DbSession, principal: Caller, actor: Acting, unit_id: PathId
) -> Template | Redirect:
    values = _form_values(await request.form())
    unit = await service.get_unit(session, principal, unit_id)

    async def save() -> str:
        await service.update_unit(
            session,
            actor,
            unit,
            name=values["name"],
            address=values["address"],
            parent_code=values["parent_code"] or None,
            detach=not values["parent_code"],
            receipt_form=_chosen(
                ReceiptForm, values["receipt_form"], field="receipt_form", message="Chọn mẫu biên nhận tiền."
            ),
            receipt_paper=_chosen(
                ReceiptPaper, values["receipt_paper"], field="receipt_paper", message="Chọn khổ giấy in."
            ),
            zero_tens_word=_zero_tens_word(values["zero_tens_word"]),
            large_gift_threshold=_threshold(
                values["large_gift_threshold"],
                field="large_gift_threshold",
                label="Ngưỡng xác nhận khoản lớn",
                missing="Nhập số tiền từ đó một khoản cần xác nhận lại.",
            ),
            review_months=_review_months(values["review_months"]),
            adjustment_threshold=_threshold(
                values["adjustment_threshold"],
                field="adjustment_threshold",
                label="Ngưỡng duyệt chênh lệch kiểm kê",
                missing="Nhập giá trị chênh lệch kiểm kê từ đó cần một điều phối viên khác duyệt.",
            ),
        )
        return f"/admin/units/{unit_id}?saved=1"

    async def again(error: DomainError) -> Template:
        # The savepoint took back the changes; the unit is read again as stored.
        await session.refresh(unit)
        return await _unit_page(
            request,
            session,
            principal,
            unit,
            values,
            forms.errors_of(error),
            status_code=error.status_code,
        )

    return await submit(session, save, again)


routes = [units_page, create_unit, unit_page, update_unit]
