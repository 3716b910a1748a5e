"""`charity demo`: loads the Long An data set into an empty database, once."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from charity.audit.service import Actor, record
from charity.demo.data import DONORS, DRIVES, ITEM_TYPES, UNITS
from charity.donors.service import search_text_for
from charity.errors import Conflict
from charity.models import Donor, Drive, DriveItemType, DriveStatus, ItemType, Unit
from charity.units.service import create_unit


def _window(kind: str, today: date) -> tuple[date, date]:
    if kind == "year":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    return today - timedelta(days=30), today + timedelta(days=60)


def _school_year(today: date) -> str:
    first = today.year if today.month >= 8 else today.year - 1
    return f"{first}–{first + 1}"


async def load_demo(session: AsyncSession, actor: Actor, *, today: date) -> str:
    existing = (await session.execute(select(func.count()).select_from(Unit))).scalar_one()
    if existing:
        raise Conflict(f"Cơ sở dữ liệu đã có {existing} đơn vị: dữ liệu mẫu chỉ nạp vào cơ sở dữ liệu trống.")
    units = {}
    for code, name, parent, address in UNITS:
        units[code] = await create_unit(
            session, actor, code=code, name=name, parent_code=parent, address=address
        )

    item_types = {name: ItemType(name=name, unit_of_measure=unit) for name, unit in ITEM_TYPES}
    session.add_all(item_types.values())
    await session.flush()

    for unit_code, name, kind, window, target, items, bank, public, description in DRIVES:
        starts_on, ends_on = _window(window, today)
        drive = Drive(
            unit_id=units[unit_code].id,
            name=name.format(year=today.year, school_year=_school_year(today)),
            kind=kind,
            status=DriveStatus.OPEN,
            starts_on=starts_on,
            ends_on=ends_on,
            target_amount=target,
            bank_account=bank,
            is_public=public,
            description=description,
        )
        session.add(drive)
        await session.flush()
        session.add_all(
            DriveItemType(
                drive_id=drive.id,
                item_type_id=item_types[item].id,
                target_quantity=Decimal(quantity) if quantity else None,
            )
            for item, quantity in items.items()
        )

    session.add_all(
        Donor(
            unit_id=units[unit_code].id,
            kind=kind,
            name=name,
            phone=phone,
            address=address,
            search_text=search_text_for(name, phone, address),
        )
        for unit_code, kind, name, phone, address in DONORS
    )
    await session.flush()
    summary = f"{len(UNITS)} đơn vị, {len(ITEM_TYPES)} loại hàng, {len(DRIVES)} cuộc vận động, {len(DONORS)} nhà hảo tâm"
    await record(session, actor, "demo.load", after={"summary": summary})
    return summary
