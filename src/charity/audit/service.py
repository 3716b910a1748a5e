"""Audit events: every change and every sensitive read is written down in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from charity.direct import Direct
from charity.models import AuditEvent, utcnow


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: a signed-in user, or the command line (user_id None) on the server itself."""

    user_id: int | None
    ip: str

    @classmethod
    def command_line(cls) -> Actor:
        return cls(user_id=None, ip="cli")


INSERT_EVENT = Direct(insert(AuditEvent.__table__))


def event(
    actor: Actor,
    action: str,
    *,
    object_type: str = "",
    object_id: int | None = None,
    unit_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An audit event's row, for `record` or for a statement that writes it with other rows."""
    return {
        "occurred_at": utcnow(),
        "actor_id": actor.user_id,
        "actor_ip": actor.ip,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "unit_id": unit_id,
        "before": before,
        "after": after,
    }


async def record(
    session: AsyncSession,
    actor: Actor,
    action: str,
    *,
    object_type: str = "",
    object_id: int | None = None,
    unit_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    # A plain INSERT: events are never read back in the request that writes them.
    row = event(
        actor,
        action,
        object_type=object_type,
        object_id=object_id,
        unit_id=unit_id,
        before=before,
        after=after,
    )
    await INSERT_EVENT.rows(session, row)
