"""Item types: kinds of goods and their unit of measure, shared by every unit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from charity.audit.service import Actor, record
from charity.db import page_of
from charity.errors import Conflict, Invalid, NotFound
from charity.models import ItemType
from charity.text import clean, name_key

NAME_MAX = 100
UNIT_MAX = 20


def _name(name: str) -> str:
    name = clean(name)
    if not name or len(name) > NAME_MAX:
        raise Invalid(f"Tên loại hàng dài 1–{NAME_MAX} ký tự.", field="name")
    return name


def _unit(unit: str) -> str:
    unit = clean(unit)
    if not unit or len(unit) > UNIT_MAX:
        raise Invalid(f"Đơn vị tính dài 1–{UNIT_MAX} ký tự (kg, quyển, bộ, suất…).", field="unit_of_measure")
    return unit


async def _same_name(session: AsyncSession, name: str, other_than: int | None = None) -> bool:
    statement = select(ItemType.id).where(ItemType.name_key == name_key(name))
    if other_than is not None:
        statement = statement.where(ItemType.id != other_than)
    return (await session.execute(statement)).first() is not None


async def list_item_types(
    session: AsyncSession, *, active_only: bool, limit: int, offset: int
) -> tuple[list[ItemType], int]:
    statement = select(ItemType)
    if active_only:
        statement = statement.where(ItemType.active.is_(True))
    return await page_of(session, statement, ItemType.name, limit=limit, offset=offset)


async def get_item_type(session: AsyncSession, item_type_id: int) -> ItemType:
    item_type = await session.get(ItemType, item_type_id)
    if item_type is None:
        raise NotFound("Không có loại hàng này.")
    return item_type


async def create_item_type(
    session: AsyncSession, actor: Actor, *, name: str, unit_of_measure: str
) -> ItemType:
    name, unit_of_measure = _name(name), _unit(unit_of_measure)
    if await _same_name(session, name):
        raise Conflict(f"Đã có loại hàng «{name}».", field="name")
    item_type = ItemType(name=name, unit_of_measure=unit_of_measure)
    session.add(item_type)
    await session.flush()
    await record(
        session,
        actor,
        "item_type.create",
        object_type="item_type",
        object_id=item_type.id,
        after={"name": name, "unit_of_measure": unit_of_measure},
    )
    return item_type


async def update_item_type(
    session: AsyncSession,
    actor: Actor,
    item_type_id: int,
    *,
    name: str | None,
    unit_of_measure: str | None,
    active: bool | None,
) -> ItemType:
    item_type = await get_item_type(session, item_type_id)
    before = {
        "name": item_type.name,
        "unit_of_measure": item_type.unit_of_measure,
        "active": item_type.active,
    }
    if name is not None:
        name = _name(name)
        if await _same_name(session, name, other_than=item_type.id):
            raise Conflict(f"Đã có loại hàng «{name}».", field="name")
        item_type.name = name
    if unit_of_measure is not None:
        item_type.unit_of_measure = _unit(unit_of_measure)
    if active is not None:
        item_type.active = active
    await session.flush()
    await record(
        session,
        actor,
        "item_type.update",
        object_type="item_type",
        object_id=item_type.id,
        before=before,
        after={
            "name": item_type.name,
            "unit_of_measure": item_type.unit_of_measure,
            "active": item_type.active,
        },
    )
    return item_type
