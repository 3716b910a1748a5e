"""Pages: the gift form. A saved gift goes to its receipt's page (receipts/web.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from charity import forms
from charity.access import Principal, allow
from charity.clock import local_today
from charity.donations.schemas import CashIn, DonorIn, GiftIn, ItemIn
from charity.donations.service import (
    KEY_TAKEN,
    LARGE_AMOUNT,
    POSSIBLE_DUPLICATE,
    last_drive_of,
    record_gift,
    replace_receipt,
)
from charity.donors.service import RECORDERS, list_donors
from charity.drives.schemas import DriveOut
from charity.drives.service import list_drives, to_out
from charity.errors import Conflict, DomainError, Invalid
from charity.fields import PathId, QueryId, QueryText
from charity.labels import DONOR_KINDS, PAYMENT_METHODS
from charity.models import DonorKind, DriveStatus, PaymentMethod, ReceiptStatus, Role
from charity.money import decode_dong, format_quantity, format_vnd
from charity.pages import page
from charity.receipts.schemas import ReceiptOut
from charity.receipts.service import get_receipt
from charity.requests import Acting, Caller, DbSession, submit

RECORD = allow(Role.VOLUNTEER, Role.COORDINATOR)
COORDINATE = allow(Role.COORDINATOR)
KEY_REUSED = (
    "Biểu mẫu này đã được lưu thành một biên nhận. Biểu mẫu đã được làm mới: kiểm tra lại rồi bấm Lưu "
    "nếu đây là một đóng góp khác."
)


async def _open_drives(session: AsyncSession, principal: Principal) -> list[DriveOut]:
    drives, _ = await list_drives(
        session, principal, status=DriveStatus.OPEN, unit_id=None, limit=200, offset=0
    )
    return await to_out(session, drives)


def _values(form: FormMultiDict) -> dict[str, Any]:
    """What the volunteer typed, kept as typed so the form can come back with it."""
    lines = zip(
        forms.texts(form, "item_type_id", checked=False),
        forms.texts(form, "quantity", checked=False),
        forms.texts(form, "unit_value", checked=False),
        strict=False,
    )
    return {
        "key": forms.text(form, "key", checked=False) or uuid.uuid4().hex,
        "drive_id": forms.whole_number(forms.text(form, "drive_id", checked=False)),
        "received_on": forms.text(form, "received_on", checked=False),
        "donor_id": forms.whole_number(forms.text(form, "donor_id", checked=False)),
        "donor_label": forms.text(form, "donor_label", checked=False),
        "donor_name": forms.text(form, "donor_name", checked=False),
        "donor_kind": forms.text(form, "donor_kind", checked=False) or DonorKind.PERSON.value,
        "donor_phone": forms.text(form, "donor_phone", checked=False),
        "donor_address": forms.text(form, "donor_address", checked=False),
        "cash_amount": forms.text(form, "cash_amount", checked=False),
        "cash_method": forms.text(form, "cash_method", checked=False) or PaymentMethod.CASH.value,
        "cash_reference": forms.text(form, "cash_reference", checked=False),
        "items": [
            {"item_type_id": forms.whole_number(kind), "quantity": amount, "unit_value": value}
            for kind, amount, value in lines
            if kind.strip() or amount.strip() or value.strip()
        ],
        "anonymous": forms.text(form, "anonymous", checked=False) == "on",
        "name_on_receipt": forms.text(form, "name_on_receipt", checked=False) == "on",
        "note": forms.text(form, "note", checked=False),
        "confirm_large": forms.text(form, "confirm_large", checked=False) == "on",
        "confirm_duplicate": forms.text(form, "confirm_duplicate", checked=False) == "on",
    }


def _gift_of(values: dict[str, Any]) -> GiftIn:
    if values["drive_id"] is None:
        raise Invalid("Chọn cuộc vận động.", field="drive_id")
    cash_amount = forms.dong(values["cash_amount"], field="cash.amount")
    items = []
    for index, line in enumerate(values["items"]):
        field = f"items[{index}]"
        if line["item_type_id"] is None:
            raise Invalid("Chọn loại hàng.", field=f"{field}.item_type_id")
        quantity = forms.quantity(line["quantity"], field=f"{field}.quantity")
        if quantity is None:
            raise Invalid("Nhập số lượng.", field=f"{field}.quantity")
        unit_value = forms.dong(line["unit_value"], field=f"{field}.unit_value", label="Đơn giá") or 0
        items.append(ItemIn(item_type_id=line["item_type_id"], quantity=quantity, unit_value=unit_value))
    if values["donor_id"] is not None:
        donor = DonorIn(id=values["donor_id"])
    elif values["donor_name"].strip() or values["donor_phone"].strip():
        donor = DonorIn(
            name=values["donor_name"],
            kind=forms.choice(DonorKind, values["donor_kind"]) or DonorKind.PERSON,
            phone=values["donor_phone"],
            address=values["donor_address"],
        )
    else:
        donor = None
    method = values["cash_method"]
    gift = GiftIn(
        drive_id=values["drive_id"],
        received_on=forms.day(values["received_on"], field="received_on", label="Ngày nhận"),
        donor=donor,
        cash=CashIn(
            cash_amount, forms.choice(PaymentMethod, method) or PaymentMethod.CASH, values["cash_reference"]
        )
        if cash_amount is not None
        else None,
        items=items,
        anonymous=values["anonymous"],
        name_on_receipt=values["name_on_receipt"],
        note=values["note"],
        confirm_large=values["confirm_large"],
        confirm_duplicate=values["confirm_duplicate"],
    )
    return forms.as_decoded(gift, dec_hook=decode_dong)


def _values_of(receipt: ReceiptOut) -> dict[str, Any]:
    """The gift form filled in with a receipt's gift, for its replacement."""
    values = _values(FormMultiDict({}))
    donor = receipt.donor
    return values | {
        "drive_id": receipt.drive.id,
        "received_on": receipt.received_on.isoformat(),
        "donor_id": donor.id if donor else None,
        "donor_label": donor.name if donor else "",
        "cash_amount": format_vnd(receipt.cash.amount).removesuffix(" đ") if receipt.cash else "",
        "cash_method": receipt.cash.method.value if receipt.cash else PaymentMethod.CASH.value,
        "cash_reference": receipt.cash.reference if receipt.cash else "",
        "items": [
            {
                "item_type_id": item.item_type_id,
                "quantity": format_quantity(item.quantity),
                "unit_value": format_vnd(item.unit_value).removesuffix(" đ") if item.unit_value else "",
            }
            for item in receipt.items
        ],
        "anonymous": receipt.anonymous,
        "note": receipt.note,
    }


@dataclass(frozen=True, slots=True)
class Replacing:
    """The receipt a gift form replaces, and why."""

    id: int
    number: str
    reason: str = ""


def _form_page(
    request: Request,
    drives: list[DriveOut],
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    status_code: int = 200,
    asks: dict[str, Any] | None = None,
    replacing: Replacing | None = None,
) -> Template:
    """`asks` is what the form asks the volunteer to confirm before the gift is saved: the facts of
    a `large_amount` or `possible_duplicate` refusal, under its code. `replacing` makes it the form
    that replaces a receipt."""
    drive_items = {
        str(drive.id): [
            {"id": item.item_type_id, "name": item.name, "unit": item.unit_of_measure} for item in drive.items
        ]
        for drive in drives
    }
    return page(
        request,
        "gift_form",
        status_code=status_code,
        title="Ghi nhận đóng góp",
        drives=drives,
        drive_items=drive_items,
        drive_items_json=msgspec.json.encode(drive_items).decode(),
        values=values,
        errors=errors,
        methods=PAYMENT_METHODS,
        donor_kinds=DONOR_KINDS,
        transfer_methods=[PaymentMethod.BANK_TRANSFER.value, PaymentMethod.E_WALLET.value],
        asks=asks or {},
        today=local_today().isoformat(),
        replacing=replacing,
        action=f"/receipts/{replacing.id}/replace" if replacing else "/gifts/new",
    )


@get("/gifts/new", opt=RECORD)
async def gift_form(
    request: Request, session: DbSession, principal: Caller, drive_id: QueryId = None
) -> Template:
    drives = await _open_drives(session, principal)
    open_ids = [drive.id for drive in drives]
    chosen = drive_id if drive_id in open_ids else await last_drive_of(session, principal.user_id)
    if chosen not in open_ids and len(open_ids) == 1:
        chosen = open_ids[0]
    values = _values(FormMultiDict({}))
    values |= {"drive_id": chosen if chosen in open_ids else None, "received_on": local_today().isoformat()}
    return _form_page(request, drives, values, {})


@post("/gifts/new", opt=RECORD)
async def save_gift(
    request: Request, session: DbSession, principal: Caller, actor: Acting
) -> Template | Redirect:
    """Save the gift and show its receipt. The form carries its own Idempotency-Key, so a double click
    or a form sent again after a lost answer shows the same receipt instead of issuing a second one."""
    values = _values(await request.form())

    async def save() -> str:
        gift = _gift_of(values)
        issued = await record_gift(session, principal, actor, gift, idempotency_keys=[values["key"]])
        return f"/receipts/{issued.donation.receipt.id}"

    async def again(error: DomainError) -> Template:
        return await _refused(request, session, principal, values, error)

    return await submit(session, save, again)


async def _refused(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    values: dict[str, Any],
    error: DomainError,
    replacing: Replacing | None = None,
) -> Template:
    """The form again, with why its gift was refused or what to confirm first."""
    errors = forms.errors_of(error)
    if error.code == KEY_TAKEN:
        values["key"] = uuid.uuid4().hex
        errors = {"": KEY_REUSED}
    # Nothing was written: the same key goes with the confirmed gift.
    asks: dict[str, Any] = {}
    if error.code == LARGE_AMOUNT:
        facts = error.facts
        asks[LARGE_AMOUNT] = facts | {"amount_text": format_vnd(facts["amount"])}
    elif error.code == POSSIBLE_DUPLICATE:
        asks[POSSIBLE_DUPLICATE] = error.facts
    drives = await _open_drives(session, principal)
    return _form_page(
        request, drives, values, errors, status_code=error.status_code, asks=asks, replacing=replacing
    )


async def _replaceable(session: AsyncSession, principal: Principal, receipt_id: int) -> ReceiptOut:
    receipt = await get_receipt(session, principal, receipt_id)
    if receipt.status == ReceiptStatus.VOID:
        raise Conflict(f"Biên nhận {receipt.number} đã hủy: không thay thế được.")
    return receipt


@get("/receipts/{receipt_id:int}/replace", opt=COORDINATE)
async def replace_form(
    request: Request, session: DbSession, principal: Caller, receipt_id: PathId
) -> Template:
    """Thay thế: the gift form filled in with the receipt's gift, to correct and issue anew."""
    receipt = await _replaceable(session, principal, receipt_id)
    drives = await _open_drives(session, principal)
    return _form_page(
        request, drives, _values_of(receipt), {}, replacing=Replacing(receipt.id, receipt.number)
    )


@post("/receipts/{receipt_id:int}/replace", opt=COORDINATE)
async def replace(
    request: Request, session: DbSession, principal: Caller, actor: Acting, receipt_id: PathId
) -> Template | Redirect:
    """Void the receipt and issue the corrected gift in its place, in one transaction."""
    form = await request.form()
    values = _values(form)
    receipt = await _replaceable(session, principal, receipt_id)
    replacing = Replacing(receipt.id, receipt.number, forms.text(form, "reason"))

    async def save() -> str:
        issued = await replace_receipt(
            session, principal, actor, receipt_id, replacing.reason, _gift_of(values)
        )
        return f"/receipts/{issued.donation.receipt.id}"

    async def again(error: DomainError) -> Template:
        return await _refused(request, session, principal, values, error, replacing)

    return await submit(session, save, again)


@get("/gifts/donors", opt=RECORD)
async def donor_lookup(session: DbSession, principal: Caller, q: QueryText = "") -> list[dict[str, Any]]:
    """Donors matching what was typed (name, phone or address, without diacritics), for the gift form."""
    if len(q.strip()) < 2:
        return []
    donors, _ = await list_donors(session, principal, query=q[:100], limit=10, offset=0, roles=RECORDERS)
    return [
        {"id": donor.id, "name": donor.name, "phone": donor.phone, "address": donor.address}
        for donor in donors
    ]


routes = [gift_form, save_gift, donor_lookup, replace_form, replace]
