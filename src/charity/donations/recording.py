"""The writes of a gift before its ledger entries: the donation, its goods lines, its receipt number
and its receipt. On PostgreSQL they are one statement (`issuing`); SQLite, in process, takes three."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Insert, Integer, bindparam, insert, select, union_all
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from charity.direct import Direct, bound_row, prefixed
from charity.models import Donation, DonationItem
from charity.receipts.numbering import IssuedNumber, book_choice, issue_number, issuing

_DONATION = Donation.__table__
_ITEM = DonationItem.__table__
_ITEM_VALUES = ("item_type_id", "quantity", "unit_value", "value")


def _insert_items(lines: int, donation_id: ColumnElement[int]) -> Insert:
    """One INSERT of the gift's goods lines, line n bound as `item<n>_<column>`."""
    rows = [select(donation_id, *bound_row(_ITEM, f"item{n}_", _ITEM_VALUES).values()) for n in range(lines)]
    return insert(_ITEM).from_select(
        ["donation_id", *_ITEM_VALUES], union_all(*rows) if lines > 1 else rows[0]
    )


# A second request with the same Idempotency-Key inserts nothing and is answered with the first one.
def _insert_donation(dialect_insert: Any) -> Any:
    return (
        dialect_insert(_DONATION)
        .values(bound_row(_DONATION, "donation_"))
        .on_conflict_do_nothing(index_elements=["recorded_by", "idempotency_key"])
        .returning(_DONATION.c.id)
    )


_SQLITE_DONATION = Direct(_insert_donation(sqlite_insert))


@cache
def _sqlite_items(lines: int) -> Direct:
    return Direct(_insert_items(lines, bindparam("item_donation_id", type_=Integer)))


@cache
def _postgres_gift(lines: int, *, chosen: bool, lock_chain: bool) -> Direct:
    donation = _insert_donation(pg_insert).cte("donation")
    statement = issuing(donation, chosen=chosen, lock_chain=lock_chain)
    if lines:
        statement = statement.add_cte(_insert_items(lines, donation.c.id).cte("items"))
    return Direct(statement)


async def record(
    session: AsyncSession,
    donation: dict[str, Any],
    items: list[dict[str, Any]],
    receipt: dict[str, Any],
    *,
    unit_id: int,
    year: int,
    book_id: int | None,
    lock_chain_of: int | None,
) -> tuple[int, IssuedNumber] | None:
    """Insert the donation (`donation` holds its columns), its goods lines and its receipt under the
    next number of the unit's book for the year (`book_id`, or its first open book). On PostgreSQL,
    `lock_chain_of` names a drive whose ledger chain the caller will append to next: its end comes
    back locked, read in the same statement. None when the donation's Idempotency-Key was taken by a
    twin request meanwhile: nothing is written then."""
    parameters = prefixed("donation_", donation)
    for n, item in enumerate(items):
        parameters |= prefixed(f"item{n}_", item)
    if session.bind.dialect.name == "postgresql":
        statement = _postgres_gift(
            len(items), chosen=book_id is not None, lock_chain=lock_chain_of is not None
        )
        parameters |= book_choice(unit_id, year, book_id) | prefixed("receipt_", receipt)
        if lock_chain_of is not None:
            parameters["chain_drive_id"] = lock_chain_of
        row = await statement.first(session, parameters)
        if row is None:
            return None
        donation_id, issued = row[0], IssuedNumber.of(row[1:])
    else:
        donation_id = await _SQLITE_DONATION.scalar(session, parameters)
        if donation_id is None:
            return None
        if items:
            await _sqlite_items(len(items)).rows(session, parameters | {"item_donation_id": donation_id})
        issued = None
    if issued is None:
        # SQLite, or no open book answered: the unit's first gift of the year, or a refusal to explain.
        issued = await issue_number(session, unit_id, year, book_id, receipt | {"donation_id": donation_id})
    return donation_id, issued
