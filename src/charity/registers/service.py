"""Registers (sổ đăng ký) of a scope and a period, read from the receipts themselves: the receipts
register, the voids register, and the receipt-book register with its proof that no number is missing.

Each register is one statement (`…_query`) and one function that turns a row of it into a line
(`…_line`): the JSON API pages the statement and a file export streams the same statement whole, so
both say the same. Days are days in Vietnam: a receipt belongs to the day it was issued there, a
void to the day it was made.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import chain, islice
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Row, Select, String, and_, case, cast, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from charity.access import Principal, scope_units, units_below
from charity.beneficiaries.privacy import code_of
from charity.beneficiaries.registry import scopes_of
from charity.clock import VIETNAM, start_of
from charity.db import page_of_rows
from charity.distributions.recipients import recipients
from charity.drives.service import VERIFIERS, get_drive
from charity.errors import Invalid, NotFound
from charity.ledger.documents import document_number
from charity.models import (
    Distribution,
    DistributionItem,
    DistributionRound,
    DistributionStatus,
    DocumentBook,
    DocumentKind,
    Donation,
    DonationItem,
    Donor,
    Drive,
    ItemType,
    PaymentMethod,
    Purpose,
    Receipt,
    ReceiptBook,
    ReceiptStatus,
    Unit,
    User,
)
from charity.receipts.numbering import display_number
from charity.receipts.printing import goods_text, shown_donor
from charity.registers.schemas import (
    BookLine,
    DistributionLine,
    DistributionTotals,
    GoodsTotal,
    ReceiptLine,
    RegisterKind,
    RegisterTotals,
    VoidLine,
)

LineT = TypeVar("LineT")
ANONYMOUS = "Ẩn danh"
# A book with holes lists its first missing numbers; `missing_count` says how many there are.
MISSING_SHOWN = 50
# The goods lines of a gift come folded into one text column, their fields and lines parted by
# control characters that no stored name holds (charity.text.TYPED).
_FIELD, _LINE = "\x1f", "\x1e"


@dataclass(frozen=True, slots=True)
class RegisterScope:
    """What a register covers: its units (their ids, as a subquery), the drive and the unit it was
    narrowed to if any (which its title names), and a period whose either end may be open."""

    units: Select[tuple[int]]
    drive: Drive | None = None
    unit: Unit | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True, slots=True)
class RegisterFilter:
    """A register as asked for; a value left None narrows nothing."""

    drive_id: int | None = None
    unit_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


async def scope_of(session: AsyncSession, principal: Principal, where: RegisterFilter) -> RegisterScope:
    """The caller's scope as coordinator or auditor, narrowed to a drive and to a unit and the units
    below it; a drive or a unit outside it answers 404, as one that does not exist."""
    if where.date_from is not None and where.date_to is not None and where.date_from > where.date_to:
        raise Invalid("“Từ ngày” phải trước hoặc cùng ngày với “đến ngày”.", field="from")
    units = scope_units(principal, VERIFIERS)
    drive = None
    if where.drive_id is not None:
        drive = await get_drive(session, principal, where.drive_id, VERIFIERS)
    unit = None
    if where.unit_id is not None:
        unit = (
            await session.execute(select(Unit).where(Unit.id == where.unit_id, Unit.id.in_(units)))
        ).scalar_one_or_none()
        if unit is None:
            raise NotFound("Không có đơn vị này.", field="unit_id")
        # A scope holds every unit below each of its units, so this subtree is inside it.
        units = units_below((unit.id,))
    return RegisterScope(units, drive, unit, where.date_from, where.date_to)


def _in_scope(scope: RegisterScope) -> list[ColumnElement[bool]]:
    """Receipts (joined to their gift and drive) of the scope's units, and of its drive if it has one."""
    conditions = [Drive.unit_id.in_(scope.units)]
    if scope.drive is not None:
        conditions.append(Donation.drive_id == scope.drive.id)
    return conditions


def _within(moment: ColumnElement[datetime], scope: RegisterScope) -> list[ColumnElement[bool]]:
    conditions = []
    if scope.date_from is not None:
        conditions.append(moment >= start_of(scope.date_from))
    if scope.date_to is not None:
        conditions.append(moment < start_of(scope.date_to + timedelta(days=1)))
    return conditions


def _name(user: Any) -> ColumnElement[str]:
    return func.coalesce(func.nullif(user.full_name, ""), user.username)


_RECORDER = aliased(User, name="recorder")
_VOIDER = aliased(User, name="voider")
_REPLACEMENT = aliased(Receipt, name="replacement")
_REPLACEMENT_BOOK = aliased(ReceiptBook, name="replacement_book")


def _folded_goods(item: type[DonationItem] | type[DistributionItem], owner: ColumnElement[bool]) -> Any:
    """The goods lines of a gift or a distribution folded into one text column."""
    return (
        select(
            func.aggregate_strings(
                cast(item.id, String)
                + _FIELD
                + cast(item.quantity, String)
                + _FIELD
                + ItemType.unit_of_measure
                + _FIELD
                + ItemType.name,
                _LINE,
            )
        )
        .select_from(item)
        .join(ItemType, ItemType.id == item.item_type_id)
        .where(owner)
        .scalar_subquery()
    )


_GOODS = _folded_goods(DonationItem, DonationItem.donation_id == Donation.id)
# Goods that carry no estimated value (or no goods at all) have none, rather than 0 đ.
_GOODS_VALUE = (
    select(func.nullif(func.sum(DonationItem.value), 0))
    .where(DonationItem.donation_id == Donation.id)
    .scalar_subquery()
)


def _receipts(scope: RegisterScope, *columns: Any) -> Select[Any]:
    """The scope's receipts with what every receipt line shows, and `columns` besides."""
    return (
        select(
            Receipt.id.label("receipt_id"),
            ReceiptBook.code,
            ReceiptBook.year,
            Receipt.seq,
            Receipt.issued_at,
            Receipt.status,
            Drive.id.label("drive_id"),
            Drive.name.label("drive"),
            Donor.name.label("donor"),
            Donation.anonymous,
            Donation.cash_amount,
            _GOODS.label("goods"),
            _GOODS_VALUE.label("goods_value"),
            _REPLACEMENT_BOOK.code.label("replacement_code"),
            _REPLACEMENT_BOOK.year.label("replacement_year"),
            _REPLACEMENT.seq.label("replacement_seq"),
            *columns,
        )
        .select_from(Receipt)
        .join(Donation, Donation.id == Receipt.donation_id)
        .join(Drive, Drive.id == Donation.drive_id)
        .join(ReceiptBook, ReceiptBook.id == Receipt.book_id)
        .outerjoin(Donor, Donor.id == Donation.donor_id)
        .outerjoin(_REPLACEMENT, _REPLACEMENT.replaces_id == Receipt.id)
        .outerjoin(_REPLACEMENT_BOOK, _REPLACEMENT_BOOK.id == _REPLACEMENT.book_id)
        .where(*_in_scope(scope))
    )


@dataclass(frozen=True, slots=True)
class _Goods:
    name: str
    unit_of_measure: str
    quantity: Decimal


def _goods(folded: str | None) -> str:
    """A gift's goods in words, from its lines folded into one column, in the order they were given."""
    if not folded:
        return ""
    lines = sorted((line.split(_FIELD) for line in folded.split(_LINE)), key=lambda fields: int(fields[0]))
    return goods_text(_Goods(name, unit, Decimal(quantity)) for _, quantity, unit, name in lines)


def _replaced_by(row: Row[Any]) -> str | None:
    if row.replacement_seq is None:
        return None
    return display_number(row.replacement_code, row.replacement_year, row.replacement_seq)


def _day(moment: datetime) -> date:
    return moment.astimezone(VIETNAM).date()


def receipts_register_query(scope: RegisterScope) -> Select[Any]:
    """Every receipt issued in the period, by book and number."""
    return (
        _receipts(
            scope,
            Donation.cash_method,
            Receipt.void_reason,
            _name(_RECORDER).label("recorded_by"),
        )
        .join(_RECORDER, _RECORDER.id == Donation.recorded_by)
        .where(*_within(Receipt.issued_at, scope))
        .order_by(ReceiptBook.year, ReceiptBook.code, ReceiptBook.id, Receipt.seq)
    )


def receipt_line(row: Row[Any]) -> ReceiptLine:
    return ReceiptLine(
        receipt_id=row.receipt_id,
        number=display_number(row.code, row.year, row.seq),
        issued_on=_day(row.issued_at),
        drive_id=row.drive_id,
        drive=row.drive,
        donor=shown_donor(row.donor, row.anonymous) or ANONYMOUS,
        anonymous=row.anonymous,
        cash=row.cash_amount or 0,
        cash_method=PaymentMethod(row.cash_method) if row.cash_method else None,
        goods=_goods(row.goods),
        # PostgreSQL sums BIGINT into NUMERIC.
        goods_value=int(row.goods_value) if row.goods_value is not None else None,
        status=ReceiptStatus(row.status),
        void_reason=row.void_reason,
        replaced_by=_replaced_by(row),
        recorded_by=row.recorded_by,
    )


def voids_register_query(scope: RegisterScope) -> Select[Any]:
    """Every receipt voided in the period, in the order the voids were made."""
    return (
        _receipts(
            scope,
            Receipt.voided_at,
            Receipt.void_reason,
            _name(_VOIDER).label("voided_by"),
        )
        .outerjoin(_VOIDER, _VOIDER.id == Receipt.voided_by)
        .where(Receipt.status == ReceiptStatus.VOID, *_within(Receipt.voided_at, scope))
        .order_by(Receipt.voided_at, Receipt.id)
    )


def void_line(row: Row[Any]) -> VoidLine:
    return VoidLine(
        receipt_id=row.receipt_id,
        number=display_number(row.code, row.year, row.seq),
        issued_on=_day(row.issued_at),
        voided_on=_day(row.voided_at),
        drive_id=row.drive_id,
        drive=row.drive,
        donor=shown_donor(row.donor, row.anonymous) or ANONYMOUS,
        anonymous=row.anonymous,
        cash=row.cash_amount or 0,
        goods=_goods(row.goods),
        goods_value=int(row.goods_value) if row.goods_value is not None else None,
        reason=row.void_reason,
        # A void always names its coordinator; the command line on the server voids nothing.
        voided_by=row.voided_by or "",
        replaced_by=_replaced_by(row),
    )


_HELD = aliased(Receipt, name="held")


def books_register_query(scope: RegisterScope) -> Select[Any]:
    """Every receipt book that issued receipts of the scope in the period: the numbers it used then,
    and how many numbers from 1 to the last of them no receipt of the book holds (of any drive, on
    any day). A book's numbers are unique (a constraint), so there is none missing exactly when as
    many receipts hold a number up to the last as the last number says."""
    used = (
        select(
            Receipt.book_id,
            func.min(Receipt.seq).label("first"),
            func.max(Receipt.seq).label("last"),
            func.count().label("issued"),
            func.count(case((Receipt.status == ReceiptStatus.VOID, 1))).label("voided"),
        )
        .join(Donation, Donation.id == Receipt.donation_id)
        .join(Drive, Drive.id == Donation.drive_id)
        .where(*_in_scope(scope), *_within(Receipt.issued_at, scope))
        .group_by(Receipt.book_id)
        .subquery("used")
    )
    held = (
        select(func.count())
        .where(_HELD.book_id == used.c.book_id, _HELD.seq <= used.c.last)
        .scalar_subquery()
    )
    # Each hole, as the numbers between a held number and the one held before it (0 before the first).
    numbered = (
        select(
            _HELD.seq,
            func.lag(_HELD.seq, 1, 0).over(order_by=_HELD.seq).label("before"),
        )
        .where(_HELD.book_id == used.c.book_id, _HELD.seq <= used.c.last)
        .correlate(used)
        .subquery("numbered")
    )
    holes = (
        select(
            (numbered.c.before + 1).label("low"),
            (numbered.c.seq - 1).label("high"),
        )
        .where(numbered.c.seq - numbered.c.before > 1)
        .order_by(numbered.c.seq)
        # Each hole lacks one number at least: these are enough for the numbers shown.
        .limit(MISSING_SHOWN)
        .subquery("holes")
    )
    missing = select(
        func.aggregate_strings(cast(holes.c.low, String) + "-" + cast(holes.c.high, String), ",")
    ).scalar_subquery()
    return (
        select(
            ReceiptBook.id.label("book_id"),
            ReceiptBook.code,
            ReceiptBook.year,
            Unit.id.label("unit_id"),
            Unit.name.label("unit"),
            used.c.first,
            used.c.last,
            used.c.issued,
            used.c.voided,
            (used.c.last - held).label("missing_count"),
            missing.label("missing"),
        )
        .select_from(used)
        .join(ReceiptBook, ReceiptBook.id == used.c.book_id)
        .join(Unit, Unit.id == ReceiptBook.unit_id)
        .order_by(ReceiptBook.year, ReceiptBook.code, ReceiptBook.id)
    )


def _numbers(holes: str | None) -> list[int]:
    """The first missing numbers, from holes written "low-high,low-high" (in no particular order)."""
    if not holes:
        return []
    bounds = sorted(tuple(map(int, hole.split("-"))) for hole in holes.split(","))
    return list(islice(chain.from_iterable(range(low, high + 1) for low, high in bounds), MISSING_SHOWN))


def book_line(row: Row[Any]) -> BookLine:
    return BookLine(
        book_id=row.book_id,
        code=row.code,
        year=row.year,
        unit_id=row.unit_id,
        unit=row.unit,
        first=row.first,
        last=row.last,
        issued=row.issued,
        voided=row.voided,
        gapless=row.missing_count == 0,
        missing_count=row.missing_count,
        missing=_numbers(row.missing),
    )


def missing_text(line: BookLine) -> str:
    """A book's missing numbers as a person reads them: the first ones, and how many more."""
    more = line.missing_count - len(line.missing)
    return ", ".join(map(str, line.missing)) + (f" và {more} số khác" if more > 0 else "")


_GIVEN_GOODS = _folded_goods(DistributionItem, DistributionItem.distribution_id == Distribution.id)


def _given_within(scope: RegisterScope) -> list[ColumnElement[bool]]:
    """A distribution belongs to the day it was handed over; one never handed over (planned, or
    voided before) to the day it was numbered in Vietnam."""
    handed, created = Distribution.handed_over_on, Distribution.created_at
    conditions = []
    if scope.date_from is not None:
        conditions.append(
            or_(handed >= scope.date_from, and_(handed.is_(None), created >= start_of(scope.date_from)))
        )
    if scope.date_to is not None:
        conditions.append(
            or_(
                handed <= scope.date_to,
                and_(handed.is_(None), created < start_of(scope.date_to + timedelta(days=1))),
            )
        )
    return conditions


def distributions_register_query(scope: RegisterScope) -> Select[Any]:
    """Every distribution numbered (a round's lines once approved) of the scope in the period, by
    book and number."""
    conditions = [Drive.unit_id.in_(scope.units), *_given_within(scope)]
    if scope.drive is not None:
        conditions.append(Distribution.drive_id == scope.drive.id)
    return (
        select(
            Distribution.id.label("distribution_id"),
            DocumentBook.year,
            Distribution.seq,
            Distribution.handed_over_on,
            Drive.id.label("drive_id"),
            Drive.name.label("drive"),
            DistributionRound.id.label("round_id"),
            DistributionRound.title.label("round"),
            Distribution.beneficiary_id,
            Distribution.group_place,
            Distribution.group_count,
            Distribution.group_description,
            Distribution.purpose,
            Distribution.cash_amount,
            Distribution.cash_method,
            _GIVEN_GOODS.label("goods"),
            Distribution.total_value,
            Distribution.status,
            Distribution.void_reason,
        )
        .select_from(Distribution)
        .join(Drive, Drive.id == Distribution.drive_id)
        # A draft line of a round has no number yet: it is not in any book.
        .join(DocumentBook, DocumentBook.id == Distribution.book_id)
        .outerjoin(DistributionRound, DistributionRound.id == Distribution.round_id)
        .where(*conditions)
        .order_by(DocumentBook.year, DocumentBook.id, Distribution.seq)
    )


def group_text(place: str, count: int, description: str) -> str:
    """A counted group as the register names it: "Bệnh nhân khoa Nội, Bệnh viện Đa khoa tỉnh: 250"."""
    return f"{description}, {place}: {count}" if description else f"{place}: {count}"


def distribution_line(row: Row[Any]) -> DistributionLine:
    return DistributionLine(
        distribution_id=row.distribution_id,
        number=document_number(DocumentKind.DISTRIBUTION, row.year, row.seq),
        handed_over_on=row.handed_over_on,
        drive_id=row.drive_id,
        drive=row.drive,
        round_id=row.round_id,
        round=row.round or "",
        beneficiary_id=row.beneficiary_id,
        recipient_code=code_of(row.beneficiary_id) if row.beneficiary_id else "",
        # A beneficiary's name is filled in as the caller may see it (`_recipients`).
        recipient=""
        if row.beneficiary_id
        else group_text(row.group_place, row.group_count, row.group_description),
        group_count=row.group_count,
        purpose=Purpose(row.purpose),
        cash=row.cash_amount or 0,
        cash_method=PaymentMethod(row.cash_method) if row.cash_method else None,
        goods=_goods(row.goods),
        value=int(row.total_value) if row.total_value is not None else None,
        status=DistributionStatus(row.status),
        void_reason=row.void_reason,
    )


async def _recipients(session: AsyncSession, principal: Principal, lines: list[DistributionLine]) -> None:
    """Name each line's beneficiary as the caller's role may see them (the registry decides)."""
    ids = [line.beneficiary_id for line in lines if line.beneficiary_id is not None]
    if not ids:
        return
    seen = await recipients(session, await scopes_of(session, principal), ids)
    for line in lines:
        if line.beneficiary_id is not None and line.beneficiary_id in seen:
            line.recipient = seen[line.beneficiary_id].name


async def distributions_totals(session: AsyncSession, scope: RegisterScope) -> DistributionTotals:
    """What the distributions register adds up to: what was handed over, per asset."""
    lines = distributions_register_query(scope).order_by(None).subquery()
    given = lines.c.status == DistributionStatus.HANDED_OVER
    row = (
        await session.execute(
            select(
                func.count(),
                func.count(case((lines.c.status == DistributionStatus.PLANNED, 1))),
                func.count(case((lines.c.status == DistributionStatus.VOID, 1))),
                func.coalesce(func.sum(case((given, lines.c.cash_amount))), 0),
                func.coalesce(func.sum(case((given, lines.c.total_value))), 0),
            )
        )
    ).one()
    goods = await session.execute(
        select(
            ItemType.id,
            ItemType.name,
            ItemType.unit_of_measure,
            func.sum(DistributionItem.quantity),
            func.coalesce(func.sum(DistributionItem.value), 0),
        )
        .join(ItemType, ItemType.id == DistributionItem.item_type_id)
        .where(DistributionItem.distribution_id.in_(select(lines.c.distribution_id).where(given)))
        .group_by(ItemType.id, ItemType.name, ItemType.unit_of_measure)
        .order_by(ItemType.name, ItemType.id)
    )
    # PostgreSQL sums BIGINT into NUMERIC.
    return DistributionTotals(
        lines=row[0],
        planned=row[1],
        voided=row[2],
        cash=int(row[3]),
        value=int(row[4]),
        goods=[
            GoodsTotal(item_type_id, name, unit, Decimal(quantity), int(value))
            for item_type_id, name, unit, quantity, value in goods
        ],
    )


async def _as_read(session: AsyncSession, principal: Principal, lines: list[Any]) -> None:
    """Lines that need nothing more than their row."""


@dataclass(frozen=True, slots=True)
class Register(Generic[LineT]):
    """A register: its statement for a scope, how a row of it reads as a line, and what a batch of
    lines needs besides its rows (the recipients' names as the caller may see them)."""

    query: Callable[[RegisterScope], Select[Any]]
    line: Callable[[Row[Any]], LineT]
    finish: Callable[[AsyncSession, Principal, list[LineT]], Awaitable[None]] = _as_read

    async def lines(
        self, session: AsyncSession, principal: Principal, rows: Iterable[Row[Any]]
    ) -> list[LineT]:
        lines = [self.line(row) for row in rows]
        await self.finish(session, principal, lines)
        return lines


REGISTERS: dict[RegisterKind, Register[Any]] = {
    RegisterKind.RECEIPTS: Register(receipts_register_query, receipt_line),
    RegisterKind.VOIDS: Register(voids_register_query, void_line),
    RegisterKind.BOOKS: Register(books_register_query, book_line),
    RegisterKind.DISTRIBUTIONS: Register(distributions_register_query, distribution_line, _recipients),
}


async def page(
    session: AsyncSession,
    principal: Principal,
    register: Register[LineT],
    scope: RegisterScope,
    *,
    limit: int,
    offset: int,
) -> tuple[list[LineT], int]:
    """One page of a register's lines, in its order, and how many lines it has in all."""
    rows, total = await page_of_rows(session, register.query(scope), limit=limit, offset=offset)
    return await register.lines(session, principal, rows), total


async def _totals(session: AsyncSession, statement: Select[Any], *, voids_add: bool) -> RegisterTotals:
    lines = statement.order_by(None).subquery()
    voided = lines.c.status == ReceiptStatus.VOID
    counted = true() if voids_add else ~voided
    row = (
        await session.execute(
            select(
                func.count(),
                func.count(case((voided, 1))),
                func.coalesce(func.sum(case((counted, lines.c.cash_amount))), 0),
                func.coalesce(func.sum(case((counted, lines.c.goods_value))), 0),
            )
        )
    ).one()
    # PostgreSQL sums BIGINT into NUMERIC.
    return RegisterTotals(lines=row[0], voided=row[1], cash=int(row[2]), goods_value=int(row[3]))


async def receipts_totals(session: AsyncSession, scope: RegisterScope) -> RegisterTotals:
    """What the receipts register adds up to: a void receipt is counted apart and adds nothing."""
    return await _totals(session, receipts_register_query(scope), voids_add=False)


async def voids_totals(session: AsyncSession, scope: RegisterScope) -> RegisterTotals:
    """What the voids register adds up to: what was voided."""
    return await _totals(session, voids_register_query(scope), voids_add=True)
