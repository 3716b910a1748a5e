"""Signing in: passwords with throttling, API tokens, browser sessions, the first-administrator link."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Generic, Literal, TypeVar

import anyio.to_thread
from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from charity.access import Grant, Principal
from charity.accounts.credentials import digest, new_secret
from charity.accounts.passwords import hash_password, needs_rehash, verify_password
from charity.audit.service import Actor, record
from charity.db import Database
from charity.models import (
    ApiToken,
    LoginAttempt,
    Membership,
    Role,
    SetupToken,
    Unit,
    User,
    WebSession,
    utcnow,
)

TOKEN_LIFETIME = timedelta(hours=12)
SESSION_IDLE = timedelta(minutes=30)
SESSION_LIFETIME = timedelta(hours=12)
# A session's last use is written at most this often, so reading pages does not write on every request.
SESSION_TOUCH_EVERY = timedelta(minutes=1)
SETUP_LINK_LIFETIME = timedelta(hours=24)

THROTTLE_WINDOW = timedelta(minutes=15)
# Failures in the window that throttle one account (whatever the address), and one address (whatever
# the account). An office, a school or a pagoda signs in from behind one address: one person's
# wrong passwords must not lock the others out, while a script trying many accounts still stops.
THROTTLE_FAILURES = 10
THROTTLE_ADDRESS_FAILURES = 100

# Verified against when the username is unknown, so that both failures take the same time.
_DUMMY_HASH = hash_password("not-a-real-password-for-timing")

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SignIn(Generic[T]):
    """The outcome of a password check. Failures carry no reason: an unknown user and a wrong password
    must look the same to the caller. `result` is what the caller did with a successful sign-in."""

    user: User | None = None
    retry_after: int | None = None
    result: T | None = None

    @property
    def throttled(self) -> bool:
        return self.retry_after is not None


async def _retry_after(session: AsyncSession, username: str, ip: str) -> int | None:
    """Seconds to wait when the account or the address reached its failure limit in the window."""
    now = utcnow()
    since = now - THROTTLE_WINDOW
    limits = (
        (LoginAttempt.username, username, THROTTLE_FAILURES),
        (LoginAttempt.ip, ip, THROTTLE_ADDRESS_FAILURES),
    )
    for column, value, limit in limits:
        failures = (
            (
                await session.execute(
                    select(LoginAttempt.occurred_at)
                    .where(
                        column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.occurred_at > since
                    )
                    .order_by(LoginAttempt.occurred_at.desc())
                    .limit(limit)
                )
            )
            .scalars()
            .all()
        )
        if len(failures) >= limit:
            return max(1, int((failures[-1] + THROTTLE_WINDOW - now).total_seconds()) + 1)
    return None


async def _serialize_attempts(session: AsyncSession, username: str, ip: str) -> None:
    """On PostgreSQL, attempts for one account or one address are recorded one at a time, so parallel
    guesses cannot all slip under the limit (SQLite's write transaction already serialises them)."""
    if session.bind.dialect.name != "postgresql":
        return
    for key in sorted({f"login-user:{username}", f"login-ip:{ip}"}):
        await session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key})


@dataclass(frozen=True, slots=True)
class _Checked:
    """A password checked against the stored hash, outside any transaction."""

    user: User | None
    valid: bool
    # The password hashed again with today's parameters, when the stored hash used older ones.
    rehashed: str | None


async def _check(database: Database, username: str, password: str, ip: str) -> _Checked:
    """The password is not even tried while the account or the address is throttled."""
    async with database.read() as session:
        if await _retry_after(session, username, ip) is not None:
            return _Checked(user=None, valid=False, rehashed=None)
        user = (await session.execute(select(User).where(User.username == username))).scalar_one_or_none()
    stored_hash = user.password_hash if user is not None else _DUMMY_HASH
    valid = await anyio.to_thread.run_sync(verify_password, stored_hash, password)
    rehashed = None
    if valid and needs_rehash(stored_hash):
        rehashed = await anyio.to_thread.run_sync(hash_password, password)
    return _Checked(user, valid, rehashed)


async def attempt(
    database: Database,
    session: AsyncSession,
    username: str,
    password: str,
    ip: str,
    on_success: Callable[[AsyncSession, User], Awaitable[T]],
) -> SignIn[T]:
    """Check a password under the throttle and record the attempt, whatever its outcome.

    The password is verified from a read, before the request's write transaction `session` runs its
    first statement (Argon2 takes tens of milliseconds of CPU, and on SQLite a write transaction
    holds the whole database). The attempt is then recorded in `session`, which checks the throttle
    again, and on success runs `on_success` in it (to start a session, issue a token or change the
    password)."""
    username = username.strip().lower()[:64]
    actor = Actor(user_id=None, ip=ip)
    checked = await _check(database, username, password, ip)
    await _serialize_attempts(session, username, ip)
    throttled = await _retry_after(session, username, ip)
    if throttled is not None:
        await record(
            session, actor, "login.throttled", after={"username": username, "retry_after": throttled}
        )
        return SignIn(retry_after=throttled)
    user = checked.user
    current = await session.get(User, user.id) if user is not None else None
    # The password must still be the one verified: a reset in between wins.
    succeeded = (
        checked.valid
        and current is not None
        and current.is_active
        and current.password_hash == user.password_hash
    )
    session.add(LoginAttempt(username=username, ip=ip, succeeded=succeeded))
    if not succeeded or current is None:
        await record(session, actor, "login.failure", after={"username": username})
        return SignIn()
    if checked.rehashed is not None:
        current.password_hash = checked.rehashed
    await record(
        session, Actor(user_id=current.id, ip=ip), "login.success", object_type="user", object_id=current.id
    )
    return SignIn(user=current, result=await on_success(session, current))


async def issue_api_token(session: AsyncSession, user: User, ip: str) -> tuple[str, ApiToken]:
    secret = new_secret()
    token = ApiToken(
        user_id=user.id, token_hash=digest(secret), expires_at=utcnow() + TOKEN_LIFETIME, created_ip=ip
    )
    session.add(token)
    await session.flush()
    return secret, token


async def revoke_api_token(session: AsyncSession, principal: Principal, ip: str) -> None:
    await session.execute(
        update(ApiToken).where(ApiToken.id == principal.credential_id).values(revoked_at=utcnow())
    )
    await record(session, Actor(principal.user_id, ip), "token.revoke", object_type="api_token")


async def start_web_session(
    session: AsyncSession, user: User, ip: str, *, replacing: str | None = None
) -> tuple[str, WebSession]:
    """A new session id for a user who just proved who they are. Any session the browser held before
    is ended, so an id planted before sign-in is worthless after it (session fixation)."""
    if replacing:
        await session.execute(
            update(WebSession)
            .where(WebSession.token_hash == digest(replacing), WebSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
    secret = new_secret()
    now = utcnow()
    web_session = WebSession(
        user_id=user.id,
        token_hash=digest(secret),
        created_at=now,
        last_seen_at=now,
        expires_at=now + SESSION_LIFETIME,
        created_ip=ip,
    )
    session.add(web_session)
    await session.flush()
    return secret, web_session


async def end_web_session(session: AsyncSession, principal: Principal, ip: str) -> None:
    await session.execute(
        update(WebSession).where(WebSession.id == principal.credential_id).values(revoked_at=utcnow())
    )
    await record(
        session, Actor(principal.user_id, ip), "logout", object_type="user", object_id=principal.user_id
    )


async def revoke_credentials(session: AsyncSession, user_id: int, *, keep: Principal | None = None) -> None:
    """End every session and token of a user (deactivated, or password changed), except the one the
    user is acting through when they changed their own password."""
    now = utcnow()
    for model, credential in ((ApiToken, "token"), (WebSession, "session")):
        statement = update(model).where(model.user_id == user_id, model.revoked_at.is_(None))
        if keep is not None and keep.credential == credential:
            statement = statement.where(model.id != keep.credential_id)
        await session.execute(statement.values(revoked_at=now))


# The user behind a credential, with every membership (outer join), in one statement.
_USER_WITH_GRANTS = (
    select(
        User.id, User.username, User.full_name, User.is_admin, Membership.unit_id, Membership.role, Unit.name
    )
    .outerjoin(Membership, Membership.user_id == User.id)
    .outerjoin(Unit, Unit.id == Membership.unit_id)
    .where(User.is_active.is_(True))
    .order_by(Membership.unit_id, Membership.role)
)


def _principal(
    rows: Sequence[Sequence[Any]], credential: Literal["token", "session"], credential_id: int
) -> Principal | None:
    if not rows:
        return None
    user_id, username, full_name, is_admin = rows[0][:4]
    return Principal(
        user_id=user_id,
        username=username,
        full_name=full_name,
        is_admin=is_admin,
        grants=tuple(
            Grant(unit_id, Role(role), unit_name)
            for unit_id, role, unit_name in (row[4:7] for row in rows)
            if unit_id is not None
        ),
        credential=credential,
        credential_id=credential_id,
    )


_TOKEN_PRINCIPAL = (
    _USER_WITH_GRANTS.add_columns(ApiToken.id)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(
        ApiToken.token_hash == bindparam("token_hash"),
        ApiToken.revoked_at.is_(None),
        ApiToken.expires_at > bindparam("now"),
    )
)


async def principal_for_token(session: AsyncSession, secret: str) -> Principal | None:
    """The principal behind a bearer token: its user, if active, with every role, while the token is
    neither revoked nor expired."""
    rows = (await session.execute(_TOKEN_PRINCIPAL, {"token_hash": digest(secret), "now": utcnow()})).all()
    return _principal(rows, "token", rows[0][-1]) if rows else None


async def find_web_session(session: AsyncSession, secret: str) -> WebSession | None:
    """The live session with this id: not revoked, not idle for too long, not past its lifetime."""
    now = utcnow()
    return (
        await session.execute(
            select(WebSession).where(
                WebSession.token_hash == digest(secret),
                WebSession.revoked_at.is_(None),
                WebSession.expires_at > now,
                WebSession.last_seen_at > now - SESSION_IDLE,
            )
        )
    ).scalar_one_or_none()


async def principal_for_session(session: AsyncSession, web_session: WebSession) -> Principal | None:
    rows = (await session.execute(_USER_WITH_GRANTS.where(User.id == web_session.user_id))).all()
    return _principal(rows, "session", web_session.id)


def session_needs_touch(web_session: WebSession) -> bool:
    return utcnow() - web_session.last_seen_at >= SESSION_TOUCH_EVERY


async def create_setup_link(session: AsyncSession) -> str | None:
    """A fresh one-time setup secret while no user exists (older unused links stop working);
    None once there are users."""
    if (await session.execute(select(func.count()).select_from(User))).scalar_one():
        return None
    now = utcnow()
    await session.execute(update(SetupToken).where(SetupToken.used_at.is_(None)).values(used_at=now))
    secret = new_secret()
    session.add(SetupToken(token_hash=digest(secret), created_at=now, expires_at=now + SETUP_LINK_LIFETIME))
    await session.flush()
    return secret


async def use_setup_token(session: AsyncSession, token_id: int) -> bool:
    """Mark the link used; False when a concurrent request used it first."""
    result = await session.execute(
        update(SetupToken)
        .where(SetupToken.id == token_id, SetupToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    return result.rowcount == 1


async def find_setup_token(session: AsyncSession, secret: str) -> SetupToken | None:
    """The setup link's row if it can still be used: unused, unexpired, and no user exists yet."""
    if (await session.execute(select(func.count()).select_from(User))).scalar_one():
        return None
    return (
        await session.execute(
            select(SetupToken).where(
                SetupToken.token_hash == digest(secret),
                SetupToken.used_at.is_(None),
                SetupToken.expires_at > utcnow(),
            )
        )
    ).scalar_one_or_none()
