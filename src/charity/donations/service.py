"""Gifts: one short write transaction validates the gift, takes the next receipt number, and records
the donation, its receipt, its ledger entries and an audit event together."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import msgspec
from sqlalchemy import bindparam, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from charity.accounts.access import Principal
from charity.audit.service import Actor, event
from charity.clock import format_date, local_today
from charity.db import Database
from charity.direct import Direct, Driver
from charity.donations.context import Accepted, DriveWindow, Earlier, GiftContext, read_context
from charity.donations.recording import TwinTaken, record, record_at_once
from charity.donations.schemas import DonationOut, GiftIn, ReceiptRef
from charity.donors.service import RECORDERS, CleanDonor, add_donor, clean_donor
from charity.errors import Conflict, Invalid
from charity.ledger.service import Posting, post
from charity.models import MAX_AMOUNT, Donation, DriveStatus, EntrySource, ItemType, ReceiptStatus, utcnow
from charity.money import line_value
from charity.receipts.numbering import IssuedNumber
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


async def _replayed(database_or_session: AsyncSession | Database, earlier: Earlier) -> Issued:
    """The answer given to the request this one retries (same Idempotency-Key and body)."""
    if isinstance(database_or_session, AsyncSession):
        return Issued(
            DonationOut.of((await load(database_or_session, [earlier.receipt_id]))[0]), replayed=True
        )
    async with database_or_session.read() as session:
        return await _replayed(session, earlier)


def _earlier(context: GiftContext, fingerprint: str) -> Earlier | None:
    """The gift this request retries, if its Idempotency-Key was used (409 for another body)."""
    earlier = context.earlier
    if earlier is not None and earlier.request_hash != fingerprint:
        raise Conflict("Idempotency-Key này đã được dùng cho một đóng góp khác.", field="Idempotency-Key")
    return earlier


_ITEM_TYPE_NAME = Direct(select(ItemType.name).where(ItemType.id == bindparam("item_type_id")))


async def _check_items(
    where: AsyncSession | Driver, accepted: dict[int, Accepted], gift: GiftIn
) -> list[tuple[Accepted, int]]:
    """Each goods line's item type (accepted by the drive) and estimated value."""
    if len(gift.items) > MAX_LINES:
        raise Invalid(f"Một biên nhận có tối đa {MAX_LINES} dòng hàng.", field="items")
    checked = []
    for index, line in enumerate(gift.items):
        field = f"items[{index}]"
        item_type = accepted.get(line.item_type_id)
        if item_type is None:
            name = await _ITEM_TYPE_NAME.scalar(where, {"item_type_id": line.item_type_id})
            label = f"«{name}»" if name else f"mã {line.item_type_id}"
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


@dataclass(frozen=True, slots=True)
class _Checked:
    """A gift that passed every check, with what its writes need."""

    gift: GiftIn
    key: str | None
    fingerprint: str
    drive: DriveWindow
    today: date
    lines: list[tuple[Accepted, int]]
    total: int
    note: str
    donor_id: int | None
    new_donor: CleanDonor | None

    def donation(self, principal: Principal, donor_id: int | None) -> dict[str, Any]:
        gift = self.gift
        return {
            "drive_id": self.drive.id,
            "donor_id": donor_id,
            "received_on": gift.received_on,
            "anonymous": gift.anonymous,
            "name_on_receipt": gift.name_on_receipt,
            "cash_amount": gift.cash.amount if gift.cash else None,
            "cash_method": gift.cash.method if gift.cash else None,
            "note": self.note,
            "recorded_by": principal.user_id,
            "created_at": utcnow(),
            "idempotency_key": self.key,
            "request_hash": self.fingerprint if self.key else None,
        }

    def items(self) -> list[dict[str, Any]]:
        return [
            {
                "item_type_id": item_type.id,
                "quantity": line.quantity,
                "unit_value": line.unit_value,
                "value": value,
            }
            for line, (item_type, value) in zip(self.gift.items, self.lines, strict=True)
        ]

    def receipt(self, principal: Principal, replaces: int | None) -> dict[str, Any]:
        return {
            "status": ReceiptStatus.ISSUED,
            "total_value": self.total,
            "issued_at": utcnow(),
            "issued_by": principal.user_id,
            "replaces_id": replaces,
        }

    def postings(self) -> list[Posting]:
        cash = self.gift.cash
        return ([Posting(amount=cash.amount, memo="Tiền mặt/chuyển khoản")] if cash else []) + [
            Posting(amount=value, item_type_id=item_type.id, quantity=line.quantity, memo=item_type.name)
            for line, (item_type, value) in zip(self.gift.items, self.lines, strict=True)
        ]

    def event(
        self, actor: Actor, issued: IssuedNumber | None, donor_id: int | None, replaces: int | None
    ) -> dict[str, Any]:
        """The gift's audit event; without `issued` (the one-statement path) the database adds the
        receipt and its number."""
        after = {
            "drive_id": self.drive.id,
            "donor_id": donor_id,
            "donor_created": self.new_donor is not None,
            "total_value": self.total,
            "replaces": replaces,
        }
        if issued is not None:
            after |= {"book_id": issued.number.book_id, "seq": issued.number.seq}
        return event(
            actor,
            "receipt.issue",
            object_type="receipt",
            object_id=issued.receipt_id if issued else None,
            unit_id=self.drive.unit_id,
            after=after,
        )

    def answer(self, donation_id: int, donor_id: int | None, issued: IssuedNumber) -> Issued:
        gift, number = self.gift, issued.number
        return Issued(
            DonationOut(
                id=donation_id,
                drive_id=self.drive.id,
                received_on=gift.received_on,
                donor_id=donor_id,
                anonymous=gift.anonymous,
                cash=CashOut(gift.cash.amount, gift.cash.method) if gift.cash else None,
                items=[
                    ItemOut(
                        item_type.id,
                        item_type.name,
                        item_type.unit_of_measure,
                        line.quantity,
                        line.unit_value,
                        value,
                    )
                    for line, (item_type, value) in zip(gift.items, self.lines, strict=True)
                ],
                note=self.note,
                receipt=ReceiptRef(
                    issued.receipt_id,
                    number.code,
                    number.seq,
                    number.display,
                    ReceiptStatus.ISSUED,
                    self.total,
                ),
            )
        )


async def _check(
    where: AsyncSession | Driver, principal: Principal, gift: GiftIn, key: str | None
) -> _Checked | Earlier:
    """Every rule a gift must pass, from what `read_context` reads; or the gift this request
    retries."""
    fingerprint = request_hash(gift)
    named_donor = gift.donor.id if gift.donor is not None else None
    context = await read_context(
        where, user_id=principal.user_id, key=key, drive_id=gift.drive_id, donor_id=named_donor
    )
    if earlier := _earlier(context, fingerprint):
        return earlier
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
    lines = await _check_items(where, context.accepted, gift) if gift.items else []
    if gift.cash is None and not lines:
        raise Invalid("Cần nhập số tiền hoặc ít nhất một dòng hàng.", field="cash")
    total = (gift.cash.amount if gift.cash else 0) + sum(value for _, value in lines)
    if total > MAX_AMOUNT:
        raise Invalid("Tổng giá trị biên nhận quá lớn.", field="cash.amount")
    note = " ".join(gift.note.split())
    if len(note) > NOTE_MAX:
        raise Invalid(f"Ghi chú dài quá {NOTE_MAX} ký tự.", field="note")
    new_donor = None
    if named_donor is not None:
        context.check_donor(principal, RECORDERS)
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
    return _Checked(gift, key, fingerprint, drive, today, lines, total, note, named_donor, new_donor)


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
    """Record a gift in the session's write transaction: its checks, then `record` and the ledger."""
    key = check_idempotency_key(idempotency_key)
    if key and session.bind.dialect.name == "postgresql" and _adds_donor(gift):
        # Twin requests with one key that add a donor run one after the other, so the second finds
        # the first's gift before adding the donor again (SQLite's write transaction already
        # serialises them). Other twins meet at the book's row and then at the gift's insert, which
        # inserts nothing once the first has committed: the second is rolled back (`TwinTaken`)
        # and answers the first's receipt.
        await _KEY_LOCK.rows(session, {"key": f"gift:{principal.user_id}:{key}"})
    checked = await _check(session, principal, gift, key)
    if isinstance(checked, Earlier):
        return await _replayed(session, checked)
    donor_id = checked.donor_id
    if checked.new_donor is not None:
        donor_id = (await add_donor(session, actor, checked.drive.unit_id, checked.new_donor, audit=False)).id
    donation_id, issued = await record(
        session,
        checked.donation(principal, donor_id),
        checked.items(),
        checked.receipt(principal, replaces),
        unit_id=checked.drive.unit_id,
        year=checked.today.year,
        book_id=gift.book_id,
    )
    await post(
        session,
        drive_id=checked.drive.id,
        also_lock=also_lock_drive,
        posted_on=gift.received_on,
        source=EntrySource.RECEIPT,
        postings=checked.postings(),
        receipt_id=issued.receipt_id,
        user_id=principal.user_id,
        event=checked.event(actor, issued, donor_id, replaces),
    )
    return checked.answer(donation_id, donor_id, issued)


async def _twin(database: Database, principal: Principal, gift: GiftIn, key: str | None) -> Issued:
    """The answer to a request whose twin (same Idempotency-Key) recorded its gift meanwhile."""
    async with database.standalone() as driver:
        context = await read_context(
            driver, user_id=principal.user_id, key=key, drive_id=gift.drive_id, donor_id=None
        )
    earlier = _earlier(context, request_hash(gift))
    if earlier is None:
        raise Conflict("Idempotency-Key này đang được dùng cho một đóng góp khác.", field="Idempotency-Key")
    return await _replayed(database, earlier)


async def record_gift(
    database: Database, principal: Principal, actor: Actor, gift: GiftIn, *, idempotency_key: str | None
) -> Issued:
    """Record a gift in a transaction of its own. On PostgreSQL a gift from a donor already known (or
    anonymous) is checked and written by one statement (`record_at_once`) on a connection outside any
    transaction; anything else, or SQLite, goes through `issue_gift` in a write transaction."""
    key = check_idempotency_key(idempotency_key)
    try:
        if not database.is_sqlite and not _adds_donor(gift):
            issued = await _record_at_once(database, principal, actor, gift, key)
            if issued is not None:
                return issued
        # No open book answered the one statement: the unit's first gift of the year opens its
        # book, or the refusal is explained, in a write transaction.
        async with database.write() as session:
            return await issue_gift(session, principal, actor, gift, idempotency_key=key)
    except TwinTaken:
        return await _twin(database, principal, gift, key)


async def _record_at_once(
    database: Database, principal: Principal, actor: Actor, gift: GiftIn, key: str | None
) -> Issued | None:
    """`record_gift` in one statement; None when no open book answered and nothing was written."""
    # The write permit before the connection, the order of `Database.write`: holding a connection
    # while waiting for a permit could leave every pooled connection waiting on writers that wait
    # for a connection.
    async with database.writers, database.standalone() as driver:
        checked = await _check(driver, principal, gift, key)
        if isinstance(checked, Earlier):
            written = None
        else:
            written = await record_at_once(
                driver,
                checked.donation(principal, checked.donor_id),
                checked.items(),
                checked.receipt(principal, None),
                unit_id=checked.drive.unit_id,
                year=checked.today.year,
                book_id=gift.book_id,
                posted_on=gift.received_on,
                postings=checked.postings(),
                event=checked.event(actor, None, checked.donor_id, None),
            )
    if isinstance(checked, Earlier):
        return await _replayed(database, checked)
    if written is None:
        return None
    donation_id, issued = written
    return checked.answer(donation_id, checked.donor_id, issued)


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
