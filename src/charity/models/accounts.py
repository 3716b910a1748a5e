from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from charity.models.base import UTCDateTime, one_of, utcnow


class Role(StrEnum):
    VOLUNTEER = "volunteer"
    COORDINATOR = "coordinator"
    AUDITOR = "auditor"


class User(SQLModel, table=True):
    """A person who signs in. `is_admin` is global; every other right comes from memberships."""

    __tablename__ = "user_account"
    # Usernames are stored folded to lower case, so uniqueness ignores case on every engine.
    __table_args__ = (CheckConstraint("username = lower(username)", name="username_lower"),)

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(sa_type=String(64), unique=True)
    full_name: str = Field(default="", sa_type=String(200))
    password_hash: str = Field(sa_type=String(255))
    is_admin: bool = Field(default=False)
    is_active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Membership(SQLModel, table=True):
    """A role a user holds on a unit; its scope is that unit and every unit below it."""

    __tablename__ = "membership"
    __table_args__ = (
        UniqueConstraint("user_id", "unit_id", "role"),
        one_of("role", Role),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    role: str = Field(sa_type=String(20))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
