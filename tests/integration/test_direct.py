"""Statements run straight on the driver give back what SQLAlchemy itself gives back, in the
session's transaction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import bindparam, insert, select

from charity.db import Database
from charity.direct import Direct
from charity.models import Drive, DriveItemType, ItemType, Unit, utcnow
from tests import factories

_DRIVE = Direct(
    select(Drive.id, Drive.name, Drive.starts_on, Drive.ends_on, Drive.status, Drive.created_at).where(
        Drive.id == bindparam("drive_id")
    )
)
_ADD_LINK = Direct(insert(DriveItemType.__table__))
_TARGET = Direct(select(DriveItemType.target_quantity).where(DriveItemType.drive_id == bindparam("drive_id")))


async def test_rows_carry_the_same_values_and_types_as_through_sqlalchemy(database: Database) -> None:
    async with database.write() as session:
        unit = await factories.unit(session)
        drive = await factories.drive(
            session,
            unit.id,
            name="Quyển vở tình thương",
            starts_on=date(2026, 8, 1),
            ends_on=date(2026, 9, 5),
        )
        expected = (
            await session.execute(
                select(
                    Drive.id, Drive.name, Drive.starts_on, Drive.ends_on, Drive.status, Drive.created_at
                ).where(Drive.id == drive.id)
            )
        ).one()
        assert await _DRIVE.first(session, {"drive_id": drive.id}) == tuple(expected)
        assert (await _DRIVE.first(session, {"drive_id": drive.id}))[5].tzinfo is not None


async def test_writes_join_the_session_transaction(database: Database) -> None:
    class Undo(Exception):
        pass

    async with database.write() as session:
        unit = await factories.unit(session)
        drive = await factories.drive(session, unit.id)
        books = ItemType(name="Vở", unit_of_measure="quyển", created_at=utcnow())
        session.add(books)
        await session.flush()
    seen = []

    async def add_then_fail() -> None:
        async with database.write() as session:
            params = {"drive_id": drive.id, "item_type_id": books.id, "target_quantity": Decimal("1200.5")}
            await _ADD_LINK.rows(session, params)
            seen.append(await _TARGET.scalar(session, {"drive_id": drive.id}))
            raise Undo

    with pytest.raises(Undo):
        await add_then_fail()
    assert seen == [Decimal("1200.5")]
    async with database.read() as session:
        assert await _TARGET.rows(session, {"drive_id": drive.id}) == []


def test_statements_with_in_lists_are_refused_when_first_run() -> None:
    from sqlalchemy.dialects import sqlite

    statement = Direct(select(Unit.id).where(Unit.id.in_(bindparam("ids", expanding=True))))
    with pytest.raises(ValueError, match="expanding"):
        statement._for(sqlite.dialect(), {"ids": [1, 2]})
