"""Gifts: in the request's write transaction, a gift is checked, takes the next receipt number, and
is recorded with its donation, its receipt, its ledger entries and an audit event together."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import msgspec
from sqlalchemy import insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from charity.access import Principal
from charity.amounts import QUANTUM, check_cash, check_quantity
from charity.audit.service import Actor, record
from charity.clock import format_date, local_today
from charity.donations.schemas import CashIn, DonationOut, GiftIn, ReceiptRef
from charity.donors.service import RECORDERS, CleanDonor, add_donor, clean_donor, get_donor
from charity.drives.schemas import DriveItemOut
from charity.drives.service import accepted_items, get_drive
from charity.errors import Conflict, Invalid
from charity.ledger.service import LockedDrive, Posting, post
from charity.models import (
    MAX_AMOUNT,
    MAX_AMOUNT_TEXT,
    Donation,
    DonationItem,
    Donor,
    Drive,
    DriveStatus,
    EntrySource,
    ItemType,
    PaymentMethod,
    Receipt,
    ReceiptBook,
    ReceiptStatus,
    ReceiptVerification,
    Unit,
    utcnow,
)
from charity.money import amount_in_words, format_vnd, line_value
from charity.receipts.numbering import display_number, take_number
from charity.receipts.schemas import CashOut, ItemOut
from charity.receipts.service import clean_reason, load, lock_receipts, new_token, void_receipt, voidable

MAX_LINES = 50
# Error codes, for a client that acts on them: the gift form asks the volunteer to confirm a large
# amount or a possible duplicate and sends the gift again, and makes a new form for a key taken.
KEY_TAKEN = "idempotency_key_taken"
LARGE_AMOUNT = "large_amount"
POSSIBLE_DUPLICATE = "possible_duplicate"
# How long a like gift by the same user is taken for the same gift sent twice.
DUPLICATE_WINDOW = timedelta(minutes=10)
NOTE_MAX = 500
IDEMPOTENCY_KEY_MAX = 100


@dataclass(frozen=True, slots=True)
class Issued:
    donation: DonationOut
    # True when this answers a retry of a request already done (same Idempotency-Key and body).
    replayed: bool = False


class TwinTaken(Exception):
    """A twin request with the same Idempotency-Key recorded its gift meanwhile."""


def _amount_ok(amount: int, *, minimum: int) -> bool:
    return minimum <= amount <= MAX_AMOUNT


def request_hash(gift: GiftIn) -> str:
    """The gift's fingerprint; confirmations are left out, as they say the caller looked again, not
    what was given: a retry that adds one is the same request."""
    gift = msgspec.structs.replace(gift, confirm_large=False, confirm_duplicate=False)
    return hashlib.sha256(msgspec.json.encode(gift)).hexdigest()


# Printable ASCII without spaces: what a client generates (a UUID, a counter), and the same bytes
# whatever the header's encoding.
_IDEMPOTENCY_KEY = re.compile(rf"[\x21-\x7e]{{1,{IDEMPOTENCY_KEY_MAX}}}")


def check_idempotency_key(keys: Sequence[str]) -> str | None:
    """The request's Idempotency-Key, if it sent one (as a header or a form's field)."""
    if not keys:
        return None
    if len(keys) > 1:
        raise Invalid("Chỉ gửi một Idempotency-Key cho mỗi yêu cầu.", field="Idempotency-Key")
    if not _IDEMPOTENCY_KEY.fullmatch(keys[0]):
        raise Invalid(
            f"Idempotency-Key phải gồm 1–{IDEMPOTENCY_KEY_MAX} ký tự ASCII in được, không có khoảng trắng.",
            field="Idempotency-Key",
        )
    return keys[0]


async def _earlier(
    session: AsyncSession, principal: Principal, gift: GiftIn, key: str | None
) -> Issued | None:
    """The answer given to the request this one retries: the gift its Idempotency-Key recorded, when
    the body is the same (409 for another body)."""
    if key is None:
        return None
    found = (
        await session.execute(
            select(Donation.request_hash, Receipt.id)
            .join(Receipt, Receipt.donation_id == Donation.id)
            .where(Donation.recorded_by == principal.user_id, Donation.idempotency_key == key)
        )
    ).first()
    if found is None:
        return None
    fingerprint, receipt_id = found
    if fingerprint != request_hash(gift):
        raise Conflict(
            "Idempotency-Key này đã được dùng cho một đóng góp khác.", field="Idempotency-Key", code=KEY_TAKEN
        )
    return Issued(DonationOut.of((await load(session, [receipt_id]))[0]), replayed=True)


async def _item_lines(session: AsyncSession, drive_id: int, gift: GiftIn) -> list[tuple[DriveItemOut, int]]:
    """Each goods line's item type (accepted by the drive) and estimated value."""
    if len(gift.items) > MAX_LINES:
        raise Invalid(f"Một biên nhận có tối đa {MAX_LINES} dòng hàng.", field="items")
    accepted = {item.item_type_id: item for item in (await accepted_items(session, [drive_id]))[drive_id]}
    checked = []
    for index, line in enumerate(gift.items):
        field = f"items[{index}]"
        item_type = accepted.get(line.item_type_id)
        if item_type is None:
            name = await session.scalar(select(ItemType.name).where(ItemType.id == line.item_type_id))
            label = f"«{name}»" if name else f"mã {line.item_type_id}"
            raise Invalid(f"Cuộc vận động này không nhận loại hàng {label}.", field=f"{field}.item_type_id")
        quantity = check_quantity(line.quantity, item_type.name, f"{field}.quantity")
        if not _amount_ok(line.unit_value, minimum=0):
            raise Invalid("Đơn giá phải là số nguyên đồng, không âm.", field=f"{field}.unit_value")
        value = line_value(quantity, line.unit_value)
        if value > MAX_AMOUNT:
            raise Invalid(
                f"Giá trị dòng hàng quá lớn: tối đa {MAX_AMOUNT_TEXT}.", field=f"{field}.unit_value"
            )
        checked.append((item_type, value))
    return checked


def _open_for(drive: Drive | LockedDrive, gift: GiftIn) -> None:
    if drive.status != DriveStatus.OPEN:
        raise Invalid(f"Cuộc vận động «{drive.name}» không đang nhận đóng góp.", field="drive_id")
    if gift.received_on > local_today():
        raise Invalid("Ngày nhận không được sau hôm nay.", field="received_on")
    if not drive.starts_on <= gift.received_on <= drive.ends_on:
        raise Invalid(
            f"Ngày nhận phải trong thời gian nhận đóng góp, từ {format_date(drive.starts_on)}"
            f" đến {format_date(drive.ends_on)}.",
            field="received_on",
        )


def _new_donor(gift: GiftIn) -> CleanDonor | None:
    """The donor the gift describes to add, checked; None when it names one or is anonymous."""
    donor = gift.donor
    if donor is not None and donor.id is None and (donor.name.strip() or not gift.anonymous):
        return clean_donor(
            name=donor.name,
            kind=donor.kind,
            phone=donor.phone,
            address=donor.address,
            email=donor.email,
            tax_code=donor.tax_code,
            prefix="donor.",
        )
    if (donor is None or donor.id is None) and not gift.anonymous:
        raise Invalid("Cần chọn hoặc nhập nhà hảo tâm, hoặc đánh dấu ẩn danh.", field="donor")
    return None


def _large(total: int, unit: Unit) -> Invalid:
    words = amount_in_words(total, zero_tens=unit.zero_tens_word)
    return Invalid(
        f"Số tiền {format_vnd(total)} ({words}) vượt mức {format_vnd(unit.large_gift_threshold)}"
        " mà đơn vị yêu cầu xác nhận lại. Hãy kiểm tra số tiền rồi xác nhận.",
        field="cash.amount",
        code=LARGE_AMOUNT,
        facts={
            "amount": total,
            "amount_in_words": words,
            "threshold": unit.large_gift_threshold,
        },
    )


async def _refuse_duplicate(
    session: AsyncSession,
    principal: Principal,
    drive_id: int,
    amount: int,
    donor_id: int | None,
    new_donor: CleanDonor | None,
    replaces: int | None,
) -> None:
    """Refuse (409 `possible_duplicate`) a cash gift like one the same user recorded minutes ago: the
    same drive, amount and donor, whose receipt stands. That is what the Back button and a second
    Save make; a retry with the same Idempotency-Key never gets here (`record_gift`).

    The same donor is the same donor id, or for a donor typed in anew, the same name and phone. A
    gift with no donor at all (anonymous) is never taken for a duplicate: a donation box gives many
    gifts of 50.000 đ in a row, nothing tells them apart, and a warning on each would teach the
    volunteer to confirm without reading. A replacement is not a duplicate of the receipt it replaces.
    """
    if donor_id is None and new_donor is None:
        return
    query = (
        select(Receipt.id, ReceiptBook.code, ReceiptBook.year, Receipt.seq)
        .select_from(Donation)
        .join(Receipt, Receipt.donation_id == Donation.id)
        .join(ReceiptBook, ReceiptBook.id == Receipt.book_id)
        .where(
            Donation.recorded_by == principal.user_id,
            Donation.drive_id == drive_id,
            Donation.cash_amount == amount,
            Donation.created_at >= utcnow() - DUPLICATE_WINDOW,
            Receipt.status == ReceiptStatus.ISSUED,
        )
        .order_by(Donation.id.desc())
        .limit(1)
    )
    if replaces is not None:
        query = query.where(Receipt.id != replaces)
    if new_donor is None:
        query = query.where(Donation.donor_id == donor_id)
    else:
        query = query.join(Donor, Donor.id == Donation.donor_id).where(
            Donor.name == new_donor.name, Donor.phone == new_donor.phone
        )
    found = (await session.execute(query)).first()
    if found is None:
        return
    receipt_id, code, year, seq = found
    number = display_number(code, year, seq)
    minutes = DUPLICATE_WINDOW.seconds // 60
    raise Conflict(
        f"Trong {minutes} phút qua bạn đã ghi một đóng góp giống hệt (cùng nhà hảo tâm, số tiền và"
        f" cuộc vận động): biên nhận số {number}. Nếu đây là một đóng góp khác, hãy xác nhận để cấp"
        " biên nhận mới.",
        code=POSSIBLE_DUPLICATE,
        facts={"receipt_id": receipt_id, "receipt_number": number},
    )


# A second request with the same Idempotency-Key inserts no donation (see `_insert_donation`).
_INSERT_DONATION = {
    name: dialect_insert(Donation.__table__)
    .on_conflict_do_nothing(index_elements=["recorded_by", "idempotency_key"])
    .returning(Donation.id)
    for name, dialect_insert in (("sqlite", sqlite_insert), ("postgresql", pg_insert))
}
_INSERT_ITEMS = insert(DonationItem.__table__)
_INSERT_RECEIPT = insert(Receipt.__table__).returning(Receipt.id)


async def _issue(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    gift: GiftIn,
    key: str | None,
    replaces: int | None,
    also_lock_drive: int | None,
) -> DonationOut:
    """Check the gift and write it. Raises `TwinTaken`, having written nothing, when a twin request
    (same Idempotency-Key) recorded its gift after this one's check."""
    drive = await get_drive(session, principal, gift.drive_id, RECORDERS)
    _open_for(drive, gift)
    if gift.cash is not None:
        check_cash(gift.cash.amount, "cash.amount")
    lines = await _item_lines(session, drive.id, gift) if gift.items else []
    if gift.cash is None and not lines:
        raise Invalid("Cần nhập số tiền hoặc ít nhất một dòng hàng.", field="cash")
    total = (gift.cash.amount if gift.cash else 0) + sum(value for _, value in lines)
    if total > MAX_AMOUNT:
        raise Invalid(f"Tổng giá trị biên nhận quá lớn: tối đa {MAX_AMOUNT_TEXT}.", field="cash.amount")
    note = " ".join(gift.note.split())
    if len(note) > NOTE_MAX:
        raise Invalid(f"Ghi chú dài quá {NOTE_MAX} ký tự.", field="note")
    reference = _reference(gift.cash)
    unit = await session.get_one(Unit, drive.unit_id)
    new_donor = _new_donor(gift)
    donor_id = gift.donor.id if gift.donor is not None else None
    if donor_id is not None:
        await get_donor(session, principal, donor_id, RECORDERS)
    # Last of the checks: a gift that is wrong anyway is refused for what is wrong with it.
    if total > unit.large_gift_threshold and not gift.confirm_large:
        raise _large(total, unit)
    if gift.cash is not None and not gift.confirm_duplicate:
        await _refuse_duplicate(session, principal, drive.id, gift.cash.amount, donor_id, new_donor, replaces)
    donation = {
        "drive_id": drive.id,
        "donor_id": donor_id,
        "received_on": gift.received_on,
        "anonymous": gift.anonymous,
        "name_on_receipt": gift.name_on_receipt,
        "cash_amount": gift.cash.amount if gift.cash else None,
        "cash_method": gift.cash.method if gift.cash else None,
        "cash_reference": reference,
        "note": note,
        "recorded_by": principal.user_id,
        "created_at": utcnow(),
        "idempotency_key": key,
        "request_hash": request_hash(gift) if key else None,
    }
    if new_donor is None:
        donation_id = await _insert_donation(session, donation)
    else:
        # A twin that loses must not leave its donor behind.
        async with session.begin_nested():
            donation["donor_id"] = donor_id = (
                await add_donor(session, actor, drive.unit_id, new_donor, audit=False)
            ).id
            donation_id = await _insert_donation(session, donation)
    if lines:
        await session.execute(
            _INSERT_ITEMS,
            [
                {
                    "donation_id": donation_id,
                    "item_type_id": item_type.item_type_id,
                    "quantity": line.quantity,
                    "unit_value": line.unit_value,
                    "value": value,
                }
                for line, (item_type, value) in zip(gift.items, lines, strict=True)
            ],
        )
    # The number as late as can be: on PostgreSQL the book's row stays locked from here to the
    # commit, and every gift of the unit waits for it. The book's row first, then the drive's (in
    # `post`): the order every writer takes them in.
    number = await take_number(session, drive.unit_id, local_today().year, gift.book_id)
    receipt_id = await session.scalar(
        _INSERT_RECEIPT,
        {
            "book_id": number.book_id,
            "seq": number.seq,
            "donation_id": donation_id,
            "status": ReceiptStatus.ISSUED,
            "total_value": total,
            "issued_at": utcnow(),
            "issued_by": principal.user_id,
            "replaces_id": replaces,
            "form": unit.receipt_form,
        },
    )
    session.add(ReceiptVerification(token=new_token(), receipt_id=receipt_id))
    cash = [Posting(amount=gift.cash.amount, memo="Tiền mặt/chuyển khoản")] if gift.cash else []
    await post(
        session,
        drive_id=drive.id,
        also_lock=also_lock_drive,
        posted_on=gift.received_on,
        source=EntrySource.RECEIPT,
        postings=cash
        + [
            Posting(
                amount=value, item_type_id=item_type.item_type_id, quantity=line.quantity, memo=item_type.name
            )
            for line, (item_type, value) in zip(gift.items, lines, strict=True)
        ],
        receipt_id=receipt_id,
        user_id=principal.user_id,
        # Checked again under the drive's lock: a close, or a shorter window, may have been
        # committed while this gift waited for its number.
        check=lambda locked: _open_for(locked, gift),
    )
    await record(
        session,
        actor,
        "receipt.issue",
        object_type="receipt",
        object_id=receipt_id,
        unit_id=drive.unit_id,
        after={
            "drive_id": drive.id,
            "donor_id": donor_id,
            "donor_created": new_donor is not None,
            "total_value": total,
            "replaces": replaces,
            "book_id": number.book_id,
            "seq": number.seq,
        },
    )
    return DonationOut(
        id=donation_id,
        drive_id=drive.id,
        received_on=gift.received_on,
        donor_id=donor_id,
        anonymous=gift.anonymous,
        cash=CashOut(gift.cash.amount, gift.cash.method, reference) if gift.cash else None,
        items=[
            ItemOut(
                item_type.item_type_id,
                item_type.name,
                item_type.unit_of_measure,
                # As stored, and as a replay reads it back: 2.5 kg is 2.500.
                line.quantity.quantize(QUANTUM),
                line.unit_value,
                value,
            )
            for line, (item_type, value) in zip(gift.items, lines, strict=True)
        ],
        note=note,
        receipt=ReceiptRef(receipt_id, number.code, number.seq, number.display, ReceiptStatus.ISSUED, total),
    )


REFERENCE_MAX = 100


def _reference(cash: CashIn | None) -> str:
    """A transfer's transaction reference, as the bank prints it; cash handed over has none."""
    reference = " ".join(cash.reference.split()) if cash else ""
    if not reference:
        return ""
    if cash is None or cash.method == PaymentMethod.CASH:
        raise Invalid(
            "Tiền mặt không có mã giao dịch: mã giao dịch chỉ ghi cho chuyển khoản hoặc ví điện tử.",
            field="cash.reference",
        )
    if len(reference) > REFERENCE_MAX:
        raise Invalid(f"Mã giao dịch dài quá {REFERENCE_MAX} ký tự.", field="cash.reference")
    return reference


async def _insert_donation(session: AsyncSession, values: dict[str, Any]) -> int:
    """Insert the donation; raises `TwinTaken` when a twin request (same Idempotency-Key) recorded its
    gift after this one's check: its insert waits for the twin's commit and then inserts nothing."""
    donation_id = await session.scalar(_INSERT_DONATION[session.bind.dialect.name], values)
    if donation_id is None:
        raise TwinTaken
    return donation_id


async def record_gift(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    gift: GiftIn,
    *,
    idempotency_keys: Sequence[str] = (),
    replaces: int | None = None,
    also_lock_drive: int | None = None,
) -> Issued:
    """Record a gift and issue its receipt in the write transaction `session`. A retry with the same
    Idempotency-Key and body is answered with the first one's receipt, also when the two were sent
    at once (the second finds the first's gift at its insert, and has written nothing)."""
    key = check_idempotency_key(idempotency_keys)
    if earlier := await _earlier(session, principal, gift, key):
        return earlier
    try:
        return Issued(await _issue(session, principal, actor, gift, key, replaces, also_lock_drive))
    except TwinTaken:
        earlier = await _earlier(session, principal, gift, key)
        if earlier is None:
            raise RuntimeError("a twin took the Idempotency-Key but its gift is not there") from None
        return earlier


async def replace_receipt(
    session: AsyncSession, principal: Principal, actor: Actor, receipt_id: int, reason: str, gift: GiftIn
) -> Issued:
    """Void a receipt and issue the corrected gift pointing to it, in one transaction."""
    reason = clean_reason(reason)
    await lock_receipts(session, [receipt_id])
    _, old = await voidable(session, principal, receipt_id)
    issued = await record_gift(
        session, principal, actor, gift, replaces=receipt_id, also_lock_drive=old.drive_id
    )
    await void_receipt(session, principal, actor, receipt_id, reason)
    return issued


async def last_drive_of(session: AsyncSession, user_id: int) -> int | None:
    """The drive of the user's latest gift: the gift form starts there."""
    return (
        await session.execute(
            select(Donation.drive_id)
            .where(Donation.recorded_by == user_id)
            .order_by(Donation.id.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
