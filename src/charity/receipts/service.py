"""Receipts and receipt books: reading them in scope, opening and closing books, voiding receipts."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Select, and_, case, exists, false, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from charity.access import Principal, scope_units
from charity.audit.service import Actor, record
from charity.clock import local_today
from charity.db import contains_words, lock_rows, page_of
from charity.errors import Conflict, Invalid, NotFound
from charity.ledger.service import reverse
from charity.models import (
    BookStatus,
    Donation,
    DonationItem,
    Donor,
    Drive,
    ItemType,
    PaymentMethod,
    Receipt,
    ReceiptBook,
    ReceiptPrint,
    ReceiptStatus,
    ReceiptVerification,
    Role,
    Unit,
    User,
    utcnow,
)
from charity.receipts.numbering import display_number
from charity.receipts.schemas import BookOut, CashOut, ItemOut, PartyOut, ReceiptOut

READERS = (Role.VOLUNTEER, Role.COORDINATOR, Role.AUDITOR)
OVERSEERS = (Role.COORDINATOR, Role.AUDITOR)
REASON_MAX = 500
# The ledger memo of a void quotes its reason; the receipt keeps the reason whole.
MEMO_MAX = 500
BOOK_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$")


@dataclass(frozen=True, slots=True)
class ReceiptFilter:
    drive_id: int | None = None
    book_id: int | None = None
    status: ReceiptStatus | None = None
    date_from: date | None = None
    date_to: date | None = None
    donor_id: int | None = None
    # A receipt's number ("01-2026/00012", or just 12), or words of its donor's name, phone or address.
    query: str = ""
    recorded_by: int | None = None
    method: PaymentMethod | None = None
    not_printed: bool = False


# A number as it is cited, or its number within the book alone (a phone number is longer).
_NUMBER = re.compile(r"(?:([A-Za-z0-9][A-Za-z0-9_-]{0,19})-(\d{4})/)?0*(\d{1,6})")


def _visible(principal: Principal, overseers: tuple[Role, ...] = OVERSEERS) -> Select[tuple[Receipt]]:
    """Coordinators and auditors see the receipts of their scope; a volunteer sees the ones they issued
    in drives of their scope."""
    overseen = Drive.unit_id.in_(scope_units(principal, overseers))
    own = and_(
        Receipt.issued_by == principal.user_id, Drive.unit_id.in_(scope_units(principal, [Role.VOLUNTEER]))
    )
    return (
        select(Receipt)
        .join(Donation, Donation.id == Receipt.donation_id)
        .join(Drive, Drive.id == Donation.drive_id)
        .where(or_(overseen, own))
    )


def _printable(principal: Principal) -> Select[tuple[Receipt]]:
    """Receipts a principal may print in batches: those of the units where they coordinate (an auditor
    reads, and a volunteer prints their own gift's receipt one at a time)."""
    return (
        select(Receipt)
        .join(Donation, Donation.id == Receipt.donation_id)
        .join(Drive, Drive.id == Donation.drive_id)
        .where(Drive.unit_id.in_(scope_units(principal, [Role.COORDINATOR])))
    )


def _filtered(statement: Select[tuple[Receipt]], where: ReceiptFilter) -> Select[tuple[Receipt]]:
    if where.drive_id is not None:
        statement = statement.where(Donation.drive_id == where.drive_id)
    if where.book_id is not None:
        statement = statement.where(Receipt.book_id == where.book_id)
    if where.status is not None:
        statement = statement.where(Receipt.status == where.status)
    if where.date_from is not None:
        statement = statement.where(Donation.received_on >= where.date_from)
    if where.date_to is not None:
        statement = statement.where(Donation.received_on <= where.date_to)
    if where.donor_id is not None:
        statement = statement.where(Donation.donor_id == where.donor_id)
    if where.recorded_by is not None:
        statement = statement.where(Donation.recorded_by == where.recorded_by)
    if where.method is not None:
        statement = statement.where(Donation.cash_method == where.method)
    if where.not_printed:
        statement = statement.where(~exists().where(ReceiptPrint.receipt_id == Receipt.id))
    query = where.query.strip()
    if number := _NUMBER.fullmatch(query):
        code, year, seq = number.groups()
        statement = statement.where(Receipt.seq == int(seq))
        if code:
            book = select(ReceiptBook.id).where(ReceiptBook.code == code, ReceiptBook.year == int(year))
            statement = statement.where(Receipt.book_id.in_(book))
    elif query:
        # An anonymous gift is never found by its donor's name.
        donors = select(Donor.id).where(*contains_words(Donor.search_text, query))
        statement = statement.where(Donation.anonymous == false(), Donation.donor_id.in_(donors))
    return statement


MAX_BATCH = 2000


async def batch_ids(session: AsyncSession, principal: Principal | None, where: ReceiptFilter) -> list[int]:
    """Receipts of a filter in book and number order, for a batch print: those the principal may print,
    or every receipt for the command line on the server (principal None)."""
    base = (
        _printable(principal)
        if principal is not None
        else select(Receipt).join(Donation, Donation.id == Receipt.donation_id)
    )
    statement = _filtered(base, where)
    ids = (
        (
            await session.execute(
                statement.with_only_columns(Receipt.id)
                .order_by(Receipt.book_id, Receipt.seq)
                .limit(MAX_BATCH + 1)
            )
        )
        .scalars()
        .all()
    )
    if len(ids) > MAX_BATCH:
        raise Invalid(f"Mỗi lần in tối đa {MAX_BATCH} biên nhận: hãy thu hẹp bộ lọc.", field="filter")
    return list(ids)


async def printable_ids(session: AsyncSession, principal: Principal, receipt_ids: list[int]) -> list[int]:
    """The receipts asked for, in the order asked, all of them printable by the principal (else 404)."""
    found = set(
        (
            await session.execute(
                _printable(principal).where(Receipt.id.in_(receipt_ids)).with_only_columns(Receipt.id)
            )
        )
        .scalars()
        .all()
    )
    if missing := [receipt_id for receipt_id in receipt_ids if receipt_id not in found]:
        raise NotFound(f"Không có biên nhận mã {missing[0]}.")
    if len(receipt_ids) > MAX_BATCH:
        raise Invalid(f"Mỗi lần in tối đa {MAX_BATCH} biên nhận.", field="ids")
    return list(dict.fromkeys(receipt_ids))


async def list_receipts(
    session: AsyncSession, principal: Principal, where: ReceiptFilter, *, limit: int, offset: int
) -> tuple[list[ReceiptOut], int]:
    ids = _filtered(_visible(principal), where).with_only_columns(Receipt.id)
    page, total = await page_of(session, ids, Receipt.book_id, Receipt.seq, limit=limit, offset=offset)
    return await load(session, page), total


@dataclass(frozen=True, slots=True)
class GoodsTotal:
    name: str
    unit_of_measure: str
    quantity: Decimal
    value: int


@dataclass(frozen=True, slots=True)
class Totals:
    """What the receipts of a filter add up to; a void receipt is counted apart and adds nothing."""

    issued: int
    void: int
    cash: int
    value: int
    goods: list[GoodsTotal]


async def totals(session: AsyncSession, principal: Principal, where: ReceiptFilter) -> Totals:
    filtered = _filtered(_visible(principal), where)
    issued = Receipt.status == ReceiptStatus.ISSUED
    counts = await session.execute(
        filtered.with_only_columns(
            func.count(case((issued, 1))),
            func.count(case((~issued, 1))),
            func.coalesce(func.sum(case((issued, Donation.cash_amount))), 0),
            func.coalesce(func.sum(case((issued, Receipt.total_value))), 0),
        )
    )
    issued_count, void_count, cash, value = counts.one()
    goods = await session.execute(
        select(
            ItemType.name,
            ItemType.unit_of_measure,
            func.sum(DonationItem.quantity),
            func.sum(DonationItem.value),
        )
        .join(ItemType, ItemType.id == DonationItem.item_type_id)
        .where(DonationItem.donation_id.in_(filtered.where(issued).with_only_columns(Receipt.donation_id)))
        .group_by(ItemType.id, ItemType.name, ItemType.unit_of_measure)
        .order_by(ItemType.name)
    )
    # PostgreSQL sums BIGINT into NUMERIC.
    return Totals(
        issued=issued_count,
        void=void_count,
        cash=int(cash),
        value=int(value),
        goods=[
            GoodsTotal(name, unit, Decimal(quantity), int(total)) for name, unit, quantity, total in goods
        ],
    )


async def recorders(session: AsyncSession, principal: Principal) -> list[tuple[int, str]]:
    """Who recorded the gifts whose receipts the principal oversees, for the desk's filter."""
    rows = await session.execute(
        select(User.id, User.full_name, User.username)
        .where(
            User.id.in_(
                select(Donation.recorded_by)
                .join(Drive, Drive.id == Donation.drive_id)
                .where(Drive.unit_id.in_(scope_units(principal, OVERSEERS)))
            )
        )
        .order_by(User.full_name, User.username)
    )
    return [(user_id, full_name or username) for user_id, full_name, username in rows]


NO_RECEIPT = "Không có biên nhận này."


async def get_receipt(session: AsyncSession, principal: Principal, receipt_id: int) -> ReceiptOut:
    found = (await session.execute(_visible(principal).where(Receipt.id == receipt_id))).scalar_one_or_none()
    if found is None:
        raise NotFound(NO_RECEIPT)
    return (await load(session, [receipt_id]))[0]


async def may_issue(session: AsyncSession, principal: Principal, receipt_id: int) -> bool:
    """Whether the principal may hand the receipt's paper out: a coordinator of its unit or the
    volunteer who issued it. An auditor views receipts and never prints them."""
    visible = _visible(principal, (Role.COORDINATOR,)).where(Receipt.id == receipt_id)
    return (await session.execute(visible)).scalar_one_or_none() is not None


async def issuable_id(session: AsyncSession, principal: Principal, receipt_id: int) -> int:
    if not await may_issue(session, principal, receipt_id):
        raise NotFound(NO_RECEIPT)
    return receipt_id


def new_token() -> str:
    """A receipt's public verification token."""
    return secrets.token_urlsafe(16)


async def token_of(session: AsyncSession, receipt_id: int) -> str:
    return (
        await session.execute(
            select(ReceiptVerification.token).where(ReceiptVerification.receipt_id == receipt_id)
        )
    ).scalar_one()


async def receipt_of_token(session: AsyncSession, token: str) -> int | None:
    return (
        await session.execute(
            select(ReceiptVerification.receipt_id).where(ReceiptVerification.token == token[:32])
        )
    ).scalar_one_or_none()


async def load(session: AsyncSession, receipt_ids: list[int]) -> list[ReceiptOut]:
    """Receipts with their gift, drive, unit, donor and goods, in the order of the ids given."""
    if not receipt_ids:
        return []
    replacement = aliased(Receipt)
    rows = (
        await session.execute(
            select(Receipt, Donation, ReceiptBook, Drive, Unit, Donor, replacement.id)
            .join(Donation, Donation.id == Receipt.donation_id)
            .join(ReceiptBook, ReceiptBook.id == Receipt.book_id)
            .join(Drive, Drive.id == Donation.drive_id)
            .join(Unit, Unit.id == Drive.unit_id)
            .outerjoin(Donor, Donor.id == Donation.donor_id)
            .outerjoin(replacement, replacement.replaces_id == Receipt.id)
            .where(Receipt.id.in_(receipt_ids))
        )
    ).all()
    donation_ids = [row[1].id for row in rows]
    items: dict[int, list[ItemOut]] = {donation_id: [] for donation_id in donation_ids}
    for line, item_type in await session.execute(
        select(DonationItem, ItemType)
        .join(ItemType, ItemType.id == DonationItem.item_type_id)
        .where(DonationItem.donation_id.in_(donation_ids))
        .order_by(DonationItem.id)
    ):
        items[line.donation_id].append(
            ItemOut(
                item_type.id,
                item_type.name,
                item_type.unit_of_measure,
                line.quantity,
                line.unit_value,
                line.value,
            )
        )
    by_id = {}
    for receipt, donation, book, drive, unit, donor, replaced_by in rows:
        by_id[receipt.id] = ReceiptOut(
            id=receipt.id,
            book=book.code,
            book_id=book.id,
            year=book.year,
            seq=receipt.seq,
            number=display_number(book.code, book.year, receipt.seq),
            status=ReceiptStatus(receipt.status),
            total_value=receipt.total_value,
            issued_at=receipt.issued_at,
            issued_by=receipt.issued_by,
            donation_id=donation.id,
            received_on=donation.received_on,
            drive=PartyOut(drive.id, drive.name),
            unit=PartyOut(unit.id, unit.name),
            donor=PartyOut(donor.id, donor.name) if donor else None,
            anonymous=donation.anonymous,
            cash=CashOut(donation.cash_amount, PaymentMethod(donation.cash_method), donation.cash_reference)
            if donation.cash_amount
            else None,
            items=items[donation.id],
            note=donation.note,
            void_reason=receipt.void_reason,
            voided_at=receipt.voided_at,
            replaces_id=receipt.replaces_id,
            replaced_by_id=replaced_by,
        )
    return [by_id[receipt_id] for receipt_id in receipt_ids]


def clean_reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise Invalid("Cần ghi lý do hủy biên nhận.", field="reason")
    if len(reason) > REASON_MAX:
        raise Invalid(f"Lý do dài quá {REASON_MAX} ký tự.", field="reason")
    return reason


async def voidable(session: AsyncSession, principal: Principal, receipt_id: int) -> tuple[Receipt, Donation]:
    """A receipt the principal may void (coordinator of the drive's scope) that is not void yet."""
    row = (
        await session.execute(
            select(Receipt, Donation)
            .join(Donation, Donation.id == Receipt.donation_id)
            .join(Drive, Drive.id == Donation.drive_id)
            .where(Receipt.id == receipt_id, Drive.unit_id.in_(scope_units(principal, [Role.COORDINATOR])))
        )
    ).first()
    if row is None:
        raise NotFound("Không có biên nhận này.")
    if row[0].status == ReceiptStatus.VOID:
        raise Conflict("Biên nhận này đã bị hủy trước đó.")
    return row[0], row[1]


async def lock_receipts(session: AsyncSession, receipt_ids: list[int]) -> None:
    """Row locks on receipts, taken in id order (before any book or drive lock of the transaction) so
    that two transactions touching the same receipts queue instead of deadlocking."""
    await session.execute(
        select(Receipt.id)
        .where(Receipt.id.in_(sorted(receipt_ids)))
        .order_by(Receipt.id)
        .with_for_update(key_share=True)
    )


async def void_receipt(
    session: AsyncSession, principal: Principal, actor: Actor, receipt_id: int, reason: str
) -> None:
    """Void an issued receipt: it keeps its number, its gift stops counting (reversing ledger entries),
    and the audit log says who did it and why. Coordinators of the drive's scope only."""
    reason = clean_reason(reason)
    receipt, donation = await voidable(session, principal, receipt_id)
    # Only an issued receipt turns void: of two concurrent voids, the second changes no row.
    changed = await session.execute(
        update(Receipt)
        .where(Receipt.id == receipt.id, Receipt.status == ReceiptStatus.ISSUED)
        .values(
            status=ReceiptStatus.VOID, void_reason=reason, voided_at=utcnow(), voided_by=principal.user_id
        )
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        raise Conflict("Biên nhận này đã bị hủy trước đó.")
    drive = await session.get_one(Drive, donation.drive_id)
    await reverse(
        session,
        drive_id=drive.id,
        receipt_id=receipt.id,
        posted_on=local_today(),
        user_id=principal.user_id,
        memo=f"Hủy biên nhận: {reason}"[:MEMO_MAX],
    )
    await record(
        session,
        actor,
        "receipt.void",
        object_type="receipt",
        object_id=receipt.id,
        unit_id=drive.unit_id,
        before={"status": ReceiptStatus.ISSUED.value},
        after={"status": ReceiptStatus.VOID.value, "reason": reason},
    )


# Receipt books ----------------------------------------------------------------------------------------


async def _book_out(session: AsyncSession, books: list[ReceiptBook]) -> list[BookOut]:
    counts = dict(
        (
            await session.execute(
                select(Receipt.book_id, func.count())
                .where(Receipt.book_id.in_([book.id for book in books]))
                .group_by(Receipt.book_id)
            )
        ).all()
    )
    return [
        BookOut(
            book.id,
            book.unit_id,
            book.year,
            book.code,
            BookStatus(book.status),
            book.next_seq,
            counts.get(book.id, 0),
        )
        for book in books
    ]


def _visible_books(principal: Principal, roles: tuple[Role, ...] = OVERSEERS) -> Select[tuple[ReceiptBook]]:
    return select(ReceiptBook).where(ReceiptBook.unit_id.in_(scope_units(principal, roles)))


async def list_books(
    session: AsyncSession,
    principal: Principal,
    *,
    unit_id: int | None,
    year: int | None,
    limit: int,
    offset: int,
) -> tuple[list[BookOut], int]:
    statement = _visible_books(principal)
    if unit_id is not None:
        statement = statement.where(ReceiptBook.unit_id == unit_id)
    if year is not None:
        statement = statement.where(ReceiptBook.year == year)
    order = (ReceiptBook.year.desc(), ReceiptBook.unit_id, ReceiptBook.code)
    books, total = await page_of(session, statement, *order, limit=limit, offset=offset)
    return await _book_out(session, books), total


async def get_book(
    session: AsyncSession, principal: Principal, book_id: int, roles: tuple[Role, ...] = OVERSEERS
) -> BookOut:
    book = (
        await session.execute(_visible_books(principal, roles).where(ReceiptBook.id == book_id))
    ).scalar_one_or_none()
    if book is None:
        raise NotFound("Không có quyển biên nhận này.")
    return (await _book_out(session, [book]))[0]


async def open_book(
    session: AsyncSession, principal: Principal, actor: Actor, *, unit_id: int, year: int, code: str
) -> BookOut:
    code = code.strip()
    if not BOOK_CODE.fullmatch(code):
        raise Invalid("Mã quyển gồm chữ cái không dấu, chữ số, gạch ngang, tối đa 20 ký tự.", field="code")
    if not 2000 <= year <= local_today().year + 1:
        raise Invalid("Năm của quyển biên nhận không hợp lệ.", field="year")
    unit = (
        await session.execute(
            select(Unit).where(Unit.id == unit_id, Unit.id.in_(scope_units(principal, [Role.COORDINATOR])))
        )
    ).scalar_one_or_none()
    if unit is None:
        raise NotFound("Không có đơn vị này.", field="unit_id")
    exists = (
        await session.execute(
            select(ReceiptBook.id).where(
                ReceiptBook.unit_id == unit_id, ReceiptBook.year == year, ReceiptBook.code == code
            )
        )
    ).first()
    if exists:
        raise Conflict(f"Đơn vị đã có quyển {code} năm {year}.", field="code")
    book = ReceiptBook(unit_id=unit_id, year=year, code=code)
    session.add(book)
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict(f"Đơn vị đã có quyển {code} năm {year}.", field="code") from None
    await record(
        session, actor, "receipt_book.open", object_type="receipt_book", object_id=book.id, unit_id=unit_id,
        after={"year": year, "code": code},
    )  # fmt: skip
    return (await _book_out(session, [book]))[0]


async def close_book(session: AsyncSession, principal: Principal, actor: Actor, book_id: int) -> BookOut:
    await get_book(session, principal, book_id, (Role.COORDINATOR,))
    (book,) = await lock_rows(session, ReceiptBook, [book_id])
    if book.status == BookStatus.CLOSED:
        raise Conflict("Quyển biên nhận này đã đóng.")
    book.status = BookStatus.CLOSED
    await session.flush()
    await record(
        session, actor, "receipt_book.close", object_type="receipt_book", object_id=book.id, unit_id=book.unit_id,
        after={"next_seq": book.next_seq},
    )  # fmt: skip
    return (await _book_out(session, [book]))[0]


async def print_counts(session: AsyncSession, receipt_ids: list[int]) -> dict[int, int]:
    """How many times each receipt was printed (0: never, its original is still to print)."""
    rows = await session.execute(
        select(ReceiptPrint.receipt_id, func.count())
        .where(ReceiptPrint.receipt_id.in_(receipt_ids))
        .group_by(ReceiptPrint.receipt_id)
    )
    return dict.fromkeys(receipt_ids, 0) | dict(rows.all())


async def not_printed_count(session: AsyncSession, principal: Principal) -> int:
    statement = _printable(principal).where(~exists().where(ReceiptPrint.receipt_id == Receipt.id))
    return (await session.execute(select(func.count()).select_from(statement.subquery()))).scalar_one()


@dataclass(frozen=True, slots=True)
class PrintEvent:
    copy_number: int
    printed_by: str
    printed_at: datetime


@dataclass(frozen=True, slots=True)
class History:
    """Who did what to a receipt: who recorded its gift, each print, who voided it."""

    recorded_by: str
    prints: list[PrintEvent]
    voided_by: str


def _person(user: User | None) -> str:
    return (user.full_name or user.username) if user else "dòng lệnh trên máy chủ"


async def history(session: AsyncSession, receipt_id: int) -> History:
    recorder, voider = aliased(User), aliased(User)
    recorded_by, voided_by = (
        await session.execute(
            select(recorder, voider)
            .select_from(Receipt)
            .join(Donation, Donation.id == Receipt.donation_id)
            .join(recorder, recorder.id == Donation.recorded_by)
            .outerjoin(voider, voider.id == Receipt.voided_by)
            .where(Receipt.id == receipt_id)
        )
    ).one()
    prints = await session.execute(
        select(ReceiptPrint, User)
        .outerjoin(User, User.id == ReceiptPrint.printed_by)
        .where(ReceiptPrint.receipt_id == receipt_id)
        .order_by(ReceiptPrint.copy_number)
    )
    return History(
        recorded_by=_person(recorded_by),
        prints=[PrintEvent(done.copy_number, _person(user), done.printed_at) for done, user in prints],
        voided_by=_person(voided_by) if voided_by else "",
    )
