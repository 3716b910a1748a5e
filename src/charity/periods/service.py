"""Closed periods (khóa sổ): a unit's coordinator closes a month of its books once the month has
ended, and from then on nothing dated inside it is posted to the ledger of any drive the unit owns
(drives of the units below it keep their own books and periods). The refusal itself is the
ledger's (`charity.ledger.service.post`), under the drive's lock. Only an administrator reopens a
month, with a reason; the row keeps who closed and who reopened it, and the month may be closed
again later."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from charity.access import Principal, scope_units
from charity.audit.service import Actor, record
from charity.clock import format_date, format_month, local_today
from charity.db import page_of
from charity.errors import Conflict, Forbidden, Invalid, NotFound
from charity.ledger.service import lock_drives_of
from charity.models import ClosedPeriod, Role, Unit, User, utcnow
from charity.periods.schemas import PeriodOut

REASON_MAX = 500
_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")
# As a person writes it, where a browser shows a month input as plain text.
_WRITTEN_MONTH = re.compile(r"([0-9]{1,2})/([0-9]{4})")
_MONTH_HELP = "ghi theo dạng 2026-11 hoặc 11/2026"
NO_PERIOD = "Không có kỳ khóa sổ này."


def parse_month(text: str) -> date:
    """The first day of the month "2026-11" (or "11/2026") names."""
    text = text.strip()
    if not text:
        raise Invalid("Chọn tháng cần khóa sổ.", field="month")
    if iso := _MONTH.fullmatch(text):
        year, month = int(iso[1]), int(iso[2])
    elif written := _WRITTEN_MONTH.fullmatch(text):
        year, month = int(written[2]), int(written[1])
    else:
        raise Invalid(f"Tháng không hợp lệ: {_MONTH_HELP}.", field="month")
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise Invalid(f"Tháng không hợp lệ: {_MONTH_HELP}.", field="month")
    return date(year, month, 1)


def last_ended_month() -> date:
    """The latest month that may be closed: the one before today's, in Vietnam."""
    return (local_today().replace(day=1) - timedelta(days=1)).replace(day=1)


def _closer_units(principal: Principal) -> Select[tuple[Unit]]:
    """The units whose months the principal may close: any for an administrator, otherwise those of
    their coordinator scope."""
    statement = select(Unit)
    if principal.is_admin:
        return statement
    return statement.where(Unit.id.in_(scope_units(principal, [Role.COORDINATOR])))


async def closable_units(session: AsyncSession, principal: Principal) -> list[Unit]:
    return list((await session.execute(_closer_units(principal).order_by(Unit.name))).scalars())


def _visible(principal: Principal) -> Select[tuple[int]]:
    """Administrators read every unit's periods; coordinators and auditors those of their scope."""
    statement = select(ClosedPeriod.id)
    if principal.is_admin:
        return statement
    return statement.where(ClosedPeriod.unit_id.in_(scope_units(principal, [Role.COORDINATOR, Role.AUDITOR])))


_CLOSER = aliased(User)
_REOPENER = aliased(User)


def _name(user: User | None) -> str | None:
    return (user.full_name or user.username) if user is not None else None


async def _load(session: AsyncSession, ids: list[int]) -> list[PeriodOut]:
    rows = await session.execute(
        select(ClosedPeriod, Unit, _CLOSER, _REOPENER)
        .join(Unit, Unit.id == ClosedPeriod.unit_id)
        .join(_CLOSER, _CLOSER.id == ClosedPeriod.closed_by)
        .outerjoin(_REOPENER, _REOPENER.id == ClosedPeriod.reopened_by)
        .where(ClosedPeriod.id.in_(ids))
        .order_by(ClosedPeriod.month.desc(), ClosedPeriod.id.desc())
    )
    return [
        PeriodOut(
            id=period.id,
            unit_id=unit.id,
            unit_code=unit.code,
            unit_name=unit.name,
            month=period.month.strftime("%Y-%m"),
            closed_at=period.closed_at,
            closed_by=period.closed_by,
            closed_by_name=_name(closer) or "",
            reopened_at=period.reopened_at,
            reopened_by=period.reopened_by,
            reopened_by_name=_name(reopener),
            reopen_reason=period.reopen_reason,
        )
        for period, unit, closer, reopener in rows
    ]


async def list_periods(
    session: AsyncSession, principal: Principal, *, unit_id: int | None, limit: int, offset: int
) -> tuple[list[PeriodOut], int]:
    """Closed and reopened months, latest month first, as far as the principal may read them."""
    statement = _visible(principal)
    if unit_id is not None:
        statement = statement.where(ClosedPeriod.unit_id == unit_id)
    ids, total = await page_of(
        session, statement, ClosedPeriod.month.desc(), ClosedPeriod.id.desc(), limit=limit, offset=offset
    )
    return await _load(session, ids), total


async def get_period(session: AsyncSession, principal: Principal, period_id: int) -> PeriodOut:
    found = (await session.execute(_visible(principal).where(ClosedPeriod.id == period_id))).scalar()
    if found is None:
        raise NotFound(NO_PERIOD)
    return (await _load(session, [found]))[0]


# A month already closed (and not reopened) inserts nothing: also when another close of it is
# committed while this one waits on the unique index.
_INSERT_PERIOD = {
    name: dialect_insert(ClosedPeriod.__table__)
    .on_conflict_do_nothing(
        index_elements=["unit_id", "month"], index_where=ClosedPeriod.__table__.c.reopened_at.is_(None)
    )
    .returning(ClosedPeriod.id)
    for name, dialect_insert in (("sqlite", sqlite_insert), ("postgresql", pg_insert))
}


def _state(month: date, *, closed: bool, **more: Any) -> dict[str, Any]:
    return {"month": month.strftime("%Y-%m"), "closed": closed, **more}


async def close_period(
    session: AsyncSession, principal: Principal, actor: Actor, unit_id: int, month: date
) -> PeriodOut:
    """Close `month` (its first day) of the unit's books. The unit's drives are locked first, as a
    posting locks its drive: a posting dated inside the month that is under way finishes before the
    close, and one that comes after is refused."""
    unit = (await session.execute(_closer_units(principal).where(Unit.id == unit_id))).scalar_one_or_none()
    if unit is None:
        raise NotFound("Không có đơn vị này.", field="unit_id")
    if month > last_ended_month():
        raise Invalid(
            f"Tháng {format_month(month)} chưa kết thúc (hôm nay là {format_date(local_today())}): chỉ"
            " khóa sổ được tháng đã qua.",
            field="month",
        )
    await lock_drives_of(session, unit.id)
    period_id = await session.scalar(
        _INSERT_PERIOD[session.bind.dialect.name],
        {"unit_id": unit.id, "month": month, "closed_at": utcnow(), "closed_by": principal.user_id},
    )
    if period_id is None:
        raise Conflict(f"Tháng {format_month(month)} của {unit.name} đã khóa sổ rồi.", field="month")
    await record(
        session,
        actor,
        "period.close",
        object_type="period",
        object_id=period_id,
        unit_id=unit.id,
        before=_state(month, closed=False),
        after=_state(month, closed=True),
    )
    return (await _load(session, [period_id]))[0]


def clean_reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise Invalid("Cần ghi lý do mở lại kỳ đã khóa sổ.", field="reason")
    if len(reason) > REASON_MAX:
        raise Invalid(f"Lý do dài quá {REASON_MAX} ký tự.", field="reason")
    return reason


async def reopen_period(
    session: AsyncSession, principal: Principal, actor: Actor, period_id: int, reason: str
) -> PeriodOut:
    """Reopen a closed month: administrators only, with a reason; postings dated in it go in again."""
    if not principal.is_admin:
        raise Forbidden("Chỉ quản trị viên mở lại được kỳ đã khóa sổ.")
    reason = clean_reason(reason)
    period = (
        await session.execute(
            select(ClosedPeriod.unit_id, ClosedPeriod.month).where(ClosedPeriod.id == period_id)
        )
    ).first()
    if period is None:
        raise NotFound(NO_PERIOD)
    # Only a closed month is reopened: of two reopens at once, the second changes no row.
    changed = await session.execute(
        update(ClosedPeriod)
        .where(ClosedPeriod.id == period_id, ClosedPeriod.reopened_at.is_(None))
        .values(reopened_at=utcnow(), reopened_by=principal.user_id, reopen_reason=reason)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        raise Conflict(f"Tháng {format_month(period.month)} đã được mở lại trước đó.")
    await record(
        session,
        actor,
        "period.reopen",
        object_type="period",
        object_id=period_id,
        unit_id=period.unit_id,
        before=_state(period.month, closed=True),
        after=_state(period.month, closed=False, reason=reason),
    )
    return (await _load(session, [period_id]))[0]
