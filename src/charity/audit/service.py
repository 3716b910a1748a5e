"""Audit events: every change and every sensitive read is written down in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from charity.models import AuditEvent


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: a signed-in user, or the command line (user_id None) on the server itself."""

    user_id: int | None
    ip: str

    @classmethod
    def command_line(cls) -> Actor:
        return cls(user_id=None, ip="cli")


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
) -> AuditEvent:
    event = AuditEvent(
        actor_id=actor.user_id,
        actor_ip=actor.ip,
        action=action,
        object_type=object_type,
        object_id=object_id,
        unit_id=unit_id,
        before=before,
        after=after,
    )
    session.add(event)
    await session.flush()
    return event
