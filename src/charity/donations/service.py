"""Gifts: one short write transaction validates the gift, takes the next receipt number, and records
the donation, its receipt, its ledger entries and an audit event together."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

import msgspec
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from charity.accounts.access import Principal
from charity.audit.service import Actor, event
from charity.clock import format_date, local_today
from charity.direct import Direct
from charity.donations.context import Accepted, Earlier, read_context
from charity.donations.recording import record
from charity.donations.schemas import DonationOut, GiftIn, ReceiptRef
from charity.donors.service import RECORDERS, add_donor, clean_donor
from charity.errors import Conflict, Invalid
from charity.ledger.service import Posting, post
from charity.models import (
    MAX_AMOUNT,
    Donation,
    DriveStatus,
    EntrySource,
    ItemType,
    ReceiptStatus,
    utcnow,
)
from charity.money import line_value
from charity.receipts.schemas import CashOut, ItemOut
from charity.receipts.service import clean_reason, load, lock_receipts, void_receipt, voidable

MAX_LINES = 50
MAX_QUANTITY = Decimal(10**12)
NOTE_MAX = 500
IDEMPOTENCY_KEY_MAX = 100


@dataclass(frozen=True, slots=True)
class Issued:
    donation: DonationOut
    # True when this answers a retry of a request already done (same Idempotency-Key and body).
    replayed: bool = False


def _amount_ok(amount: int, *, minimum: int) -> bool:
    return minimum <= amount <= MAX_AMOUNT


def request_hash(gift: GiftIn) -> str:
    return hashlib.sha256(msgspec.json.encode(gift)).hexdigest()


def check_idempotency_key(key: str | None) -> str | None:
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > IDEMPOTENCY_KEY_MAX or not key.isprintable():
        raise Invalid(
            f"Idempotency-Key phải dài 1–{IDEMPOTENCY_KEY_MAX} ký tự in được.", field="Idempotency-Key"
        )
    return key


async def _replay(session: AsyncSession, earlier: Earlier | None, fingerprint: str) -> Issued | None:
    """The answer given to the request this one retries, if any (same Idempotency-Key)."""
    if earlier is None:
        return None
    if earlier.request_hash != fingerprint:
        raise Conflict("Idempotency-Key này đã được dùng cho một đóng góp khác.", field="Idempotency-Key")
    return Issued(DonationOut.of((await load(session, [earlier.receipt_id]))[0]), replayed=True)


async def _check_items(
    session: AsyncSession, accepted: dict[int, Accepted], gift: GiftIn
) -> list[tuple[Accepted, int]]:
    """Each goods line's item type (accepted by the drive) and estimated value."""
    if len(gift.items) > MAX_LINES:
        raise Invalid(f"Một biên nhận có tối đa {MAX_LINES} dòng hàng.", field="items")
    checked = []
    for index, line in enumerate(gift.items):
        field = f"items[{index}]"
        item_type = accepted.get(line.item_type_id)
        if item_type is None:
            name = await session.get(ItemType, line.item_type_id)
            label = f"«{name.name}»" if name else f"mã {line.item_type_id}"
            raise Invalid(f"Cuộc vận động này không nhận loại hàng {label}.", field=f"{field}.item_type_id")
        quantity = line.quantity
        if not quantity.is_finite() or not 0 < quantity <= MAX_QUANTITY:
            raise Invalid(f"Số lượng {item_type.name} phải là số dương.", field=f"{field}.quantity")
        if quantity != quantity.quantize(Decimal("0.001")):
            raise Invalid(
                f"Số lượng {item_type.name} có tối đa 3 chữ số thập phân.", field=f"{field}.quantity"
            )
        if not _amount_ok(line.unit_value, minimum=0):
            raise Invalid("Đơn giá phải là số nguyên đồng, không âm.", field=f"{field}.unit_value")
        value = line_value(quantity, line.unit_value)
        if value > MAX_AMOUNT:
            raise Invalid("Giá trị dòng hàng quá lớn.", field=f"{field}.unit_value")
        checked.append((item_type, value))
    return checked


_KEY_LOCK = Direct(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"))


def _adds_donor(gift: GiftIn) -> bool:
    """Whether the gift describes a donor to add (rather than naming one, or being anonymous)."""
    return (
        gift.donor is not None
        and gift.donor.id is None
        and bool(gift.donor.name.strip() or not gift.anonymous)
    )


async def issue_gift(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    gift: GiftIn,
    *,
    idempotency_key: str | None = None,
    replaces: int | None = None,
    also_lock_drive: int | None = None,
) -> Issued:
    key = check_idempotency_key(idempotency_key)
    fingerprint = request_hash(gift)
    dialect = session.bind.dialect.name
    if key and dialect == "postgresql" and _adds_donor(gift):
        # Twin requests with one key that add a donor run one after the other, so the second finds
        # the first's gift before adding the donor again (SQLite's write transaction already
        # serialises them). Other twins meet at the gift's insert, which waits for the first to
        # commit and then inserts nothing: the second answers the first's receipt.
        await _KEY_LOCK.rows(session, {"key": f"gift:{principal.user_id}:{key}"})
    named_donor = gift.donor.id if gift.donor is not None else None
    context = await read_context(
        session, user_id=principal.user_id, key=key, drive_id=gift.drive_id, donor_id=named_donor
    )
    if replayed := await _replay(session, context.earlier, fingerprint):
        return replayed

    drive = context.drive_for(principal, RECORDERS)
    if drive.status != DriveStatus.OPEN:
        raise Invalid(f"Cuộc vận động «{drive.name}» không đang nhận đóng góp.", field="drive_id")
    today = local_today()
    if gift.received_on > today:
        raise Invalid("Ngày nhận không được sau hôm nay.", field="received_on")
    if not drive.starts_on <= gift.received_on <= drive.ends_on:
        raise Invalid(
            f"Ngày nhận phải trong thời gian nhận đóng góp, từ {format_date(drive.starts_on)}"
            f" đến {format_date(drive.ends_on)}.",
            field="received_on",
        )
    if gift.cash is not None and not _amount_ok(gift.cash.amount, minimum=1):
        raise Invalid("Số tiền phải là số nguyên dương (đồng), tối đa 10.000 tỷ đồng.", field="cash.amount")
    lines = await _check_items(session, context.accepted, gift) if gift.items else []
    if gift.cash is None and not lines:
        raise Invalid("Cần nhập số tiền hoặc ít nhất một dòng hàng.", field="cash")
    total = (gift.cash.amount if gift.cash else 0) + sum(value for _, value in lines)
    if total > MAX_AMOUNT:
        raise Invalid("Tổng giá trị biên nhận quá lớn.", field="cash.amount")
    note = " ".join(gift.note.split())
    if len(note) > NOTE_MAX:
        raise Invalid(f"Ghi chú dài quá {NOTE_MAX} ký tự.", field="note")
    donor_id = None
    new_donor = None
    if named_donor is not None:
        context.check_donor(principal, RECORDERS)
        donor_id = named_donor
    elif gift.donor is not None and _adds_donor(gift):
        d = gift.donor
        new_donor = clean_donor(
            name=d.name,
            kind=d.kind,
            phone=d.phone,
            address=d.address,
            email=d.email,
            tax_code=d.tax_code,
            prefix="donor.",
        )
    elif not gift.anonymous:
        raise Invalid("Cần chọn hoặc nhập nhà hảo tâm, hoặc đánh dấu ẩn danh.", field="donor")

    if new_donor is not None:
        donor_id = (await add_donor(session, actor, drive.unit_id, new_donor, audit=False)).id
    recorded = await record(
        session,
        {
            "drive_id": drive.id,
            "donor_id": donor_id,
            "received_on": gift.received_on,
            "anonymous": gift.anonymous,
            "name_on_receipt": gift.name_on_receipt,
            "cash_amount": gift.cash.amount if gift.cash else None,
            "cash_method": gift.cash.method if gift.cash else None,
            "note": note,
            "recorded_by": principal.user_id,
            "created_at": utcnow(),
            "idempotency_key": key,
            "request_hash": fingerprint if key else None,
        },
        [
            {
                "item_type_id": item_type.id,
                "quantity": line.quantity,
                "unit_value": line.unit_value,
                "value": value,
            }
            for line, (item_type, value) in zip(gift.items, lines, strict=True)
        ],
        {
            "status": ReceiptStatus.ISSUED,
            "total_value": total,
            "issued_at": utcnow(),
            "issued_by": principal.user_id,
            "replaces_id": replaces,
        },
        unit_id=drive.unit_id,
        year=today.year,
        book_id=gift.book_id,
        # A replacement posts to two drives, locked in id order by `post`.
        lock_chain_of=drive.id if also_lock_drive is None else None,
    )
    if recorded is None:
        # A twin request with the same Idempotency-Key committed while this one was on its way.
        again = await read_context(
            session, user_id=principal.user_id, key=key, drive_id=gift.drive_id, donor_id=named_donor
        )
        replayed = await _replay(session, again.earlier, fingerprint)
        if replayed is None:
            raise Conflict(
                "Idempotency-Key này đang được dùng cho một đóng góp khác.", field="Idempotency-Key"
            )
        return replayed
    donation_id, numbered = recorded
    number, receipt_id = numbered.number, numbered.receipt_id
    postings = ([Posting(amount=gift.cash.amount, memo="Tiền mặt/chuyển khoản")] if gift.cash else []) + [
        Posting(amount=value, item_type_id=item_type.id, quantity=line.quantity, memo=item_type.name)
        for line, (item_type, value) in zip(gift.items, lines, strict=True)
    ]
    await post(
        session,
        drive_id=drive.id,
        also_lock=also_lock_drive,
        posted_on=gift.received_on,
        source=EntrySource.RECEIPT,
        postings=postings,
        receipt_id=receipt_id,
        user_id=principal.user_id,
        end=numbered.chain_end,
        event=event(
            actor,
            "receipt.issue",
            object_type="receipt",
            object_id=receipt_id,
            unit_id=drive.unit_id,
            after={
                "book_id": number.book_id,
                "seq": number.seq,
                "drive_id": drive.id,
                "donor_id": donor_id,
                "donor_created": new_donor is not None,
                "total_value": total,
                "replaces": replaces,
            },
        ),
    )
    donation = DonationOut(
        id=donation_id,
        drive_id=drive.id,
        received_on=gift.received_on,
        donor_id=donor_id,
        anonymous=gift.anonymous,
        cash=CashOut(gift.cash.amount, gift.cash.method) if gift.cash else None,
        items=[
            ItemOut(
                item_type.id, item_type.name, item_type.unit_of_measure, line.quantity, line.unit_value, value
            )
            for line, (item_type, value) in zip(gift.items, lines, strict=True)
        ],
        note=note,
        receipt=ReceiptRef(receipt_id, number.code, number.seq, number.display, ReceiptStatus.ISSUED, total),
    )
    return Issued(donation)


async def replace_receipt(
    session: AsyncSession, principal: Principal, actor: Actor, receipt_id: int, reason: str, gift: GiftIn
) -> Issued:
    """Void a receipt and issue the corrected gift pointing to it, in one transaction."""
    reason = clean_reason(reason)
    await lock_receipts(session, [receipt_id])
    _, old = await voidable(session, principal, receipt_id)
    issued = await issue_gift(
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
