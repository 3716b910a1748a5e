"""Audit events: every change and every sensitive read is written down in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict, Unpack

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from charity.models import AuditEvent, utcnow


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: a signed-in user, or the command line (user_id None) on the server itself."""

    user_id: int | None
    ip: str

    @classmethod
    def command_line(cls) -> Actor:
        return cls(user_id=None, ip="cli")


class Details(TypedDict, total=False):
    """What an audit event may say beyond who did what."""

    object_type: str
    object_id: int | None
    unit_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


_INSERT_EVENT = insert(AuditEvent.__table__)


async def record(session: AsyncSession, actor: Actor, action: str, **details: Unpack[Details]) -> None:
    """Write down who did what, in the transaction that does it."""
    await session.execute(
        _INSERT_EVENT,
        {
            "occurred_at": utcnow(),
            "actor_id": actor.user_id,
            "actor_ip": actor.ip,
            "action": action,
            "object_type": details.get("object_type", ""),
            "object_id": details.get("object_id"),
            "unit_id": details.get("unit_id"),
            "before": details.get("before"),
            "after": details.get("after"),
        },
    )
