"""What recording a gift reads before it writes, in one statement: the earlier answer to a retry (by
its Idempotency-Key), the drive and the units above it, the goods the drive accepts, and the units
above the named donor. Each is one part of a UNION ALL, its rows tagged with the part's name; on
PostgreSQL each statement is a round trip, which on the gift path costs more than the query itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    String,
    bindparam,
    cast,
    literal_column,
    null,
    select,
)
from sqlalchemy import union_all as union_all_of
from sqlalchemy.ext.asyncio import AsyncSession

from charity.accounts.access import Principal, holds, units_above
from charity.direct import Direct, Driver
from charity.donors.service import NO_DONOR
from charity.drives.service import NO_DRIVE
from charity.errors import NotFound
from charity.models import Donation, Donor, Drive, DriveItemType, DriveStatus, ItemType, Receipt, Role


@dataclass(frozen=True, slots=True)
class DriveWindow:
    """What recording a gift needs to know of its drive."""

    id: int
    unit_id: int
    name: str
    status: DriveStatus
    starts_on: date
    ends_on: date


class Accepted(NamedTuple):
    """A goods type the drive accepts."""

    id: int
    name: str
    unit_of_measure: str


class Earlier(NamedTuple):
    """The gift an Idempotency-Key already recorded: its request's fingerprint and its receipt."""

    request_hash: str
    receipt_id: int


@dataclass(slots=True)
class GiftContext:
    earlier: Earlier | None = None
    drive: DriveWindow | None = None
    drive_units: set[int] = field(default_factory=set)
    accepted: dict[int, Accepted] = field(default_factory=dict)
    donor_units: set[int] = field(default_factory=set)

    def drive_for(self, principal: Principal, roles: tuple[Role, ...]) -> DriveWindow:
        """The drive, or the same 404 as `get_drive` when it is missing or outside the scope."""
        if self.drive is None or not holds(principal, roles, self.drive_units):
            raise NotFound(NO_DRIVE)
        return self.drive

    def check_donor(self, principal: Principal, roles: tuple[Role, ...]) -> None:
        """The same 404 as `get_donor` when the named donor is missing or outside the scope."""
        if not holds(principal, roles, self.donor_units):
            raise NotFound(NO_DONOR, field="donor")


# Every part fills the columns it has and leaves the others NULL; the first part gives the types.
_COLUMNS = {
    "id": Integer(),
    "unit_id": Integer(),
    "name": String(),
    "label": String(),
    "starts_on": Date(),
    "ends_on": Date(),
}


def _part(tag: str, **columns: ColumnElement[Any]) -> Select[Any]:
    return select(
        literal_column(f"'{tag}'").label("tag"),
        *(columns.get(name, cast(null(), type_)).label(name) for name, type_ in _COLUMNS.items()),
    )


def _units_above_part(tag: str, unit_of: Select[tuple[int]]) -> Select[Any]:
    units = units_above(unit_of.scalar_subquery()).subquery()
    return _part(tag, id=units.c.id)


_DRIVE_ID = Drive.id == bindparam("drive_id")
_CONTEXT = Direct(
    union_all_of(
        _part(
            "drive",
            id=Drive.id,
            unit_id=Drive.unit_id,
            name=Drive.name,
            label=cast(Drive.status, String()),
            starts_on=Drive.starts_on,
            ends_on=Drive.ends_on,
        ).where(_DRIVE_ID),
        _units_above_part("drive_unit", select(Drive.unit_id).where(_DRIVE_ID)),
        _part("item", id=ItemType.id, name=ItemType.name, label=ItemType.unit_of_measure)
        .join_from(ItemType, DriveItemType, DriveItemType.item_type_id == ItemType.id)
        .where(DriveItemType.drive_id == bindparam("drive_id")),
        _part("earlier", id=Receipt.id, label=Donation.request_hash)
        .join_from(Donation, Receipt, Receipt.donation_id == Donation.id)
        .where(Donation.recorded_by == bindparam("user_id"), Donation.idempotency_key == bindparam("key")),
        _units_above_part("donor_unit", select(Donor.unit_id).where(Donor.id == bindparam("donor_id"))),
    )
)


async def read_context(
    where: AsyncSession | Driver, *, user_id: int, key: str | None, drive_id: int, donor_id: int | None
) -> GiftContext:
    context = GiftContext()
    rows = await _CONTEXT.rows(
        where, {"drive_id": drive_id, "user_id": user_id, "key": key, "donor_id": donor_id}
    )
    for tag, id_, unit_id, name, label, starts_on, ends_on in rows:
        if tag == "drive":
            context.drive = DriveWindow(id_, unit_id, name, DriveStatus(label), starts_on, ends_on)
        elif tag == "drive_unit":
            context.drive_units.add(id_)
        elif tag == "item":
            context.accepted[id_] = Accepted(id_, name, label)
        elif tag == "earlier":
            context.earlier = Earlier(label, id_)
        else:
            context.donor_units.add(id_)
    return context
