"""Users and memberships: who exists, who holds which role where, and who may manage whom."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import anyio.to_thread
from sqlalchemy import Select, and_, exists, func, not_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from charity.access import Principal, scope_units
from charity.accounts.passwords import hash_password, password_problem
from charity.accounts.signin import SignIn, attempt, revoke_credentials
from charity.audit.service import Actor, record
from charity.db import Database, page_of
from charity.errors import Conflict, Forbidden, Invalid, NotFound
from charity.models import Membership, Role, Unit, User
from charity.text import clean

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
FULL_NAME_MAX = 200


@dataclass(frozen=True, slots=True)
class MembershipView:
    id: int
    unit_id: int
    unit_code: str
    unit_name: str
    role: Role


@dataclass(frozen=True, slots=True)
class UserView:
    user: User
    memberships: list[MembershipView]


def normalize_username(username: str) -> str:
    """Usernames ignore case: they are stored and compared in lower case."""
    normalized = username.strip().lower()
    if not USERNAME_PATTERN.fullmatch(normalized):
        raise Invalid(
            "Tên đăng nhập dài 3–64 ký tự, gồm chữ cái không dấu, chữ số, dấu chấm, gạch ngang"
            " hoặc gạch dưới, bắt đầu bằng chữ cái hoặc chữ số.",
            field="username",
        )
    return normalized


def _full_name(full_name: str) -> str:
    full_name = clean(full_name)
    if len(full_name) > FULL_NAME_MAX:
        raise Invalid(f"Họ tên dài quá {FULL_NAME_MAX} ký tự.", field="full_name")
    return full_name


def _check_password(password: str, username: str) -> None:
    problem = password_problem(password, username)
    if problem:
        raise Invalid(problem, field="password")


@dataclass(frozen=True, slots=True)
class NewPassword:
    """A password someone chose, hashed with `of` before the write transaction that stores it runs
    its first statement: Argon2 takes tens of milliseconds of CPU, and on SQLite a write transaction
    holds the whole database. The plain text stays to check it against the username (`check`)."""

    plain: str
    hash: str

    @classmethod
    async def of(cls, password: str) -> NewPassword:
        _check_password(password, "")
        return cls(password, await anyio.to_thread.run_sync(hash_password, password))

    def check(self, username: str) -> None:
        _check_password(self.plain, username)


# Who may manage whom --------------------------------------------------------------------------------


def _managed_by(principal: Principal) -> Select[tuple[int]]:
    """Users a coordinator manages: not admins, with at least one membership, every one of them a
    volunteer role inside the coordinator's scope."""
    scope = scope_units(principal, [Role.COORDINATOR])
    outside = exists().where(
        Membership.user_id == User.id,
        or_(Membership.role != Role.VOLUNTEER, not_(Membership.unit_id.in_(scope))),
    )
    has_any = exists().where(Membership.user_id == User.id)
    return select(User.id).where(User.is_admin.is_(False), has_any, not_(outside))


def _visible(principal: Principal, statement: Select[tuple[User]]) -> Select[tuple[User]]:
    if principal.is_admin:
        return statement
    if Role.COORDINATOR in principal.roles:
        return statement.where(User.id.in_(_managed_by(principal)))
    return statement.where(False)


async def _in_coordinator_scope(session: AsyncSession, principal: Principal, unit_id: int) -> bool:
    scope = scope_units(principal, [Role.COORDINATOR])
    return (
        await session.execute(select(Unit.id).where(Unit.id == unit_id, Unit.id.in_(scope)))
    ).first() is not None


async def _check_grant(session: AsyncSession, principal: Principal, unit_id: int, role: Role) -> Unit:
    """The unit of a membership the principal may grant: admins any, coordinators volunteer roles in scope."""
    unit = await session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("Không có đơn vị này.", field="unit_id")
    if principal.is_admin:
        return unit
    if not await _in_coordinator_scope(session, principal, unit_id):
        raise NotFound("Không có đơn vị này.", field="unit_id")
    if role != Role.VOLUNTEER:
        raise Forbidden("Điều phối viên chỉ được cấp vai trò tình nguyện viên.", field="role")
    return unit


async def grantable_units(session: AsyncSession, principal: Principal) -> list[Unit]:
    """The units where the principal may grant a role (see `_check_grant`): every unit for an admin,
    the coordinator's scope for a coordinator."""
    statement = select(Unit)
    if not principal.is_admin:
        statement = statement.where(Unit.id.in_(scope_units(principal, [Role.COORDINATOR])))
    return list((await session.execute(statement)).scalars())


# Reading --------------------------------------------------------------------------------------------


async def _memberships(session: AsyncSession, user_ids: Sequence[int]) -> dict[int, list[MembershipView]]:
    rows = await session.execute(
        select(Membership.id, Membership.user_id, Unit.id, Unit.code, Unit.name, Membership.role)
        .join(Unit, Unit.id == Membership.unit_id)
        .where(Membership.user_id.in_(user_ids))
        .order_by(Unit.code, Membership.role)
    )
    result: dict[int, list[MembershipView]] = {user_id: [] for user_id in user_ids}
    for membership_id, user_id, unit_id, code, name, role in rows:
        result[user_id].append(MembershipView(membership_id, unit_id, code, name, Role(role)))
    return result


async def list_users(
    session: AsyncSession, principal: Principal, *, limit: int, offset: int
) -> tuple[list[UserView], int]:
    visible = _visible(principal, select(User))
    users, total = await page_of(session, visible, User.username, limit=limit, offset=offset)
    memberships = await _memberships(session, [user.id for user in users])
    return [UserView(user, memberships[user.id]) for user in users], total


async def get_user(session: AsyncSession, principal: Principal, user_id: int) -> UserView:
    user = (
        await session.execute(_visible(principal, select(User).where(User.id == user_id)))
    ).scalar_one_or_none()
    if user is None:
        raise NotFound("Không có người dùng này.")
    return UserView(user, (await _memberships(session, [user.id]))[user.id])


async def view_of(session: AsyncSession, user: User) -> UserView:
    return UserView(user, (await _memberships(session, [user.id]))[user.id])


# Changing -------------------------------------------------------------------------------------------


async def create_user(
    session: AsyncSession,
    actor: Actor,
    *,
    username: str,
    password: NewPassword,
    full_name: str = "",
    is_admin: bool = False,
    grants: Sequence[tuple[Unit, Role]] = (),
) -> User:
    username = normalize_username(username)
    full_name = _full_name(full_name)
    password.check(username)
    if (await session.execute(select(User.id).where(User.username == username))).first():
        raise Conflict(f"Tên đăng nhập {username} đã được dùng.", field="username")
    user = User(username=username, full_name=full_name, password_hash=password.hash, is_admin=is_admin)
    session.add(user)
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict(f"Tên đăng nhập {username} đã được dùng.", field="username") from None
    session.add_all(Membership(user_id=user.id, unit_id=unit.id, role=role) for unit, role in grants)
    await session.flush()
    await record(
        session,
        actor,
        "user.create",
        object_type="user",
        object_id=user.id,
        unit_id=grants[0][0].id if grants else None,
        after={
            "username": username,
            "full_name": full_name,
            "is_admin": is_admin,
            "memberships": [{"unit": unit.code, "role": role.value} for unit, role in grants],
        },
    )
    return user


async def create_user_as(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    *,
    username: str,
    password: NewPassword,
    full_name: str,
    is_admin: bool,
    grants: Sequence[tuple[int, Role]],
) -> User:
    """Create a user on behalf of a signed-in admin or coordinator, within what they may grant."""
    if not principal.is_admin:
        if is_admin:
            raise Forbidden("Chỉ quản trị viên mới tạo được tài khoản quản trị.", field="is_admin")
        if not grants:
            raise Invalid("Người dùng mới cần ít nhất một vai trò tại một đơn vị.", field="memberships")
    if len(set(grants)) != len(grants):
        raise Invalid("Mỗi vai trò tại một đơn vị chỉ ghi một lần.", field="memberships")
    units = [(await _check_grant(session, principal, unit_id, role), role) for unit_id, role in grants]
    return await create_user(
        session,
        actor,
        username=username,
        password=password,
        full_name=full_name,
        is_admin=is_admin,
        grants=units,
    )


async def _managed_user(session: AsyncSession, principal: Principal, user_id: int) -> User:
    return (await get_user(session, principal, user_id)).user


async def _admin_count(session: AsyncSession) -> int:
    return (
        await session.execute(
            select(func.count()).select_from(User).where(User.is_admin.is_(True), User.is_active.is_(True))
        )
    ).scalar_one()


async def update_user(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    user_id: int,
    *,
    full_name: str | None = None,
    is_admin: bool | None = None,
) -> User:
    user = await _managed_user(session, principal, user_id)
    before = {"full_name": user.full_name, "is_admin": user.is_admin}
    if full_name is not None:
        user.full_name = _full_name(full_name)
    if is_admin is not None and is_admin != user.is_admin:
        if not principal.is_admin:
            raise Forbidden("Chỉ quản trị viên mới cấp hoặc thu hồi quyền quản trị.", field="is_admin")
        if not is_admin and user.is_active and await _admin_count(session) <= 1:
            raise Conflict("Không thể thu hồi quyền của quản trị viên cuối cùng.", field="is_admin")
        user.is_admin = is_admin
    await session.flush()
    await record(
        session,
        actor,
        "user.update",
        object_type="user",
        object_id=user.id,
        before=before,
        after={"full_name": user.full_name, "is_admin": user.is_admin},
    )
    return user


async def set_active(
    session: AsyncSession, principal: Principal, actor: Actor, user_id: int, *, active: bool
) -> User:
    user = await _managed_user(session, principal, user_id)
    if not active and user.id == principal.user_id:
        raise Conflict("Không thể tự khóa tài khoản của chính mình.")
    if not active and user.is_admin and user.is_active and await _admin_count(session) <= 1:
        raise Conflict("Không thể khóa quản trị viên cuối cùng.")
    if user.is_active != active:
        user.is_active = active
        if not active:
            await revoke_credentials(session, user.id)
        await session.flush()
        await record(
            session,
            actor,
            "user.activate" if active else "user.deactivate",
            object_type="user",
            object_id=user.id,
        )
    return user


async def reset_password(
    session: AsyncSession, principal: Principal, actor: Actor, user_id: int, *, password: NewPassword
) -> User:
    if user_id == principal.user_id:
        raise Conflict("Hãy đổi mật khẩu của mình bằng chức năng đổi mật khẩu (cần mật khẩu hiện tại).")
    user = await _managed_user(session, principal, user_id)
    password.check(user.username)
    user.password_hash = password.hash
    await revoke_credentials(session, user.id)
    await session.flush()
    await record(session, actor, "user.password_reset", object_type="user", object_id=user.id)
    return user


async def change_own_password(
    database: Database,
    session: AsyncSession,
    principal: Principal,
    ip: str,
    *,
    current: str,
    new: NewPassword,
) -> SignIn[None]:
    """Change one's own password in the write transaction `session`. The current password is checked
    like a sign-in (throttled and audited), and every other session and token of the user ends."""
    new.check(principal.username)

    async def change(session: AsyncSession, user: User) -> None:
        user.password_hash = new.hash
        await revoke_credentials(session, user.id, keep=principal)
        await session.flush()
        await record(
            session, Actor(user.id, ip), "user.password_change", object_type="user", object_id=user.id
        )

    return await attempt(database, session, principal.username, current, ip, change)


async def add_membership(
    session: AsyncSession, principal: Principal, actor: Actor, user_id: int, *, unit_id: int, role: Role
) -> Membership:
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound("Không có người dùng này.")
    if not principal.is_admin and user_id not in set(
        (await session.execute(_managed_by(principal))).scalars()
    ):
        # Coordinators extend only the volunteers they already manage.
        raise NotFound("Không có người dùng này.")
    unit = await _check_grant(session, principal, unit_id, role)
    duplicate = and_(Membership.user_id == user_id, Membership.unit_id == unit_id, Membership.role == role)
    if (await session.execute(select(Membership.id).where(duplicate))).first():
        raise Conflict("Người dùng đã có vai trò này tại đơn vị này.", field="role")
    membership = Membership(user_id=user_id, unit_id=unit.id, role=role)
    session.add(membership)
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict("Người dùng đã có vai trò này tại đơn vị này.", field="role") from None
    await record(
        session,
        actor,
        "membership.add",
        object_type="user",
        object_id=user_id,
        unit_id=unit.id,
        after={"unit": unit.code, "role": role.value},
    )
    return membership


async def remove_membership(
    session: AsyncSession, principal: Principal, actor: Actor, user_id: int, membership_id: int
) -> None:
    await _managed_user(session, principal, user_id)
    membership = await session.get(Membership, membership_id)
    if membership is None or membership.user_id != user_id:
        raise NotFound("Không có vai trò này.")
    await _check_grant(session, principal, membership.unit_id, Role(membership.role))
    others = await session.execute(
        select(Membership.id).where(Membership.user_id == user_id, Membership.id != membership_id)
    )
    if not principal.is_admin and others.first() is None:
        # The user would drop out of every coordinator's sight with nobody but an admin able to lock them.
        raise Conflict("Đây là vai trò cuối cùng của người dùng: hãy khóa tài khoản thay vì gỡ vai trò.")
    await session.delete(membership)
    await session.flush()
    await record(
        session,
        actor,
        "membership.remove",
        object_type="user",
        object_id=user_id,
        unit_id=membership.unit_id,
        before={"unit_id": membership.unit_id, "role": membership.role},
    )
