from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlmodel import Field, SQLModel

from charity.models.base import UTCDateTime, utcnow


class ApiToken(SQLModel, table=True):
    """A bearer token for the JSON API. Only its SHA-256 is stored; the token itself is shown once."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    token_hash: str = Field(sa_type=String(64), unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_ip: str = Field(default="", sa_type=String(64))


class WebSession(SQLModel, table=True):
    """A signed-in browser. The cookie holds a random id; only its SHA-256 is stored, so a copy of the
    database does not let anyone sign in. Sessions end after `IDLE` without use or at `expires_at`."""

    __tablename__ = "web_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    token_hash: str = Field(sa_type=String(64), unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_ip: str = Field(default="", sa_type=String(64))


class LoginAttempt(SQLModel, table=True):
    """Every sign-in attempt, kept so that throttling works across server processes."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_username_occurred_at", "username", "occurred_at"),
        Index("ix_login_attempt_ip_occurred_at", "ip", "occurred_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    username: str = Field(sa_type=String(64))
    ip: str = Field(sa_type=String(64))
    succeeded: bool


class SetupToken(SQLModel, table=True):
    """The one-time link that creates the first administrator; it dies when used."""

    __tablename__ = "setup_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(sa_type=String(64), unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
