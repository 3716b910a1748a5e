"""The writes of a gift: the donation, its goods lines, and its receipt under the next number; and,
on PostgreSQL, all of a gift at once.

`record` writes the donation, its lines and its receipt as statements of the caller's transaction;
the caller posts the ledger entries next. On PostgreSQL, `record_at_once` writes the whole gift
(donation, lines, number, receipt, ledger entries, the chain's new end, the audit event) in one
statement outside any transaction block, which PostgreSQL runs as a transaction of its own: the
receipt book's and the drive's rows are locked only while that statement runs, never across a round
trip, and there is no BEGIN or COMMIT to wait for. Gifts of one unit queue on its book's row, so the
time that row stays locked sets how many gifts a unit can record per second.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from asyncpg.exceptions import UniqueViolationError
from sqlalchemy import (
    JSON,
    ColumnElement,
    Insert,
    Integer,
    bindparam,
    cast,
    exists,
    func,
    insert,
    literal_column,
    select,
    true,
    union_all,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from charity.direct import Direct, Driver, bound_row, prefixed
from charity.ledger.service import Posting, appending, appending_parameters, chain_end, entry_rows
from charity.models import AuditEvent, Donation, DonationItem, EntrySource, Receipt
from charity.receipts.numbering import IssuedNumber, Number, book_choice, issue_receipt, take_number, taking

_DONATION = Donation.__table__
_ITEM = DonationItem.__table__
_RECEIPT = Receipt.__table__
_EVENT = AuditEvent.__table__
_ITEM_VALUES = ("item_type_id", "quantity", "unit_value", "value")
_RECEIPT_VALUES = ("status", "total_value", "issued_at", "issued_by", "replaces_id")
# The audit event's columns the statement fills in itself: the receipt, and the number in `after`.
_EVENT_VALUES = tuple(c.name for c in _EVENT.c if c.name not in ("id", "object_id", "after"))
_TWINS = "uq_donation_recorded_by_idempotency_key"


def _insert_items(lines: int, donation_id: ColumnElement[int]) -> Insert:
    """One INSERT of the gift's goods lines, line n bound as `item<n>_<column>`."""
    rows = [select(donation_id, *bound_row(_ITEM, f"item{n}_", _ITEM_VALUES).values()) for n in range(lines)]
    return insert(_ITEM).from_select(
        ["donation_id", *_ITEM_VALUES], union_all(*rows) if lines > 1 else rows[0]
    )


def _parameters(donation: dict[str, Any], items: list[dict[str, Any]]) -> dict[str, Any]:
    parameters = prefixed("donation_", donation)
    for n, item in enumerate(items):
        parameters |= prefixed(f"item{n}_", item)
    return parameters


# A second request with the same Idempotency-Key inserts nothing (on PostgreSQL once the first has
# committed): it is answered with the first one's receipt.
_INSERT_DONATION = {
    name: Direct(
        dialect_insert(_DONATION)
        .values(bound_row(_DONATION, "donation_"))
        .on_conflict_do_nothing(index_elements=["recorded_by", "idempotency_key"])
        .returning(_DONATION.c.id)
    )
    for name, dialect_insert in (("sqlite", sqlite_insert), ("postgresql", pg_insert))
}


@cache
def _insert_items_after(lines: int) -> Direct:
    return Direct(_insert_items(lines, bindparam("item_donation_id", type_=Integer)))


class TwinTaken(Exception):
    """A twin request with the same Idempotency-Key recorded its gift meanwhile. Nothing of this one
    may be kept: raised inside a transaction, it rolls the transaction back (with the number taken)."""


async def record(
    session: AsyncSession,
    donation: dict[str, Any],
    items: list[dict[str, Any]],
    receipt: dict[str, Any],
    *,
    unit_id: int,
    year: int,
    book_id: int | None,
) -> tuple[int, IssuedNumber]:
    """Take the next number of the unit's book for the year (`book_id`, or its first open book), then
    insert the donation (`donation` holds its columns), its goods lines and its receipt under that
    number, in the session's transaction. The number comes first, as in `record_at_once`: a twin on
    the other path holds the book's row before its donation's key, so taking them in the other order
    here could deadlock with it. Raises `TwinTaken` when the key was taken meanwhile."""
    number = await take_number(session, unit_id, year, book_id)
    parameters = _parameters(donation, items)
    donation_id = await _INSERT_DONATION[session.bind.dialect.name].scalar(session, parameters)
    if donation_id is None:
        raise TwinTaken
    if items:
        await _insert_items_after(len(items)).rows(session, parameters | {"item_donation_id": donation_id})
    return donation_id, await issue_receipt(session, number, receipt | {"donation_id": donation_id})


@cache
def _at_once(lines: int, entries: int, *, chosen: bool) -> Direct:
    """The whole gift in one statement (PostgreSQL). The donation is inserted only once a number
    was taken, so the statement writes nothing when no open book answers; a twin's donation fails on
    its unique key, which undoes the whole statement, its number included."""
    taken = taking(chosen=chosen).cte("taken")
    values = bound_row(_DONATION, "donation_")
    donation = (
        insert(_DONATION)
        .from_select(list(values), select(*values.values()).select_from(taken))
        .returning(_DONATION.c.id)
        .cte("donation")
    )
    receipt = bound_row(_RECEIPT, "receipt_", _RECEIPT_VALUES)
    issued = (
        insert(_RECEIPT)
        .from_select(
            ["book_id", "seq", "donation_id", *receipt],
            select(taken.c.id, taken.c.seq, donation.c.id, *receipt.values()).join_from(
                taken, donation, true()
            ),
        )
        .returning(_RECEIPT.c.id)
        .cte("issued")
    )
    # The drive is locked only once the number is taken (its condition needs `issued`): the book's
    # row first, then the drive's, the order every writer follows.
    end = (
        chain_end(bindparam("chain_drive_id"), locked=True)
        .where(exists(select(issued.c.id)))
        .cte("chain_end")
    )
    event = bound_row(_EVENT, "event_", _EVENT_VALUES)
    number = func.jsonb_build_object(
        literal_column("'book_id'"), taken.c.id, literal_column("'seq'"), taken.c.seq
    )
    after = bindparam("event_after", type_=JSONB()).op("||")(number)
    audited = insert(_EVENT).from_select(
        [*event, "object_id", "after"],
        select(*event.values(), issued.c.id, cast(after, JSON())).join_from(issued, taken, true()),
    )
    ctes = [*appending(end, issued.c.id, entries), audited.cte("audited")]
    if lines:
        ctes.append(_insert_items(lines, donation.c.id).cte("items"))
    statement = (
        select(taken.c.id, taken.c.code, taken.c.year, taken.c.seq, issued.c.id, donation.c.id)
        .join_from(taken, issued, true())
        .join(donation, true())
        .add_cte(*ctes)
    )
    return Direct(statement)


async def record_at_once(
    driver: Driver,
    donation: dict[str, Any],
    items: list[dict[str, Any]],
    receipt: dict[str, Any],
    *,
    unit_id: int,
    year: int,
    book_id: int | None,
    posted_on: date,
    postings: list[Posting],
    event: dict[str, Any],
) -> tuple[int, IssuedNumber] | None:
    """Write the whole gift in one statement, on a PostgreSQL connection outside any transaction:
    as `record`, then its `postings` to the drive's ledger and the audit `event` (its `object_id`
    and the number in `after` are filled in). None when no open book answered, and nothing was
    written: the unit's first gift of the year, or a refusal `take_number` explains. Raises
    `TwinTaken` (nothing written) when the donation's Idempotency-Key was taken meanwhile."""
    if driver.connection.is_in_transaction():
        # Whatever opened it would decide the gift's fate after it was answered.
        raise RuntimeError("a gift written at once needs a connection outside any transaction")
    drive_id = donation["drive_id"]
    rows = entry_rows(drive_id, posted_on, EntrySource.RECEIPT, postings, donation["recorded_by"])
    parameters = (
        _parameters(donation, items)
        | book_choice(unit_id, year, book_id)
        | prefixed("receipt_", receipt)
        | appending_parameters(rows)
        | prefixed("event_", {name: event[name] for name in _EVENT_VALUES})
        | {"event_after": event["after"], "chain_drive_id": drive_id}
    )
    statement = _at_once(len(items), len(rows), chosen=book_id is not None)
    try:
        row = await statement.first(driver, parameters)
    except UniqueViolationError as error:
        if error.constraint_name == _TWINS:
            raise TwinTaken from error
        raise
    if row is None:
        return None
    return row[5], IssuedNumber(Number(*row[:4]), row[4])
