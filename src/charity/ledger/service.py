"""The ledger (sổ quỹ, sổ kho): append-only, hash-chained entries per drive; balances are sums.

This module only ever inserts entries. Nothing here updates or deletes one, and the database refuses
both (triggers from migration 0003); a correction is a new entry that reverses the old one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from charity.ledger.chain import GENESIS_HASH, HASHED_FIELDS, entry_hash
from charity.models import Drive, EntrySource, LedgerEntry, utcnow


@dataclass(frozen=True, slots=True)
class Posting:
    """One line to post: đồng when `item_type_id` is None, otherwise goods with a signed quantity."""

    amount: int
    item_type_id: int | None = None
    quantity: Decimal | None = None
    memo: str = ""


_LAST = (
    select(LedgerEntry.__table__)
    .where(LedgerEntry.drive_id == Drive.id)
    .order_by(LedgerEntry.chain_seq.desc())
    .limit(1)
)
# The chain's last link, read through the drive's row (locked on PostgreSQL) in one statement. The
# lock is FOR NO KEY UPDATE: it must not conflict with the key-share locks that inserting a donation
# (whose foreign key points at the drive) takes, or two gifts of the drive would deadlock.
_CHAIN_HEAD = select(
    _LAST.with_only_columns(LedgerEntry.chain_seq).scalar_subquery(),
    _LAST.with_only_columns(LedgerEntry.hash).scalar_subquery(),
).where(Drive.id == bindparam("drive_id"))
_CHAIN_HEAD_LOCKED = _CHAIN_HEAD.with_for_update(of=Drive.__table__, key_share=True)
_INSERT_ENTRY = insert(LedgerEntry.__table__)


async def post(
    session: AsyncSession,
    *,
    drive_id: int,
    posted_on: date,
    source: EntrySource,
    postings: list[Posting],
    receipt_id: int | None,
    user_id: int | None,
) -> None:
    """Append entries to the drive's chain, one writer at a time: on PostgreSQL the drive's row is
    locked first (after any receipt book, the lock order every writer follows); SQLite's write
    transaction already holds the whole database."""
    if not postings:
        return
    connection = await session.connection()
    head = _CHAIN_HEAD_LOCKED if connection.dialect.name == "postgresql" else _CHAIN_HEAD
    seq, prev_hash = (await connection.execute(head, {"drive_id": drive_id})).one()
    seq, prev_hash = seq or 0, prev_hash or GENESIS_HASH
    now = utcnow()
    rows = []
    for offset, posting in enumerate(postings, start=1):
        row = {
            "drive_id": drive_id,
            "chain_seq": seq + offset,
            "posted_on": posted_on,
            "item_type_id": posting.item_type_id,
            "quantity": posting.quantity,
            "amount": posting.amount,
            "source": source,
            "receipt_id": receipt_id,
            "memo": posting.memo,
            "created_at": now,
            "created_by": user_id,
            "prev_hash": prev_hash,
        }
        prev_hash = entry_hash(row)
        rows.append(row | {"hash": prev_hash})
    await connection.execute(_INSERT_ENTRY, rows)


async def reverse_receipt(
    session: AsyncSession, *, drive_id: int, receipt_id: int, posted_on: date, user_id: int, memo: str
) -> list[LedgerEntry]:
    """Post the opposite of every entry the receipt posted, so its gift no longer counts."""
    originals = (
        await session.execute(
            select(LedgerEntry)
            .where(LedgerEntry.receipt_id == receipt_id, LedgerEntry.source == EntrySource.RECEIPT)
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


@dataclass(frozen=True, slots=True)
class ChainReport:
    entries: int
    first_bad_id: int | None = None
    first_bad_seq: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.first_bad_id is None and not self.problem


async def verify_chain(session: AsyncSession, drive_id: int) -> ChainReport:
    """Walk the drive's chain in order and name the first entry that was altered, removed or inserted."""
    entries = (
        await session.execute(
            select(LedgerEntry).where(LedgerEntry.drive_id == drive_id).order_by(LedgerEntry.chain_seq)
        )
    ).scalars()
    prev_hash, count = GENESIS_HASH, 0
    for expected_seq, entry in enumerate(entries, start=1):
        count += 1
        if entry.chain_seq != expected_seq:
            return ChainReport(
                count, entry.id, entry.chain_seq, f"thiếu dòng số {expected_seq} trước dòng này"
            )
        if entry.prev_hash != prev_hash:
            return ChainReport(count, entry.id, entry.chain_seq, "không nối với dòng trước")
        if entry_hash({name: getattr(entry, name) for name in HASHED_FIELDS}) != entry.hash:
            return ChainReport(count, entry.id, entry.chain_seq, "nội dung đã bị sửa")
        prev_hash = entry.hash
    return ChainReport(count)
