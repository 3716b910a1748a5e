"""Hardship categories (hộ nghèo, người khuyết tật, …): one shared list that coordinators extend."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from charity.access import Principal
from charity.audit.service import Actor, record
from charity.beneficiaries.cleaning import bounded
from charity.beneficiaries.registry import REVIEWERS
from charity.beneficiaries.schemas import (
    CategoryOut,
)
from charity.db import page_of_rows
from charity.errors import Conflict, Forbidden, Invalid
from charity.models import (
    HardshipCategory,
)
from charity.text import fold


async def list_categories(session: AsyncSession, *, limit: int, offset: int) -> tuple[list[CategoryOut], int]:
    rows, total = await page_of_rows(
        session,
        select(HardshipCategory.id, HardshipCategory.name),
        HardshipCategory.key,
        limit=limit,
        offset=offset,
    )
    return [CategoryOut(category_id, name) for category_id, name in rows], total


async def add_category(session: AsyncSession, principal: Principal, actor: Actor, name: str) -> CategoryOut:
    """A new hardship category, for every unit; coordinators add them."""
    if not principal.units_where(REVIEWERS):
        raise Forbidden("Chỉ điều phối viên thêm được diện hoàn cảnh.")
    name = bounded(name, "category", field="name", required=True)
    key = fold(name)
    if (await session.execute(select(HardshipCategory.id).where(HardshipCategory.key == key))).first():
        raise Conflict(f"Đã có diện hoàn cảnh “{name}”.", field="name")
    category = HardshipCategory(name=name, key=key, created_by=principal.user_id)
    session.add(category)
    await session.flush()
    await record(
        session,
        actor,
        "hardship_category.create",
        object_type="hardship_category",
        object_id=category.id,
        after={"name": name},
    )
    return CategoryOut(category.id, name)


async def check_categories(session: AsyncSession, category_ids: Iterable[int]) -> None:
    wanted = set(category_ids)
    if not wanted:
        return
    found = set(
        (await session.execute(select(HardshipCategory.id).where(HardshipCategory.id.in_(wanted)))).scalars()
    )
    if missing := sorted(wanted - found):
        raise Invalid(f"Không có diện hoàn cảnh mã {missing[0]}.", field="category_ids")
