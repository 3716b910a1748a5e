"""The database itself refuses what must never be stored, whatever code writes to it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from charity.db import Database
from charity.models import DonationItem, ItemType, Receipt, Unit, User
from tests import factories


async def _refused(database: Database, build: Callable[[AsyncSession], Awaitable[Any]]) -> None:
    with pytest.raises(IntegrityError):
        async with database.write() as session:
            await build(session)


async def _base(session: AsyncSession) -> tuple[Unit, User, Any, Any]:
    unit = await factories.unit(session)
    user = await factories.user(session)
    drive = await factories.drive(session, unit.id)
    book = await factories.receipt_book(session, unit.id)
    return unit, user, drive, book


async def test_a_receipt_number_is_used_once_per_book(database: Database) -> None:
    async with database.write() as session:
        _unit, user, drive, book = await _base(session)
        first = await factories.donation(session, drive.id, user.id)
        session.add(
            Receipt(
                donation_id=first.id,
                book_id=book.id,
                seq=1,
                total_value=500_000,
                issued_by=user.id,
                form="plain",
            )
        )
        second = await factories.donation(session, drive.id, user.id)
        ids = (user.id, drive.id, book.id, second.id)

    user_id, _drive_id, book_id, second_id = ids

    async def duplicate(session: AsyncSession) -> None:
        session.add(
            Receipt(
                donation_id=second_id, book_id=book_id, seq=1, total_value=1, issued_by=user_id, form="plain"
            )
        )
        await session.flush()

    await _refused(database, duplicate)
    async with database.read() as session:
        assert (await session.execute(select(func.count()).select_from(Receipt))).scalar_one() == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"cash_amount": -1},
        {"cash_amount": 0},
        {"cash_amount": 10**13 + 1},
        {"cash_amount": 1000, "cash_method": None},
        {"cash_amount": 1000, "cash_method": "cheque"},
    ],
    ids=["negative", "zero", "too-large", "no-method", "unknown-method"],
)
async def test_a_donation_with_a_bad_cash_part_is_refused(database: Database, fields: dict[str, Any]) -> None:
    async with database.write() as session:
        _unit, user, drive, _book = await _base(session)
        ids = (drive.id, user.id)

    async def insert(session: AsyncSession) -> None:
        await factories.donation(session, *ids, **fields)

    await _refused(database, insert)


@pytest.mark.parametrize(
    "fields",
    [
        {"quantity": Decimal("-2.5")},
        {"quantity": Decimal(0)},
        {"unit_value": -1},
        {"value": -100},
    ],
    ids=["negative-quantity", "zero-quantity", "negative-unit-value", "negative-value"],
)
async def test_a_goods_line_with_a_negative_figure_is_refused(
    database: Database, fields: dict[str, Any]
) -> None:
    async with database.write() as session:
        _unit, user, drive, _book = await _base(session)
        rice = ItemType(name="Gạo", unit_of_measure="kg")
        session.add(rice)
        donation = await factories.donation(session, drive.id, user.id)
        await session.flush()
        ids = (donation.id, rice.id)

    async def insert(session: AsyncSession) -> None:
        values = {"quantity": Decimal("10.5"), "unit_value": 20_000, "value": 210_000, **fields}
        session.add(DonationItem(donation_id=ids[0], item_type_id=ids[1], **values))
        await session.flush()

    await _refused(database, insert)


@pytest.mark.parametrize(
    ("factory", "fields"),
    [
        ("drive", {"kind": "lottery"}),
        ("drive", {"status": "archived"}),
        ("drive", {"target_amount": -5}),
        ("receipt_book", {"next_seq": 0}),
        ("receipt_book", {"status": "lost"}),
    ],
    ids=["drive-kind", "drive-status", "drive-target", "book-next-seq", "book-status"],
)
async def test_enumerations_and_counters_are_checked(
    database: Database, factory: str, fields: dict[str, Any]
) -> None:
    async with database.write() as session:
        unit_id = (await factories.unit(session)).id

    async def insert(session: AsyncSession) -> None:
        await getattr(factories, factory)(session, unit_id, **fields)

    await _refused(database, insert)


async def test_a_foreign_key_to_nothing_is_refused(database: Database) -> None:
    async def orphan(session: AsyncSession) -> None:
        await factories.drive(session, unit_id=987654)

    await _refused(database, orphan)


async def test_usernames_are_unique_regardless_of_case(database: Database) -> None:
    async with database.write() as session:
        await factories.user(session, username="lan")

    async def upper(session: AsyncSession) -> None:
        await factories.user(session, username="Lan")

    async def again(session: AsyncSession) -> None:
        await factories.user(session, username="lan")

    await _refused(database, upper)
    await _refused(database, again)
