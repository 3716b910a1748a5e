"""Units (đơn vị): a tree of organisation units, each with a unique code."""

from __future__ import annotations

import re

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from charity.access import Principal, scope_units, units_below
from charity.audit.service import Actor, record
from charity.db import page_of
from charity.errors import Conflict, Invalid, NotFound
from charity.models import MAX_AMOUNT, Unit
from charity.text import clean

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")
NAME_MAX = 200
ADDRESS_MAX = 300
# How long a beneficiary's verification may hold, in months (the table checks the same).
REVIEW_MONTHS_MIN, REVIEW_MONTHS_MAX = 1, 60


def normalize_code(code: str) -> str:
    normalized = code.strip().upper()
    if not CODE_PATTERN.fullmatch(normalized):
        raise Invalid(
            "Mã đơn vị chỉ gồm chữ cái không dấu, chữ số, dấu gạch ngang hoặc gạch dưới, tối đa 32 ký tự.",
            field="code",
        )
    return normalized


def _name(name: str) -> str:
    name = clean(name)
    if not name:
        raise Invalid("Tên đơn vị không được để trống.", field="name")
    if len(name) > NAME_MAX:
        raise Invalid(f"Tên đơn vị dài quá {NAME_MAX} ký tự.", field="name")
    return name


def _address(address: str) -> str:
    address = clean(address)
    if len(address) > ADDRESS_MAX:
        raise Invalid(f"Địa chỉ dài quá {ADDRESS_MAX} ký tự.", field="address")
    return address


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
    name = _name(name)
    address = _address(address)
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


def _visible(principal: Principal) -> Select[tuple[Unit]]:
    statement = select(Unit)
    return statement if principal.is_admin else statement.where(Unit.id.in_(scope_units(principal)))


async def list_units(
    session: AsyncSession, principal: Principal, *, limit: int, offset: int
) -> tuple[list[Unit], int]:
    return await page_of(session, _visible(principal), Unit.code, limit=limit, offset=offset)


async def get_unit(session: AsyncSession, principal: Principal, unit_id: int) -> Unit:
    unit = (await session.execute(_visible(principal).where(Unit.id == unit_id))).scalar_one_or_none()
    if unit is None:
        raise NotFound("Không có đơn vị này.")
    return unit


async def _is_below(session: AsyncSession, candidate_id: int, unit_id: int) -> bool:
    below = units_below((unit_id,))
    return (
        await session.execute(select(Unit.id).where(Unit.id == candidate_id, Unit.id.in_(below)))
    ).first() is not None


async def update_unit(
    session: AsyncSession,
    actor: Actor,
    unit: Unit,
    *,
    name: str | None = None,
    address: str | None = None,
    parent_code: str | None = None,
    detach: bool = False,
    receipt_paper: str | None = None,
    zero_tens_word: str | None = None,
    receipt_form: str | None = None,
    large_gift_threshold: int | None = None,
    review_months: int | None = None,
    adjustment_threshold: int | None = None,
) -> Unit:
    """Change a unit's name, address or place in the tree (never under itself or its own descendants),
    or its settings. A new review period holds for the verifications made from then on."""
    before = _settings(unit)
    if receipt_paper is not None:
        unit.receipt_paper = receipt_paper
    if zero_tens_word is not None:
        unit.zero_tens_word = zero_tens_word
    if receipt_form is not None:
        unit.receipt_form = receipt_form
    if large_gift_threshold is not None:
        if not 1 <= large_gift_threshold <= MAX_AMOUNT:
            raise Invalid(
                "Ngưỡng xác nhận khoản lớn phải là số nguyên đồng dương, tối đa 10.000 tỷ đồng.",
                field="large_gift_threshold",
            )
        unit.large_gift_threshold = int(large_gift_threshold)
    if adjustment_threshold is not None:
        if not 0 <= adjustment_threshold <= MAX_AMOUNT:
            raise Invalid(
                "Ngưỡng duyệt chênh lệch kiểm kê phải là số nguyên đồng, không âm, tối đa 10.000 tỷ đồng.",
                field="adjustment_threshold",
            )
        unit.adjustment_threshold = int(adjustment_threshold)
    if review_months is not None:
        if not REVIEW_MONTHS_MIN <= review_months <= REVIEW_MONTHS_MAX:
            raise Invalid(
                f"Thời hạn công nhận đối tượng phải từ {REVIEW_MONTHS_MIN} đến {REVIEW_MONTHS_MAX} tháng.",
                field="review_months",
            )
        unit.review_months = review_months
    if name is not None:
        unit.name = _name(name)
    if address is not None:
        unit.address = _address(address)
    if detach:
        unit.parent_id = None
    elif parent_code is not None:
        parent = await get_by_code(session, parent_code, field="parent")
        if await _is_below(session, parent.id, unit.id):
            raise Invalid("Không thể đặt đơn vị dưới chính nó hoặc đơn vị cấp dưới của nó.", field="parent")
        unit.parent_id = parent.id
    await session.flush()
    await record(
        session,
        actor,
        "unit.update",
        object_type="unit",
        object_id=unit.id,
        unit_id=unit.id,
        before=before,
        after=_settings(unit),
    )
    return unit


def _settings(unit: Unit) -> dict[str, str | int | None]:
    return {
        "name": unit.name,
        "address": unit.address,
        "parent_id": unit.parent_id,
        "receipt_paper": unit.receipt_paper,
        "zero_tens_word": unit.zero_tens_word,
        "receipt_form": unit.receipt_form,
        "large_gift_threshold": unit.large_gift_threshold,
        "review_months": unit.review_months,
        "adjustment_threshold": unit.adjustment_threshold,
    }
