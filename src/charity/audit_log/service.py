"""Reading the audit log: administrators read all of it, an auditor the events of their scope."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from charity.access import Principal, scope_units
from charity.audit_log.schemas import AuditOut
from charity.clock import start_of
from charity.db import page_of
from charity.models import AuditEvent, Role, User


@dataclass(frozen=True, slots=True)
class AuditFilter:
    user_id: int | None = None
    # An action ("receipt.void"), or a kind of them ("receipt").
    action: str = ""
    object_type: str = ""
    object_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def _visible(principal: Principal) -> Select[tuple[AuditEvent]]:
    """Administrators read the whole log; an auditor, the events of the units of their scope."""
    statement = select(AuditEvent)
    if principal.is_admin:
        return statement
    return statement.where(AuditEvent.unit_id.in_(scope_units(principal, [Role.AUDITOR])))


def _filtered(statement: Select[tuple[AuditEvent]], where: AuditFilter) -> Select[tuple[AuditEvent]]:
    if where.user_id is not None:
        statement = statement.where(AuditEvent.actor_id == where.user_id)
    if where.action:
        statement = statement.where(
            or_(
                AuditEvent.action == where.action,
                AuditEvent.action.startswith(f"{where.action}.", autoescape=True),
            )
        )
    if where.object_type:
        statement = statement.where(AuditEvent.object_type == where.object_type)
    if where.object_id is not None:
        statement = statement.where(AuditEvent.object_id == where.object_id)
    # Days as they are in Vietnam.
    if where.date_from is not None:
        statement = statement.where(AuditEvent.occurred_at >= start_of(where.date_from))
    if where.date_to is not None:
        statement = statement.where(AuditEvent.occurred_at < start_of(where.date_to + timedelta(days=1)))
    return statement


def actor_name(actor_id: int | None, full_name: str | None, username: str | None) -> str:
    return (full_name or username or "") if actor_id is not None else "dòng lệnh trên máy chủ"


def state_text(values: dict[str, Any] | None) -> str:
    """Before or after as one line a person reads: key: value, in the stored order."""
    if not values:
        return ""
    return "; ".join(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in values.items())


def events_of(principal: Principal, where: AuditFilter) -> Select[tuple[AuditEvent]]:
    """The events the principal reads that the filter keeps."""
    return _filtered(_visible(principal), where)


async def list_events(
    session: AsyncSession, principal: Principal, where: AuditFilter, *, limit: int, offset: int
) -> tuple[list[AuditOut], int]:
    """The log newest first, as far as the principal may read it."""
    ids = events_of(principal, where).with_only_columns(AuditEvent.id)
    page, total = await page_of(session, ids, AuditEvent.id.desc(), limit=limit, offset=offset)
    rows = await session.execute(
        select(AuditEvent, User.full_name, User.username)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.id.in_(page))
        .order_by(AuditEvent.id.desc())
    )
    return [
        AuditOut(
            id=event.id,
            occurred_at=event.occurred_at,
            actor_id=event.actor_id,
            actor_name=actor_name(event.actor_id, full_name, username),
            actor_ip=event.actor_ip,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            unit_id=event.unit_id,
            before=event.before,
            after=event.after,
        )
        for event, full_name, username in rows
    ], total


async def actors(session: AsyncSession, principal: Principal) -> list[tuple[int, str]]:
    """Who appears in the part of the log the principal reads, for its filter."""
    rows = await session.execute(
        select(User.id, User.full_name, User.username)
        .where(User.id.in_(_visible(principal).with_only_columns(AuditEvent.actor_id)))
        .order_by(User.full_name, User.username)
    )
    return [(user_id, full_name or username) for user_id, full_name, username in rows]
