"""Page: the registers (sổ đăng ký) of a scope and period, with the API's filters, for coordinators
and auditors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from charity import forms
from charity.access import scope_units
from charity.clock import format_date
from charity.drives.service import VERIFIERS, list_drives
from charity.errors import Invalid
from charity.exports.pdf import MAX_PDF_LINES
from charity.exports.report import Format
from charity.fields import Offset, QueryId, QueryText
from charity.labels import DISTRIBUTION_STATUSES, PURPOSES, RECEIPT_STATUSES
from charity.models import DistributionStatus, ReceiptStatus, Unit
from charity.money import format_quantity, format_vnd
from charity.pages import page, pager
from charity.receipts.printing import NOT_VALUED
from charity.registers import service
from charity.registers.api import READ_REGISTERS
from charity.registers.export import register_file
from charity.registers.schemas import (
    BookLine,
    DistributionLine,
    DistributionTotals,
    ReceiptLine,
    RegisterKind,
    RegisterTotals,
    VoidLine,
)
from charity.requests import Acting, Caller, DbSession, database_of
from charity.units.tree import tree_of

REGISTER_PAGE = 50
KINDS = {
    RegisterKind.RECEIPTS: "Sổ đăng ký biên nhận",
    RegisterKind.VOIDS: "Sổ biên nhận đã hủy",
    RegisterKind.BOOKS: "Sổ theo dõi quyển biên nhận",
    RegisterKind.DISTRIBUTIONS: "Sổ theo dõi trao tặng",
}


def _money(amount: int) -> str:
    return format_vnd(amount) if amount else ""


def _goods_value(line: ReceiptLine | VoidLine) -> str:
    # Goods with no estimated value are named as such, not as 0 đ.
    if line.goods_value is not None:
        return format_vnd(line.goods_value)
    return NOT_VALUED if line.goods else ""


def _receipt_row(line: ReceiptLine) -> dict[str, Any]:
    return {
        "id": line.receipt_id,
        "number": line.number,
        "issued_on": format_date(line.issued_on),
        "drive": line.drive,
        "donor": line.donor,
        "cash": _money(line.cash),
        "goods": line.goods,
        "goods_value": _goods_value(line),
        "void": line.status == ReceiptStatus.VOID,
        "status": RECEIPT_STATUSES[line.status],
        "void_reason": line.void_reason or "",
        "replaced_by": line.replaced_by or "",
        "recorded_by": line.recorded_by,
    }


def _void_row(line: VoidLine) -> dict[str, Any]:
    return {
        "id": line.receipt_id,
        "number": line.number,
        "issued_on": format_date(line.issued_on),
        "voided_on": format_date(line.voided_on),
        "drive": line.drive,
        "donor": line.donor,
        "cash": _money(line.cash),
        "goods": line.goods,
        "goods_value": _goods_value(line),
        "reason": line.reason,
        "voided_by": line.voided_by,
        "replaced_by": line.replaced_by or "",
    }


def _book_row(line: BookLine) -> dict[str, Any]:
    return {
        "book": f"{line.code}-{line.year}",
        "unit": line.unit,
        "first": line.first,
        "last": line.last,
        "issued": line.issued,
        "voided": line.voided,
        "gapless": line.gapless,
        "missing": service.missing_text(line),
        "missing_count": line.missing_count,
    }


def _distribution_row(line: DistributionLine) -> dict[str, Any]:
    return {
        "number": line.number,
        "handed_over_on": format_date(line.handed_over_on) if line.handed_over_on else "",
        "drive": line.drive,
        "round": line.round,
        "recipient_code": line.recipient_code,
        "recipient": line.recipient,
        "purpose": PURPOSES[line.purpose],
        "cash": _money(line.cash),
        "goods": line.goods,
        "value": format_vnd(line.value) if line.value is not None else "",
        "void": line.status == DistributionStatus.VOID,
        "status": DISTRIBUTION_STATUSES[line.status],
        "void_reason": line.void_reason,
    }


ROWS = {
    RegisterKind.RECEIPTS: _receipt_row,
    RegisterKind.VOIDS: _void_row,
    RegisterKind.BOOKS: _book_row,
    RegisterKind.DISTRIBUTIONS: _distribution_row,
}


def _totals_row(totals: RegisterTotals) -> dict[str, Any]:
    return {
        "lines": totals.lines,
        "voided": totals.voided,
        "cash": format_vnd(totals.cash),
        "goods_value": format_vnd(totals.goods_value),
    }


def _given_totals(totals: DistributionTotals) -> dict[str, Any]:
    return {
        "given": totals.lines - totals.planned - totals.voided,
        "planned": totals.planned,
        "voided": totals.voided,
        "cash": format_vnd(totals.cash),
        "value": format_vnd(totals.value),
        "goods": [
            f"{format_quantity(goods.quantity)} {goods.unit_of_measure} {goods.name}"
            for goods in totals.goods
        ],
    }


async def _totals(
    session: AsyncSession, kind: RegisterKind, scope: service.RegisterScope
) -> dict[str, Any] | None:
    """What a register's lines add up to, as its foot shows it; the book register adds up nothing."""
    if kind == RegisterKind.RECEIPTS:
        return _totals_row(await service.receipts_totals(session, scope))
    if kind == RegisterKind.VOIDS:
        return _totals_row(await service.voids_totals(session, scope))
    if kind == RegisterKind.DISTRIBUTIONS:
        return _given_totals(await service.distributions_totals(session, scope))
    return None


@get("/registers", opt=READ_REGISTERS)
async def registers_page(
    request: Request,
    session: DbSession,
    principal: Caller,
    kind: QueryText = "",
    drive_id: QueryId = None,
    unit_id: QueryId = None,
    date_from: QueryText = "",
    date_to: QueryText = "",
    offset: Offset = 0,
) -> Template:
    """One register of the scope, a page at a time, with what its lines add up to."""
    chosen = forms.choice(RegisterKind, kind) or RegisterKind.RECEIPTS
    where = service.RegisterFilter(
        drive_id, unit_id, forms.day_or_none(date_from), forms.day_or_none(date_to)
    )
    filters = {
        "kind": chosen.value,
        "drive_id": drive_id or "",
        "unit_id": unit_id or "",
        "date_from": where.date_from.isoformat() if where.date_from else "",
        "date_to": where.date_to.isoformat() if where.date_to else "",
    }
    query = {name: value for name, value in filters.items() if value}
    rows: list[dict[str, Any]] = []
    total, totals, errors = 0, None, {}
    try:
        scope = await service.scope_of(session, principal, where)
    except Invalid as error:
        errors = forms.errors_of(error)
    else:
        lines, total = await service.page(
            session, principal, service.REGISTERS[chosen], scope, limit=REGISTER_PAGE, offset=offset
        )
        rows = [ROWS[chosen](line) for line in lines]
        if total:
            totals = await _totals(session, chosen, scope)
    drives, _ = await list_drives(
        session, principal, status=None, unit_id=None, limit=200, offset=0, roles=VERIFIERS
    )
    units = await session.execute(select(Unit).where(Unit.id.in_(scope_units(principal, VERIFIERS))))
    return page(
        request,
        "registers",
        status_code=422 if errors else 200,
        title=KINDS[chosen],
        kinds={member.value: label for member, label in KINDS.items()},
        filters=filters,
        errors=errors,
        drives=[(drive.id, drive.name) for drive in drives],
        units=tree_of(units.scalars()),
        rows=rows,
        total=total,
        totals=totals,
        max_pdf_lines=MAX_PDF_LINES,
        **pager("/registers", query, offset=offset, limit=REGISTER_PAGE, total=total),
    )


@dataclass
class ExportForm:
    format: str = ""
    kind: str = ""
    drive_id: str = ""
    unit_id: str = ""
    date_from: str = ""
    date_to: str = ""


@post("/registers/export", opt=READ_REGISTERS, status_code=200)
async def export_register_file(
    state: State,
    session: DbSession,
    principal: Caller,
    actor: Acting,
    data: Annotated[ExportForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Response[bytes]:
    """The register as the page filters it, as a file: a form, so that an export is never made by
    following a link."""
    where = service.RegisterFilter(
        forms.whole_number(data.drive_id),
        forms.whole_number(data.unit_id),
        forms.day_or_none(data.date_from),
        forms.day_or_none(data.date_to),
    )
    kind = forms.choice(RegisterKind, data.kind) or RegisterKind.RECEIPTS
    file_format = forms.choice(Format, data.format) or Format.XLSX
    return await register_file(database_of(state), session, actor, principal, kind, where, file_format)


routes = [registers_page, export_register_file]
