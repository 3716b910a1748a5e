"""Pages: a receipt, the coordinators' receipt desk (filters, printing, voids), and the public page a
receipt's QR code opens."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from charity import forms
from charity.access import Principal, allow, may, public
from charity.clock import VIETNAM, format_date
from charity.drives.service import list_drives
from charity.errors import DomainError, NotFound
from charity.fields import Offset, PathId, PathText, QueryId, QueryText
from charity.labels import PAYMENT_METHODS, RECEIPT_STATUSES
from charity.models import PaymentMethod, ReceiptStatus, Role, Unit
from charity.money import amount_in_words, format_quantity, format_vnd
from charity.pages import message_page, page, pager
from charity.receipts import service
from charity.receipts.delivery import preview, print_one, print_receipts, view
from charity.receipts.printing import (
    ANONYMOUS,
    NOT_VALUED,
    View,
    copy_mark,
    goods_text,
    masked_name,
    shown_donor,
    verify_url,
)
from charity.receipts.schemas import ReceiptOut
from charity.requests import Acting, Caller, DbSession, submit

READ = allow(Role.VOLUNTEER, Role.COORDINATOR, Role.AUDITOR)
ISSUE = allow(Role.VOLUNTEER, Role.COORDINATOR)
COORDINATE = allow(Role.COORDINATOR)
DESK_PAGE = 50


def _donor_name(receipt: ReceiptOut) -> str:
    return shown_donor(receipt.donor.name if receipt.donor else None, receipt.anonymous) or ANONYMOUS


def _row(receipt: ReceiptOut, prints: int) -> dict[str, Any]:
    return {
        "id": receipt.id,
        "number": receipt.number,
        "received_on": format_date(receipt.received_on),
        "donor": _donor_name(receipt),
        "drive": receipt.drive.name,
        # Goods with no estimated value add nothing to the total: they are named instead.
        "total": format_vnd(receipt.total_value) if receipt.total_value or not receipt.items else "",
        "goods": goods_text(receipt.items),
        "void": receipt.status == ReceiptStatus.VOID,
        "status": RECEIPT_STATUSES[receipt.status],
        "prints": prints,
    }


async def receipt_rows(session: AsyncSession, receipts: list[ReceiptOut]) -> list[dict[str, Any]]:
    """Receipts as the desk, a donor's page and the dashboard list them."""
    prints = await service.print_counts(session, [receipt.id for receipt in receipts])
    return [_row(receipt, prints[receipt.id]) for receipt in receipts]


def _moment(at: datetime) -> str:
    return at.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")


def _is_coordinator(principal: Principal) -> bool:
    return may(principal, Role.COORDINATOR)


async def _receipt_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    receipt_id: int,
    *,
    errors: dict[str, str] | None = None,
    reason: str = "",
    status_code: int = 200,
) -> Template:
    receipt = await service.get_receipt(session, principal, receipt_id)
    unit = await session.get_one(Unit, receipt.unit.id)

    def words(amount: int) -> str:
        return amount_in_words(amount, zero_tens=unit.zero_tens_word)

    goods_total = sum(item.value for item in receipt.items)
    done = await service.history(session, receipt_id)
    # The receipt this one replaced and the one that replaced it, in one read.
    linked = {
        other.id: {"id": other.id, "number": other.number}
        for other in await service.load(
            session, [i for i in (receipt.replaces_id, receipt.replaced_by_id) if i]
        )
    }
    view = _row(receipt, len(done.prints)) | {
        "drive_id": receipt.drive.id,
        "unit": receipt.unit.name,
        "issued_at": _moment(receipt.issued_at),
        "cash": format_vnd(receipt.cash.amount) if receipt.cash else "",
        "cash_words": words(receipt.cash.amount) if receipt.cash else "",
        "cash_method": PAYMENT_METHODS[receipt.cash.method] if receipt.cash else "",
        "cash_reference": receipt.cash.reference if receipt.cash else "",
        "items": [
            {
                "name": item.name,
                "unit": item.unit_of_measure,
                "quantity": format_quantity(item.quantity),
                "unit_value": format_vnd(item.unit_value) if item.unit_value else "",
                "value": format_vnd(item.value) if item.value else NOT_VALUED,
            }
            for item in receipt.items
        ],
        "goods_total": format_vnd(goods_total) if goods_total else NOT_VALUED,
        "goods_valued": all(item.value for item in receipt.items),
        "total_words": words(receipt.total_value),
        "valued": receipt.total_value > 0,
        "note": receipt.note,
        "void_reason": receipt.void_reason or "",
        "voided_on": format_date(receipt.voided_at.astimezone(VIETNAM).date()) if receipt.voided_at else "",
        "recorded_by": done.recorded_by,
        "prints_done": [
            {
                "which": copy_mark(event.copy_number).lower() or "bản chính",
                "by": event.printed_by,
                "at": _moment(event.printed_at),
            }
            for event in done.prints
        ],
        "voided_by": done.voided_by,
        "voided_at": _moment(receipt.voided_at) if receipt.voided_at else "",
        "replaces": linked.get(receipt.replaces_id),
        "replaced_by": linked.get(receipt.replaced_by_id),
    }
    share_url = verify_url(request.app.state.settings.base_url, await service.token_of(session, receipt_id))
    return page(
        request,
        "receipt",
        status_code=status_code,
        title=f"Biên nhận {receipt.number}",
        receipt=view,
        can_void=_is_coordinator(principal) and receipt.status == ReceiptStatus.ISSUED,
        can_print=await service.may_issue(session, principal, receipt_id),
        can_record=may(principal, Role.VOLUNTEER, Role.COORDINATOR),
        share_url=share_url,
        errors=errors or {},
        reason=reason,
    )


@get("/receipts/{receipt_id:int}", opt=READ)
async def receipt_page(
    request: Request, session: DbSession, principal: Caller, receipt_id: PathId
) -> Template:
    return await _receipt_page(request, session, principal, receipt_id)


@get("/receipts/{receipt_id:int}/pdf", opt=READ, media_type="application/pdf")
async def receipt_pdf(state: State, principal: Caller, receipt_id: PathId) -> Response[bytes]:
    """Xem: the receipt marked as a preview, recorded nowhere."""
    return await preview(state, principal, receipt_id)


@post("/receipts/{receipt_id:int}/print", opt=ISSUE, status_code=200, media_type="application/pdf")
async def print_receipt(
    request: Request, state: State, session: DbSession, principal: Caller, receipt_id: PathId
) -> Response[bytes]:
    """In: the paper to hand over, the original the first time, a numbered copy after."""
    return await print_one(request, state, session, principal, receipt_id)


def _filter_of(
    *,
    q: str,
    drive_id: int | None,
    book_id: int | None,
    status: str,
    method: str,
    recorded_by: int | None,
    date_from: str,
    date_to: str,
    donor_id: int | None,
    not_printed: bool,
) -> service.ReceiptFilter:
    return service.ReceiptFilter(
        drive_id=drive_id,
        book_id=book_id,
        status=forms.choice(ReceiptStatus, status),
        date_from=forms.day_or_none(date_from),
        date_to=forms.day_or_none(date_to),
        donor_id=donor_id,
        query=q.strip(),
        recorded_by=recorded_by,
        method=forms.choice(PaymentMethod, method),
        not_printed=not_printed,
    )


def _shown(where: service.ReceiptFilter) -> dict[str, Any]:
    """The filter as the desk's form and links carry it ("" for no filter)."""
    return {
        "q": where.query,
        "drive_id": where.drive_id or "",
        "book_id": where.book_id or "",
        "status": where.status.value if where.status else "",
        "method": where.method.value if where.method else "",
        "recorded_by": where.recorded_by or "",
        "date_from": where.date_from.isoformat() if where.date_from else "",
        "date_to": where.date_to.isoformat() if where.date_to else "",
        "donor_id": where.donor_id or "",
        "not_printed": "1" if where.not_printed else "",
    }


def _totals_row(totals: service.Totals) -> dict[str, Any]:
    return {
        "issued": totals.issued,
        "void": totals.void,
        "cash": format_vnd(totals.cash),
        "value": format_vnd(totals.value),
        "goods": goods_text(totals.goods),
    }


@get("/receipts", opt=READ)
async def receipt_desk(
    request: Request,
    session: DbSession,
    principal: Caller,
    drive_id: QueryId = None,
    book_id: QueryId = None,
    status: QueryText = "",
    date_from: QueryText = "",
    date_to: QueryText = "",
    donor_id: QueryId = None,
    q: QueryText = "",
    method: QueryText = "",
    recorded_by: QueryId = None,
    not_printed: QueryText = "",
    offset: Offset = 0,
    voided: QueryId = None,
) -> Template:
    """Receipts of the scope, in book and number order, with filters and what they add up to;
    coordinators print and void here."""
    where = _filter_of(
        q=q,
        drive_id=drive_id,
        book_id=book_id,
        status=status,
        method=method,
        recorded_by=recorded_by,
        date_from=date_from,
        date_to=date_to,
        donor_id=donor_id,
        not_printed=not_printed == "1",
    )
    offset = max(offset, 0)
    receipts, total = await service.list_receipts(session, principal, where, limit=DESK_PAGE, offset=offset)
    drives, _ = await list_drives(session, principal, status=None, unit_id=None, limit=200, offset=0)
    books, _ = await service.list_books(session, principal, unit_id=None, year=None, limit=200, offset=0)
    filters = _shown(where)
    query = {name: value for name, value in filters.items() if value}
    notice = ""
    if voided is not None:
        notice = next(
            (f"Đã hủy biên nhận {r.number}." for r in receipts if r.id == voided), "Đã hủy biên nhận."
        )
    return page(
        request,
        "receipts",
        title="Biên nhận",
        rows=await receipt_rows(session, receipts),
        total=total,
        offset=offset,
        limit=DESK_PAGE,
        filters=filters,
        here="/receipts?" + urlencode(query | ({"offset": offset} if offset else {})),
        **pager("/receipts", query, offset=offset, limit=DESK_PAGE, total=total),
        drives=[(drive.id, drive.name) for drive in drives],
        books=[(book.id, f"{book.code}-{book.year}") for book in books],
        statuses=RECEIPT_STATUSES,
        methods=PAYMENT_METHODS,
        recorders=await service.recorders(session, principal),
        totals=_totals_row(await service.totals(session, principal, where)) if total else None,
        coordinator=_is_coordinator(principal),
        notice=notice,
    )


@post("/receipts/print", opt=COORDINATE, status_code=200, media_type="application/pdf")
async def print_selected(
    request: Request, state: State, session: DbSession, principal: Caller
) -> Response[bytes]:
    """The ticked receipts, or with `all` every receipt of the desk's filter, as one PDF."""
    form = await request.form()
    ids = [n for n in (forms.whole_number(raw) for raw in forms.texts(form, "ids")) if n is not None]
    not_printed = forms.text(form, "not_printed") == "1"
    # The dashboard's button prints what is not printed yet: a filter of its own, all of it.
    everything = forms.text(form, "all") == "1" or (not_printed and not ids)
    where = _filter_of(
        q=forms.text(form, "q"),
        drive_id=forms.whole_number(forms.text(form, "drive_id")),
        book_id=forms.whole_number(forms.text(form, "book_id")),
        status=forms.text(form, "status"),
        method=forms.text(form, "method"),
        recorded_by=forms.whole_number(forms.text(form, "recorded_by")),
        date_from=forms.text(form, "date_from"),
        date_to=forms.text(form, "date_to"),
        donor_id=forms.whole_number(forms.text(form, "donor_id")),
        not_printed=not_printed,
    )

    async def chosen(reading: AsyncSession) -> list[int]:
        if everything:
            return await service.batch_ids(reading, principal, where)
        return await service.printable_ids(reading, principal, ids)

    return await print_receipts(request, state, session, chosen)


def _safe_back(target: str) -> str:
    return target if target.startswith("/receipts") and "//" not in target else "/receipts"


@post("/receipts/{receipt_id:int}/void", opt=COORDINATE)
async def void_receipt(
    request: Request, session: DbSession, principal: Caller, actor: Acting, receipt_id: PathId
) -> Template | Redirect:
    form = await request.form()
    reason = forms.text(form, "reason")

    async def void() -> str:
        await service.void_receipt(session, principal, actor, receipt_id, reason)
        back = _safe_back(forms.text(form, "back"))
        return f"{back}{'' if back.endswith(('?', '&')) else '&' if '?' in back else '?'}voided={receipt_id}"

    async def again(error: DomainError) -> Template:
        return await _receipt_page(
            request,
            session,
            principal,
            receipt_id,
            errors={"reason": error.message},
            reason=reason,
            status_code=error.status_code,
        )

    return await submit(session, void, again)


UNKNOWN_RECEIPT = (
    "Mã kiểm tra không khớp với biên nhận nào. Biên nhận này có thể không do hệ thống phát hành."
)


@get("/verify/{token:str}", opt=public())
async def verify(request: Request, session: DbSession, token: PathText) -> Template:
    receipt_id = await service.receipt_of_token(session, token)
    if receipt_id is None:
        return message_page(request, "Không tìm thấy biên nhận", UNKNOWN_RECEIPT, status_code=404)
    (receipt,) = await service.load(session, [receipt_id])
    shown = shown_donor(receipt.donor.name if receipt.donor else None, receipt.anonymous)
    donor = masked_name(shown) if shown else ANONYMOUS
    return page(
        request,
        "verify",
        title="Kiểm tra biên nhận",
        receipt=receipt,
        valid=receipt.status == ReceiptStatus.ISSUED,
        donor=donor,
        total=format_vnd(receipt.total_value) if receipt.total_value or not receipt.items else "",
        goods=[
            goods_text([item]) + (f" (ước tính {format_vnd(item.value)})" if item.value else "")
            for item in receipt.items
        ],
        token=token,
        issued_on=receipt.issued_at.astimezone(VIETNAM).strftime("%d/%m/%Y"),
        voided_on=receipt.voided_at.astimezone(VIETNAM).strftime("%d/%m/%Y") if receipt.voided_at else "",
    )


@get("/verify/{token:str}/pdf", opt=public(), media_type="application/pdf")
async def electronic_copy(state: State, token: PathText) -> Response[bytes]:
    """The donor's electronic copy, from the link sent to them or the receipt's QR code: marked as
    such, recorded nowhere."""

    async def the_receipt(reading: AsyncSession) -> list[int]:
        receipt_id = await service.receipt_of_token(reading, token)
        if receipt_id is None:
            raise NotFound(UNKNOWN_RECEIPT)
        return [receipt_id]

    return await view(state, the_receipt, View.ELECTRONIC)


routes = [
    receipt_page,
    receipt_pdf,
    print_receipt,
    receipt_desk,
    print_selected,
    void_receipt,
    verify,
    electronic_copy,
]
