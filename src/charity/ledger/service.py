"""The ledger (sổ quỹ, sổ kho): append-only, hash-chained entries per drive; balances are sums.

This module only ever inserts entries. Nothing here updates or deletes one, and the database refuses
both (triggers from migration 0003); a correction is a new entry that reverses the old one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import NamedTuple

from sqlalchemy import RowMapping, bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from charity.clock import format_month
from charity.errors import Conflict
from charity.ledger.chain import GENESIS_HASH, entry_hash
from charity.models import ClosedPeriod, Drive, DriveStatus, EntrySource, ItemType, LedgerEntry, Unit, utcnow
from charity.money import canonical_quantity, format_quantity, format_vnd

PERIOD_CLOSED = "period_closed"
SHORT = "short_of_stock"


@dataclass(frozen=True, slots=True)
class Posting:
    """One line to post: đồng when `item_type_id` is None, otherwise goods with a signed quantity."""

    amount: int
    item_type_id: int | None = None
    quantity: Decimal | None = None
    memo: str = ""


# The drive's chain end (last sequence number and hash), locked for the writer who appends. A locking
# read returns the row as the writer before us left it, so the end is current even after waiting.
# FOR NO KEY UPDATE does not conflict with the key-share locks that inserting a donation (which points
# at the drive) takes.
_CHAIN_END = (
    select(
        Drive.ledger_seq,
        Drive.ledger_hash,
        Drive.name,
        Drive.status,
        Drive.starts_on,
        Drive.ends_on,
        Drive.unit_id,
    )
    .where(Drive.id == bindparam("drive_id"))
    .with_for_update(key_share=True)
)
_MOVE_CHAIN_END = (
    update(Drive)
    .where(Drive.id == bindparam("drive_id"))
    .values(ledger_seq=bindparam("new_seq"), ledger_hash=bindparam("new_hash"))
)
_INSERT_ENTRIES = insert(LedgerEntry.__table__)
# The month a posting falls in, if its drive's unit closed it (and nobody reopened it).
_CLOSED_MONTH = (
    select(ClosedPeriod.id, Unit.name)
    .join(Unit, Unit.id == ClosedPeriod.unit_id)
    .where(
        ClosedPeriod.unit_id == bindparam("unit_id"),
        ClosedPeriod.month == bindparam("month"),
        ClosedPeriod.reopened_at.is_(None),
    )
)


class PeriodClosed(Conflict):
    """The posting's date is inside a month its drive's unit has closed."""

    def __init__(self, period_id: int, unit_id: int, unit_name: str, month: date) -> None:
        super().__init__(
            f"Tháng {format_month(month)} của {unit_name} đã khóa sổ: không thể ghi, hủy hay thay thế"
            " biên nhận có ngày trong kỳ này.",
            code=PERIOD_CLOSED,
            facts={"period_id": period_id, "unit_id": unit_id, "month": month.strftime("%Y-%m")},
        )


class Short(Conflict):
    """Taking this out would leave the drive holding less than nothing of an asset."""

    def __init__(self, drive_name: str, held: str, asked: str, facts: dict[str, object]) -> None:
        super().__init__(
            f"Cuộc vận động «{drive_name}» chỉ còn {held}, không đủ để xuất {asked}.", code=SHORT, facts=facts
        )


class LockedDrive(NamedTuple):
    """The drive as it is once locked for posting: what a rule checked before may have changed while
    the posting waited for the lock (a drive closed meanwhile takes no more gifts)."""

    ledger_seq: int
    ledger_hash: str
    name: str
    status: DriveStatus
    starts_on: date
    ends_on: date
    unit_id: int


async def _lock(session: AsyncSession, drive_id: int) -> LockedDrive:
    row = (await session.execute(_CHAIN_END, {"drive_id": drive_id})).first()
    if row is None:
        raise LookupError(f"drive {drive_id} does not exist")
    return LockedDrive(*row)


async def lock(session: AsyncSession, *drive_ids: int) -> None:
    """Lock drives for posting, in id order as every writer does: a transfer posts to two."""
    for drive_id in sorted(set(drive_ids)):
        await _lock(session, drive_id)


async def lock_drives_of(session: AsyncSession, unit_id: int) -> None:
    """Lock every drive the unit owns, in id order, as posting locks one: closing a month of the unit
    holds them until it commits, so a posting either went in before the close or waits for it and
    then sees the month closed."""
    drive_ids = await session.scalars(select(Drive.id).where(Drive.unit_id == unit_id).order_by(Drive.id))
    for drive_id in drive_ids.all():
        await _lock(session, drive_id)


async def _refuse_closed_month(session: AsyncSession, drive: LockedDrive, posted_on: date) -> None:
    month = posted_on.replace(day=1)
    row = (await session.execute(_CLOSED_MONTH, {"unit_id": drive.unit_id, "month": month})).first()
    if row is not None:
        raise PeriodClosed(row.id, drive.unit_id, row.name, month)


async def post(
    session: AsyncSession,
    *,
    drive_id: int,
    posted_on: date,
    source: EntrySource,
    postings: list[Posting],
    user_id: int | None,
    receipt_id: int | None = None,
    distribution_id: int | None = None,
    movement_id: int | None = None,
    also_lock: int | None = None,
    check: Callable[[LockedDrive], None] | None = None,
) -> None:
    """Append entries to the drive's chain, one writer at a time: the drive's row is locked first
    (after any receipt book, the lock order every writer follows; on SQLite the write transaction
    already holds the whole database). Under that lock a posting dated in a month the drive's unit
    has closed is refused (`PeriodClosed`: closing takes the same lock, see `lock_drives_of`), and
    `check` refuses it if the drive, as locked, no longer allows it, and a posting that would leave
    less than nothing of any asset it takes is refused (`Short`). The entries name the document
    that posts them. `also_lock` is another drive this transaction will post to next (a replacement
    in another drive): both are locked now, in id order."""
    if not postings:
        return
    if also_lock is not None and also_lock < drive_id:
        await _lock(session, also_lock)
    drive = await _lock(session, drive_id)
    await _refuse_closed_month(session, drive, posted_on)
    if check is not None:
        check(drive)
    await require(session, drive_id, _taken(postings), drive=drive)
    if also_lock is not None and also_lock > drive_id:
        await _lock(session, also_lock)
    seq, prev_hash = drive.ledger_seq, drive.ledger_hash
    now = utcnow()
    entries = []
    for posting in postings:
        seq += 1
        entry = {
            "drive_id": drive_id,
            "chain_seq": seq,
            "posted_on": posted_on,
            "item_type_id": posting.item_type_id,
            "quantity": posting.quantity,
            "amount": posting.amount,
            "source": source,
            "receipt_id": receipt_id,
            "distribution_id": distribution_id,
            "movement_id": movement_id,
            "memo": posting.memo,
            "created_at": now,
            "created_by": user_id,
            "prev_hash": prev_hash,
        }
        prev_hash = entry_hash(entry)
        entries.append(entry | {"hash": prev_hash})
    await session.execute(_INSERT_ENTRIES, entries)
    await session.execute(_MOVE_CHAIN_END, {"drive_id": drive_id, "new_seq": seq, "new_hash": prev_hash})


async def reverse(
    session: AsyncSession,
    *,
    drive_id: int,
    posted_on: date,
    user_id: int,
    memo: str,
    receipt_id: int | None = None,
    distribution_id: int | None = None,
) -> None:
    """Post the opposite of every entry the document (a receipt or a distribution) posted to the
    drive, so that it no longer counts."""
    document = (
        LedgerEntry.receipt_id == receipt_id
        if receipt_id is not None
        else LedgerEntry.distribution_id == distribution_id
    )
    originals = (
        await session.execute(
            select(LedgerEntry)
            .where(document, LedgerEntry.drive_id == drive_id, LedgerEntry.source != EntrySource.VOID)
            .order_by(LedgerEntry.chain_seq)
        )
    ).scalars()
    postings = [
        Posting(
            amount=-entry.amount,
            item_type_id=entry.item_type_id,
            quantity=-entry.quantity if entry.quantity is not None else None,
            memo=memo,
        )
        for entry in originals
    ]
    await post(
        session,
        drive_id=drive_id,
        posted_on=posted_on,
        source=EntrySource.VOID,
        postings=postings,
        receipt_id=receipt_id,
        distribution_id=distribution_id,
        user_id=user_id,
    )


@dataclass(frozen=True, slots=True)
class Balance:
    item_type_id: int | None
    quantity: Decimal | None
    amount: int


async def balances(session: AsyncSession, drive_id: int) -> list[Balance]:
    """What the drive holds per asset (đồng first, then each item type): sums of its entries."""
    rows = await session.execute(
        select(LedgerEntry.item_type_id, func.sum(LedgerEntry.quantity), func.sum(LedgerEntry.amount))
        .where(LedgerEntry.drive_id == drive_id)
        .group_by(LedgerEntry.item_type_id)
        .order_by(LedgerEntry.item_type_id.is_not(None), LedgerEntry.item_type_id)
    )
    return [
        Balance(item_type_id, Decimal(quantity) if quantity is not None else None, int(amount or 0))
        for item_type_id, quantity, amount in rows
    ]


# An asset: đồng (None) or an item type's id.
Asset = int | None


def _taken(postings: list[Posting]) -> dict[Asset, Decimal]:
    """What the postings take out, per asset, net of what they bring in: đồng, or a quantity."""
    net: dict[Asset, Decimal] = {}
    for posting in postings:
        change = Decimal(posting.amount) if posting.item_type_id is None else posting.quantity or Decimal(0)
        net[posting.item_type_id] = net.get(posting.item_type_id, Decimal(0)) + change
    return {asset: -change for asset, change in net.items() if change < 0}


async def held(session: AsyncSession, drive_id: int, asset: Asset) -> tuple[Decimal, int]:
    """What the drive holds of one asset, as quantity and value (for đồng both are the amount)."""
    quantity, amount = (
        await session.execute(
            select(func.sum(LedgerEntry.quantity), func.sum(LedgerEntry.amount)).where(
                LedgerEntry.drive_id == drive_id,
                LedgerEntry.item_type_id.is_(None) if asset is None else LedgerEntry.item_type_id == asset,
            )
        )
    ).one()
    amount = int(amount or 0)
    return (Decimal(amount) if asset is None else Decimal(quantity or 0)), amount


async def _short(session: AsyncSession, drive_name: str, asset: Asset, has: Decimal, asked: Decimal) -> Short:
    facts: dict[str, object] = {"item_type_id": asset}
    if asset is None:
        facts |= {"item": "đồng", "held": int(has), "asked": int(asked)}
        return Short(drive_name, f"{format_vnd(int(has))} tiền", format_vnd(int(asked)), facts)
    name, unit = (
        await session.execute(select(ItemType.name, ItemType.unit_of_measure).where(ItemType.id == asset))
    ).one()
    facts |= {
        "item": name,
        "unit_of_measure": unit,
        "held": canonical_quantity(has),
        "asked": canonical_quantity(asked),
    }
    return Short(
        drive_name, f"{format_quantity(has)} {unit} {name}", f"{format_quantity(asked)} {unit}", facts
    )


async def require(
    session: AsyncSession, drive_id: int, needs: dict[Asset, Decimal], *, drive: LockedDrive | None = None
) -> None:
    """Refuse (`Short`, naming the asset, what is held and what was asked) unless the drive holds at
    least what is needed of every asset. The drive is locked first, so that what is held cannot
    change before the transaction that takes it commits."""
    drive = drive or await _lock(session, drive_id)
    for asset, asked in needs.items():
        has, _ = await held(session, drive_id, asset)
        if has < asked:
            raise await _short(session, drive.name, asset, has, asked)


async def take_out(
    session: AsyncSession, drive_id: int, asset: Asset, quantity: Decimal, memo: str
) -> Posting:
    """The posting that takes `quantity` of an asset out of the drive (for đồng, an amount) at its
    book value: goods leave at the average value of what is held, and the last of them with all the
    value left, so that the value held reaches 0 with the quantity. Under the drive's lock; refused
    (`Short`) when the drive holds less."""
    drive = await _lock(session, drive_id)
    has, value = await held(session, drive_id, asset)
    if has < quantity:
        raise await _short(session, drive.name, asset, has, quantity)
    if asset is None:
        return Posting(amount=-int(quantity), memo=memo)
    share = value if quantity == has else (value * quantity / has).quantize(Decimal(1), ROUND_HALF_UP)
    return Posting(amount=-int(share), item_type_id=asset, quantity=-quantity, memo=memo)


@dataclass(frozen=True, slots=True)
class Mark:
    """An entry as a printout of the chain cites it."""

    seq: int
    hash: str
    posted_on: date
    created_at: datetime


class Problem(StrEnum):
    CONTENT_CHANGED = "content_changed"
    ENTRY_MISSING = "entry_missing"
    ENTRY_INSERTED = "entry_inserted"
    CHAIN_CUT = "chain_cut"


@dataclass(frozen=True, slots=True)
class ChainReport:
    """A drive's chain walked from its first entry: how many entries, the first and the last, whether
    they end where the drive says its chain ends, and the first entry that is wrong and how."""

    entries: int
    head_seq: int  # the chain end kept on the drive
    head_hash: str
    first: Mark | None = None
    last: Mark | None = None
    first_bad_id: int | None = None
    first_bad_seq: int | None = None
    kind: Problem | None = None
    problem: str = ""
    # The entry asked for (`verify_chain`'s `at`), as it is now, when the chain verifies up to it.
    at: Mark | None = None

    @property
    def intact(self) -> bool:
        return self.kind is None

    @property
    def head_matches(self) -> bool:
        last = (self.last.seq, self.last.hash) if self.last else (0, GENESIS_HASH)
        return self.intact and last == (self.head_seq, self.head_hash)


_ENTRIES = LedgerEntry.__table__
# Rows are fetched from the database in batches of this many: one hop across the async boundary each.
_BATCH = 2_000


def _mark(entry: RowMapping) -> Mark:
    return Mark(entry["chain_seq"], entry["hash"], entry["posted_on"], entry["created_at"])


async def verify_chain(session: AsyncSession, drive_id: int, at: int | None = None) -> ChainReport:
    """Walk the drive's chain in order and name the first entry that was altered, removed or inserted.
    The chain end kept on the drive is read first, and the chain up to it: entries are appended
    while it runs, and each statement sees what was committed before it began. The entries are
    streamed as plain rows, never all held at once. `at` names an entry to give back as it is now
    (a printout's chain end, to compare)."""
    drive = await session.get_one(Drive, drive_id)
    rows = await session.stream(
        select(_ENTRIES)
        .where(_ENTRIES.c.drive_id == drive_id, _ENTRIES.c.chain_seq <= drive.ledger_seq)
        .order_by(_ENTRIES.c.chain_seq)
        .execution_options(yield_per=_BATCH)
    )
    head = {"head_seq": drive.ledger_seq, "head_hash": drive.ledger_hash}
    prev_hash, count, first, last, marked = GENESIS_HASH, 0, None, None, None

    def broken(entry: RowMapping, kind: Problem, problem: str) -> ChainReport:
        return ChainReport(
            count,
            **head,
            first=first,
            last=last,
            at=marked,
            first_bad_id=entry["id"],
            first_bad_seq=entry["chain_seq"],
            kind=kind,
            problem=problem,
        )

    async for batch in rows.mappings().partitions():
        for entry in batch:
            count += 1
            first = first or _mark(entry)
            if entry["chain_seq"] != count:
                return broken(entry, Problem.ENTRY_MISSING, f"thiếu dòng số {count} trước dòng này")
            if entry["prev_hash"] != prev_hash:
                return broken(
                    entry, Problem.ENTRY_INSERTED, "không nối với dòng trước: một dòng đã bị chèn hoặc thay"
                )
            if entry_hash(entry) != entry["hash"]:
                return broken(entry, Problem.CONTENT_CHANGED, "nội dung đã bị sửa")
            prev_hash, last = entry["hash"], _mark(entry)
            if count == at:
                marked = last
    if (count, prev_hash) != (drive.ledger_seq, drive.ledger_hash):
        return ChainReport(
            count,
            **head,
            first=first,
            last=last,
            at=marked,
            first_bad_seq=count + 1 if count < drive.ledger_seq else count,
            kind=Problem.CHAIN_CUT,
            problem=f"sổ phải có {drive.ledger_seq} dòng, chỉ còn {count}: các dòng cuối đã bị xóa"
            if count < drive.ledger_seq
            else "dòng cuối không khớp với điểm cuối của sổ ghi trên cuộc vận động",
        )
    return ChainReport(count, **head, first=first, last=last, at=marked)
