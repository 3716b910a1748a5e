"""Units (đơn vị): a tree of organisation units, each with a unique code."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from charity.audit.service import Actor, record
from charity.errors import Conflict, Invalid, NotFound
from charity.models import Unit
from charity.text import clean

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")
NAME_MAX = 200
ADDRESS_MAX = 300


def normalize_code(code: str) -> str:
    normalized = code.strip().upper()
    if not CODE_PATTERN.fullmatch(normalized):
        raise Invalid(
            "Mã đơn vị chỉ gồm chữ cái không dấu, chữ số, dấu gạch ngang hoặc gạch dưới, tối đa 32 ký tự.",
            field="code",
        )
    return normalized


async def find_by_code(session: AsyncSession, code: str) -> Unit | None:
    return (await session.execute(select(Unit).where(Unit.code == code.strip().upper()))).scalar_one_or_none()


async def get_by_code(session: AsyncSession, code: str, *, field: str = "code") -> Unit:
    unit = await find_by_code(session, code)
    if unit is None:
        raise NotFound(f"Không có đơn vị mã {code.strip().upper()}.", field=field)
    return unit


async def create_unit(
    session: AsyncSession,
    actor: Actor,
    *,
    code: str,
    name: str,
    parent_code: str | None = None,
    address: str = "",
) -> Unit:
    code = normalize_code(code)
    name = clean(name)
    address = clean(address)
    if not name:
        raise Invalid("Tên đơn vị không được để trống.", field="name")
    if len(name) > NAME_MAX:
        raise Invalid(f"Tên đơn vị dài quá {NAME_MAX} ký tự.", field="name")
    if len(address) > ADDRESS_MAX:
        raise Invalid(f"Địa chỉ dài quá {ADDRESS_MAX} ký tự.", field="address")
    parent = await get_by_code(session, parent_code, field="parent") if parent_code else None
    if await find_by_code(session, code) is not None:
        raise Conflict(f"Đã có đơn vị mã {code}.", field="code")
    unit = Unit(code=code, name=name, address=address, parent_id=parent.id if parent else None)
    session.add(unit)
    try:
        await session.flush()
    except IntegrityError:
        # Another writer took the code between our check and our insert.
        raise Conflict(f"Đã có đơn vị mã {code}.", field="code") from None
    await record(
        session,
        actor,
        "unit.create",
        object_type="unit",
        object_id=unit.id,
        unit_id=unit.id,
        after={"code": code, "name": name, "parent": parent.code if parent else None, "address": address},
    )
    return unit
