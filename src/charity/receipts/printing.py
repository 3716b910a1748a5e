"""Printing receipts: which copy each print is, what the paper says, and where its QR code leads.

A print is recorded (who, when, which copy) once its PDF is made, which happens outside any
transaction and off the event loop (`print_receipts`): the first print of a receipt is the original,
every later print says "BẢN SAO" with its number, and a void receipt says "ĐÃ HỦY" with reason and
date. Viewing a receipt (`view_receipts`) records nothing: its PDF says it is a preview, or, for the
donor who opens the link sent to them, an electronic copy.

What is printed is made in charity.receipts.rendering.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import partial
from typing import Protocol, TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from charity.audit.service import Actor, record
from charity.clock import VIETNAM
from charity.db import Database
from charity.errors import NotFound
from charity.labels import PAYMENT_METHODS
from charity.models import (
    Donation,
    Donor,
    Drive,
    PaymentMethod,
    Receipt,
    ReceiptForm,
    ReceiptPaper,
    ReceiptPrint,
    ReceiptStatus,
    ReceiptVerification,
    Unit,
    User,
)
from charity.money import amount_in_words, format_quantity, format_vnd
from charity.receipts.schemas import ReceiptOut
from charity.receipts.service import load, lock_receipts

T = TypeVar("T")
ANONYMOUS = "Nhà hảo tâm (ẩn danh)"
PARTS = {
    ReceiptPaper.A5: [""],
    ReceiptPaper.A4_TWO: ["Liên 1: Lưu tại đơn vị", "Liên 2: Giao người nộp"],
    ReceiptPaper.A4_THREE: ["Liên 1: Lưu tại đơn vị", "Liên 2: Giao người nộp", "Liên 3: Kế toán"],
}


class View(StrEnum):
    """A receipt looked at rather than printed: nothing is recorded, and the PDF says which it is."""

    PREVIEW = "preview"  # on screen at the desk: marked across the page, never to hand out
    ELECTRONIC = "electronic"  # the donor's own copy, from the link sent to them


ELECTRONIC_MARK = "BẢN ĐIỆN TỬ"
NOT_VALUED = "Chưa ước tính"


def copy_mark(copy_number: int) -> str:
    """What a print says of itself: nothing on the original, its number on every later copy."""
    return f"BẢN SAO số {copy_number}" if copy_number else ""


def masked_name(name: str) -> str:
    """What the public verification page shows of a donor: "Trần Văn Đức" → "Trần V. Đ."."""
    words = name.split()
    if not words:
        return ""
    return " ".join([words[0], *(f"{word[0]}." for word in words[1:])])


def shown_donor(name: str | None, anonymous: bool) -> str | None:
    """The donor's name where a unit lists its gifts (the desk, the registers, the public check):
    none for an anonymous gift, whose donor only their own receipt may name."""
    return name if name and not anonymous else None


class Goods(Protocol):
    name: str
    unit_of_measure: str
    quantity: Decimal


def goods_text(items: Iterable[Goods]) -> str:
    """Goods in a few words, shown wherever a total of money is: "10 kg Gạo, 40 quyển Vở"."""
    return ", ".join(f"{format_quantity(item.quantity)} {item.unit_of_measure} {item.name}" for item in items)


@dataclass(frozen=True, slots=True)
class ItemLine:
    name: str
    unit: str
    quantity: str
    unit_value: str
    value: str


@dataclass(frozen=True, slots=True)
class ReceiptDocument:
    """Everything printed on one receipt, as text ready for the template."""

    book: str
    seq: str
    title: str
    # The accounting form's code ("01-TT", "C40-BB") on a receipt of money alone, where the unit keeps
    # a regime whose form it is; "" on any other receipt (goods are never on a cash form).
    form_code: str
    # The unit keeps formal accounts: its accountant signs.
    accountant: bool
    # Money was handed over in cash: the cashier (thủ quỹ) signs for it. A transfer is not handed over.
    cashier: bool
    paper: str
    unit_name: str
    unit_address: str
    issued_on: date
    received_on: date
    payer_name: str
    payer_address: str
    drive_name: str
    cash: str
    cash_method: str
    cash_words: str
    items: list[ItemLine]
    goods_total: str
    goods_words: str
    # Every line of goods has an estimated value (a total of goods means something).
    goods_valued: bool
    total: str
    total_words: str
    note: str
    issued_by: str
    # "" on the original; which copy, or that it is the electronic copy, on any other.
    mark: str
    preview: bool
    void: bool
    void_reason: str
    voided_on: date | None
    verify_url: str


@dataclass(frozen=True, slots=True)
class _Extras:
    unit_address: str
    paper: str
    form: ReceiptForm
    zero_tens: str
    donor_address: str
    name_on_receipt: bool
    issued_by: str


async def _extras(session: AsyncSession, receipt_ids: list[int]) -> dict[int, _Extras]:
    rows = await session.execute(
        select(
            Receipt.id,
            Unit.address,
            Unit.receipt_paper,
            Receipt.form,
            Unit.zero_tens_word,
            Donor.address,
            Donation.name_on_receipt,
            User.full_name,
            User.username,
        )
        .join(Donation, Donation.id == Receipt.donation_id)
        .join(Drive, Drive.id == Donation.drive_id)
        .join(Unit, Unit.id == Drive.unit_id)
        .join(User, User.id == Receipt.issued_by)
        .outerjoin(Donor, Donor.id == Donation.donor_id)
        .where(Receipt.id.in_(receipt_ids))
    )
    return {
        receipt_id: _Extras(
            address,
            paper,
            ReceiptForm(form),
            zero_tens,
            donor_address or "",
            name_on_receipt,
            full_name or username,
        )
        for receipt_id, address, paper, form, zero_tens, donor_address, name_on_receipt, full_name, username in rows
    }


def _document(
    receipt: ReceiptOut, extras: _Extras, copy_number: int, view: View | None, verify_url: str
) -> ReceiptDocument:
    words = partial(amount_in_words, zero_tens=extras.zero_tens)
    show_name = receipt.donor is not None and (not receipt.anonymous or extras.name_on_receipt)
    goods_total = sum(item.value for item in receipt.items)
    cash = receipt.cash.amount if receipt.cash else 0
    on_cash_form = receipt.cash is not None and not receipt.items and extras.form != ReceiptForm.PLAIN
    if on_cash_form:
        title = "PHIẾU THU"
    elif receipt.cash:
        title = "BIÊN NHẬN ĐÓNG GÓP"
    else:
        title = "BIÊN NHẬN HIỆN VẬT"
    method = ""
    if receipt.cash:
        method = PAYMENT_METHODS[receipt.cash.method]
        if receipt.cash.reference:
            method += f", mã giao dịch {receipt.cash.reference}"
    valued = all(item.value for item in receipt.items)
    return ReceiptDocument(
        book=f"{receipt.book}-{receipt.year}",
        seq=f"{receipt.seq:05d}",
        title=title,
        form_code=extras.form.value if on_cash_form else "",
        accountant=extras.form != ReceiptForm.PLAIN,
        cashier=receipt.cash is not None and receipt.cash.method == PaymentMethod.CASH,
        paper=extras.paper,
        unit_name=receipt.unit.name,
        unit_address=extras.unit_address,
        issued_on=receipt.issued_at.astimezone(VIETNAM).date(),
        received_on=receipt.received_on,
        payer_name=receipt.donor.name if show_name and receipt.donor else ANONYMOUS,
        payer_address=extras.donor_address if show_name else "",
        drive_name=receipt.drive.name,
        cash=format_vnd(cash) if receipt.cash else "",
        cash_method=method,
        cash_words=words(cash) if receipt.cash else "",
        items=[
            ItemLine(
                item.name,
                item.unit_of_measure,
                format_quantity(item.quantity),
                format_vnd(item.unit_value) if item.unit_value else "",
                format_vnd(item.value) if item.value else "",
            )
            for item in receipt.items
        ],
        goods_total=format_vnd(goods_total) if goods_total else NOT_VALUED,
        goods_words=words(goods_total) if goods_total else "",
        goods_valued=valued,
        total=format_vnd(receipt.total_value),
        total_words=words(receipt.total_value),
        note=receipt.note,
        issued_by=extras.issued_by,
        mark=ELECTRONIC_MARK if view == View.ELECTRONIC else "" if view else copy_mark(copy_number),
        preview=view == View.PREVIEW,
        void=receipt.status == ReceiptStatus.VOID,
        void_reason=receipt.void_reason or "",
        voided_on=receipt.voided_at.astimezone(VIETNAM).date() if receipt.voided_at else None,
        verify_url=verify_url,
    )


@dataclass(frozen=True, slots=True)
class _Print:
    """One receipt's print as prepared: what it was made from, and what recording it writes."""

    receipt_id: int
    unit_id: int
    number: str
    status: ReceiptStatus
    copy_number: int


@dataclass(frozen=True, slots=True)
class Prepared:
    prints: list[_Print]
    documents: list[ReceiptDocument]


async def _copies(session: AsyncSession, receipt_ids: list[int]) -> dict[int, int]:
    return dict(
        (
            await session.execute(
                select(ReceiptPrint.receipt_id, func.count())
                .where(ReceiptPrint.receipt_id.in_(receipt_ids))
                .group_by(ReceiptPrint.receipt_id)
            )
        ).all()
    )


async def _prepare(
    session: AsyncSession, receipt_ids: list[int], *, base_url: str, view: View | None = None
) -> Prepared:
    """What each receipt (the caller checked the caller may see them) would put on paper: printed,
    the next copy number of each, its state, its verification link; or what its `view` shows."""
    receipts = await load(session, receipt_ids)
    extras = await _extras(session, receipt_ids)
    printed = await _copies(session, receipt_ids)
    tokens = dict(
        (
            await session.execute(
                select(ReceiptVerification.receipt_id, ReceiptVerification.token).where(
                    ReceiptVerification.receipt_id.in_(receipt_ids)
                )
            )
        ).all()
    )
    prints, documents = [], []
    for receipt in receipts:
        copy_number = printed.get(receipt.id, 0)
        prints.append(_Print(receipt.id, receipt.unit.id, receipt.number, receipt.status, copy_number))
        documents.append(
            _document(
                receipt,
                extras[receipt.id],
                copy_number,
                view,
                verify_url(base_url, tokens[receipt.id]),
            )
        )
    return Prepared(prints, documents)


def verify_url(base_url: str, token: str) -> str:
    """The receipt's public page: what its QR code holds and what is sent to its donor."""
    return f"{base_url}/verify/{token}"


async def _record(session: AsyncSession, actor: Actor, prepared: Prepared) -> bool:
    """Record the prepared prints in the write transaction `session`, an audit event each; False,
    recording nothing, when another print or a void of these receipts came in since they were
    prepared. The receipts' rows are locked (in id order) first, so two prints at once never get
    the same copy number and never deadlock."""
    ids = [item.receipt_id for item in prepared.prints]
    await lock_receipts(session, ids)
    statuses = dict(
        (await session.execute(select(Receipt.id, Receipt.status).where(Receipt.id.in_(ids)))).all()
    )
    copies = await _copies(session, ids)
    if any(
        (copies.get(item.receipt_id, 0), statuses[item.receipt_id]) != (item.copy_number, item.status)
        for item in prepared.prints
    ):
        return False
    for item in prepared.prints:
        session.add(
            ReceiptPrint(receipt_id=item.receipt_id, copy_number=item.copy_number, printed_by=actor.user_id)
        )
        await record(
            session,
            actor,
            "receipt.print",
            object_type="receipt",
            object_id=item.receipt_id,
            unit_id=item.unit_id,
            after={"copy": item.copy_number, "number": item.number, "status": item.status.value},
        )
    await session.flush()
    return True


async def print_receipts(
    database: Database,
    session: AsyncSession,
    actor: Actor,
    choose: Callable[[AsyncSession], Awaitable[list[int]]],
    make: Callable[[list[ReceiptDocument]], Awaitable[T]],
    *,
    base_url: str,
) -> tuple[T, list[ReceiptDocument]]:
    """Print the receipts `choose` picks, in its order: `make` turns what is printed on them into a
    PDF (or a file), and each print is recorded in the write transaction `session` only once that
    is made, so that a print that failed never spends a receipt's original. Choosing and making
    happen outside any transaction (a batch takes seconds to lay out; a SQLite write transaction
    holds the whole database). When another print or a void of the same receipts came in between,
    it is done again with them locked."""
    async with database.read() as reading:
        prepared = await _prepare(reading, await _chosen(reading, choose), base_url=base_url)
    made = await make(prepared.documents)
    if await _record(session, actor, prepared):
        return made, prepared.documents
    prepared = await _prepare(session, await _chosen(session, choose), base_url=base_url)
    made = await make(prepared.documents)
    if not await _record(session, actor, prepared):
        raise RuntimeError("receipts changed while their rows were locked")
    return made, prepared.documents


async def view_receipts(
    database: Database,
    choose: Callable[[AsyncSession], Awaitable[list[int]]],
    make: Callable[[list[ReceiptDocument]], Awaitable[T]],
    *,
    base_url: str,
    view: View,
) -> tuple[T, list[ReceiptDocument]]:
    """The receipts `choose` picks as `make` makes them, marked as the `view` they are: nothing is
    recorded, and they are made, as a print is, outside any transaction."""
    async with database.read() as reading:
        prepared = await _prepare(reading, await _chosen(reading, choose), base_url=base_url, view=view)
    return await make(prepared.documents), prepared.documents


async def _chosen(session: AsyncSession, choose: Callable[[AsyncSession], Awaitable[list[int]]]) -> list[int]:
    ids = await choose(session)
    if not ids:
        raise NotFound("Không có biên nhận nào để in.")
    return ids
