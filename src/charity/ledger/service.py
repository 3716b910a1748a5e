"""The ledger (sổ quỹ, sổ kho): append-only, hash-chained entries per drive; balances are sums.

This module only ever inserts entries. Nothing here updates or deletes one, and the database refuses
both (triggers from migration 0003); a correction is a new entry that reverses the old one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Insert,
    Select,
    Table,
    Text,
    Update,
    bindparam,
    cast,
    exists,
    func,
    insert,
    literal_column,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from charity.audit.service import INSERT_EVENT
from charity.direct import Direct, bound_row, prefixed
from charity.ledger.chain import CHAINED_FIELDS, GENESIS_HASH, HASHED_FIELDS, entry_hash, template
from charity.models import AuditEvent, Drive, EntrySource, LedgerEntry, utcnow


@dataclass(frozen=True, slots=True)
class Posting:
    """One line to post: đồng when `item_type_id` is None, otherwise goods with a signed quantity."""

    amount: int
    item_type_id: int | None = None
    quantity: Decimal | None = None
    memo: str = ""


_DRIVE = Drive.__table__


# The chain's end, read from the drive's row under its lock. A locking read returns the row as the
# writer before us left it, so the end is current even after waiting. FOR NO KEY UPDATE does not
# conflict with the key-share locks that inserting a donation (pointing at the drive) takes.
def chain_end(drive_id: ColumnElement[int], *, locked: bool) -> Select[tuple[int, str]]:
    """The drive's chain end (last sequence number and hash), locked for the writer who appends."""
    query = select(_DRIVE.c.ledger_seq, _DRIVE.c.ledger_hash).where(_DRIVE.c.id == drive_id)
    return query.with_for_update(key_share=True) if locked else query


_CHAIN_HEAD = Direct(chain_end(bindparam("drive_id"), locked=False))
_CHAIN_HEAD_LOCKED = Direct(chain_end(bindparam("drive_id"), locked=True))
_MOVE_HEAD = (
    update(_DRIVE)
    .where(_DRIVE.c.id == bindparam("drive_id"))
    .values(ledger_seq=bindparam("new_seq"), ledger_hash=bindparam("new_hash"))
)
_ENTRY = LedgerEntry.__table__
_EVENT = AuditEvent.__table__


def _insert_rows(table: Table, prefixes: list[str]) -> Insert:
    """One INSERT of a row per prefix (see `bound_row`)."""
    return insert(table).values([bound_row(table, prefix) for prefix in prefixes])


def entry_rows(
    drive_id: int, posted_on: date, source: EntrySource, postings: list[Posting], user_id: int | None
) -> list[dict[str, Any]]:
    """The entries' columns that do not depend on their place in the chain (`CHAINED_FIELDS`)."""
    now = utcnow()
    return [
        {
            "drive_id": drive_id,
            "posted_on": posted_on,
            "item_type_id": posting.item_type_id,
            "quantity": posting.quantity,
            "amount": posting.amount,
            "source": source,
            "memo": posting.memo,
            "created_at": now,
            "created_by": user_id,
        }
        for posting in postings
    ]


_SET_BY_DATABASE = (*CHAINED_FIELDS, "hash")


def _hex_sha256(text: ColumnElement[str]) -> ColumnElement[str]:
    return func.encode(func.sha256(func.convert_to(text, literal_column("'UTF8'"))), literal_column("'hex'"))


def appending(end: CTE, receipt_id: ColumnElement[int], entries: int) -> list[CTE]:
    """PostgreSQL: what appends `entries` entries of one receipt to a drive's chain inside a larger
    statement, as CTEs to add to it. `end` is the chain's end (`chain_end`, locked, its drive bound
    as `chain_drive_id`); entry n is bound as `e<n>_<column>` without the chained fields, and its
    canonical text around them as `e<n>_t0` … `e<n>_t3` (`appending_parameters`). The database
    fills in each entry's place, the receipt and the hash before it, and hashes the text: the entries,
    the number and the receipt are then written at once, and the chain's lock is held for no round
    trip at all."""
    links: list[CTE] = []
    for n in range(entries):
        prev = end.c.ledger_hash if n == 0 else links[-1].c.hash
        seq = end.c.ledger_seq + (n + 1)
        t0, t1, t2, t3 = (bindparam(f"e{n}_t{k}", type_=Text()) for k in range(4))
        text = t0 + cast(seq, Text()) + t1 + prev + t2 + cast(receipt_id, Text()) + t3
        link = select(seq.label("chain_seq"), receipt_id.label("receipt_id"), prev.label("prev_hash"))
        link = link.add_columns(_hex_sha256(text).label("hash")).select_from(end)
        if links:
            link = link.join(links[-1], true())
        links.append(link.cte(f"link{n}"))
    known = [column.name for column in _ENTRY.c if column.name not in ("id", *_SET_BY_DATABASE)]
    rows = [
        select(*bound_row(_ENTRY, f"e{n}_", known).values(), *(link.c[name] for name in _SET_BY_DATABASE))
        for n, link in enumerate(links)
    ]
    written = insert(_ENTRY).from_select(
        [*known, *_SET_BY_DATABASE], union_all(*rows) if entries > 1 else rows[0]
    )
    last = links[-1]
    moved = (
        update(_DRIVE)
        .where(_DRIVE.c.id == bindparam("chain_drive_id"), exists(select(last.c.hash)))
        .values(
            ledger_seq=select(last.c.chain_seq).scalar_subquery(),
            ledger_hash=select(last.c.hash).scalar_subquery(),
        )
    )
    return [*links, written.cte("entries"), moved.cte("chain_moved")]


def appending_parameters(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The parameters of `appending` for these entries (`entry_rows`)."""
    parameters: dict[str, Any] = {}
    for n, row in enumerate(rows):
        parameters |= prefixed(f"e{n}_", row)
        parameters |= {f"e{n}_t{k}": piece for k, piece in enumerate(template(row))}
    return parameters


@cache
def _writes(entries: int, *, postgres: bool, with_event: bool) -> list[Direct]:
    """The statements writing `entries` entries, the chain's new end and the event, if any. On
    PostgreSQL they are one statement: the drive's row is locked until the commit, so each round
    trip saved is time the next gift of the drive waits less."""
    statements: list[Insert | Update] = [_insert_rows(_ENTRY, [f"e{n}_" for n in range(entries)])]
    if with_event:
        statements.append(_insert_rows(_EVENT, ["event_"]))
    if postgres:
        return [Direct(_MOVE_HEAD.add_cte(*(statement.cte() for statement in statements)))]
    return [Direct(statement) for statement in (*statements, _MOVE_HEAD)]


async def post(
    session: AsyncSession,
    *,
    drive_id: int,
    posted_on: date,
    source: EntrySource,
    postings: list[Posting],
    receipt_id: int | None,
    user_id: int | None,
    also_lock: int | None = None,
    event: dict[str, Any] | None = None,
) -> None:
    """Append entries to the drive's chain, one writer at a time: on PostgreSQL the drive's row is
    locked first (after any receipt book, the lock order every writer follows); SQLite's write
    transaction already holds the whole database. `also_lock` is another drive this transaction
    will post to next (a replacement in another drive): both are locked now, in id order. `event`
    is an audit event's row (`charity.audit.service.event`) written with the entries."""
    if not postings:
        if event is not None:
            await INSERT_EVENT.rows(session, event)
        return
    postgres = session.bind.dialect.name == "postgresql"
    if postgres and also_lock is not None and also_lock < drive_id:
        await _CHAIN_HEAD_LOCKED.rows(session, {"drive_id": also_lock})
    end = await (_CHAIN_HEAD_LOCKED if postgres else _CHAIN_HEAD).first(session, {"drive_id": drive_id})
    if end is None:
        raise LookupError(f"drive {drive_id} does not exist")
    seq, prev_hash = end
    if postgres and also_lock is not None and also_lock > drive_id:
        await _CHAIN_HEAD_LOCKED.rows(session, {"drive_id": also_lock})
    parameters: dict[str, Any] = {"drive_id": drive_id, "new_seq": seq + len(postings)}
    for offset, row in enumerate(entry_rows(drive_id, posted_on, source, postings, user_id), start=1):
        row |= {"chain_seq": seq + offset, "receipt_id": receipt_id, "prev_hash": prev_hash}
        prev_hash = entry_hash(row)
        parameters |= prefixed(f"e{offset - 1}_", row | {"hash": prev_hash})
    parameters["new_hash"] = prev_hash
    if event is not None:
        parameters |= prefixed("event_", event)
    for statement in _writes(len(postings), postgres=postgres, with_event=event is not None):
        await statement.rows(session, parameters)


async def reverse_receipt(
    session: AsyncSession, *, drive_id: int, receipt_id: int, posted_on: date, user_id: int, memo: str
) -> None:
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
    drive = await session.get_one(Drive, drive_id)
    prev_hash, count, last = GENESIS_HASH, 0, None
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
        prev_hash, last = entry.hash, entry
    if (count, prev_hash) != (drive.ledger_seq, drive.ledger_hash):
        return ChainReport(
            count,
            last.id if last else None,
            last.chain_seq if last else None,
            f"sổ phải có {drive.ledger_seq} dòng, chỉ còn {count}: các dòng cuối đã bị xóa"
            if count < drive.ledger_seq
            else "điểm cuối của sổ không khớp với cuộc vận động",
        )
    return ChainReport(count)
