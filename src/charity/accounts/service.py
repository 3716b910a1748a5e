"""Users and their memberships."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from charity.accounts.passwords import hash_password, password_problem
from charity.audit.service import Actor, record
from charity.errors import Conflict, Invalid
from charity.models import Membership, Role, User
from charity.text import clean
from charity.units.service import get_by_code

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
FULL_NAME_MAX = 200


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


def check_password(password: str, username: str) -> None:
    problem = password_problem(password, username)
    if problem:
        raise Invalid(problem, field="password")


async def count_users(session: AsyncSession) -> int:
    return (await session.execute(select(func.count()).select_from(User))).scalar_one()


async def create_user(
    session: AsyncSession,
    actor: Actor,
    *,
    username: str,
    password: str,
    full_name: str = "",
    is_admin: bool = False,
    role: Role | None = None,
    unit_code: str | None = None,
) -> User:
    username = normalize_username(username)
    full_name = clean(full_name)
    if len(full_name) > FULL_NAME_MAX:
        raise Invalid(f"Họ tên dài quá {FULL_NAME_MAX} ký tự.", field="full_name")
    check_password(password, username)
    if (role is None) != (unit_code is None):
        raise Invalid("Vai trò và đơn vị phải đi cùng nhau.", field="role")
    unit = await get_by_code(session, unit_code, field="unit") if unit_code else None
    if (await session.execute(select(User.id).where(User.username == username))).first():
        raise Conflict(f"Tên đăng nhập {username} đã được dùng.", field="username")
    user = User(
        username=username, full_name=full_name, password_hash=hash_password(password), is_admin=is_admin
    )
    session.add(user)
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict(f"Tên đăng nhập {username} đã được dùng.", field="username") from None
    if role is not None and unit is not None:
        session.add(Membership(user_id=user.id, unit_id=unit.id, role=role))
        await session.flush()
    await record(
        session,
        actor,
        "user.create",
        object_type="user",
        object_id=user.id,
        unit_id=unit.id if unit else None,
        after={
            "username": username,
            "full_name": full_name,
            "is_admin": is_admin,
            "role": role.value if role else None,
            "unit": unit.code if unit else None,
        },
    )
    return user
