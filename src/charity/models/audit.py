from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlmodel import Field, SQLModel

from charity.models.base import UTCDateTime, utcnow


class AuditEvent(SQLModel, table=True):
    """Who did what, when and from where, with the state before and after."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    actor_ip: str = Field(default="", sa_type=String(64))
    action: str = Field(sa_type=String(64), index=True)
    object_type: str = Field(default="", sa_type=String(40))
    object_id: int | None = None
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    before: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    after: dict[str, Any] | None = Field(default=None, sa_type=JSON)
