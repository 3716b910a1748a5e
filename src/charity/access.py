"""Who may do what: route access rules and the scope of a user's units.

Permission table (every route declares one of these rules; a route that declares none is refused):

| what                                   | volunteer | coordinator | auditor | admin |
|----------------------------------------|-----------|-------------|---------|-------|
| sign in, see themselves, change password | yes     | yes         | yes     | yes   |
| read units                             | scope     | scope       | scope   | all   |
| create and change units                | –         | –           | –       | yes   |
| read users                             | –         | their volunteers | –  | all   |
| create users, grant memberships        | –         | volunteers in scope | – | all  |
| deactivate, reset passwords            | –         | their volunteers | –  | all   |
| record gifts and donors                | scope     | scope       | –       | –     |
| read gifts                             | own       | scope       | scope   | –     |
| drives, receipt books, voids, printing | –         | scope       | –       | –     |
| beneficiaries, distributions           | –         | scope       | read    | –     |
| books, exports, ledger verification    | –         | scope       | scope   | –     |
| registers (receipts, voids, books)     | –         | scope       | scope   | –     |
| read closed periods                    | –         | scope       | scope   | all   |
| close a month (khóa sổ)                | –         | scope       | –       | all   |
| reopen a closed month                  | –         | –           | –       | yes   |

"Scope" is the units where the user holds the role, and every unit below them. Objects outside the
caller's scope answer 404, exactly as objects that do not exist, so ids cannot be probed. `admin` is
global for units and users, and closes and reopens months anywhere: it is not implicitly a
coordinator anywhere. "Their volunteers" are users whose every membership is a volunteer role inside
the coordinator's scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from sqlalchemy import Select, select

from charity.models import Role, Unit

ACCESS_KEY = "access"
ADMIN = "admin"
Grantee = Role | Literal["admin"]


@dataclass(frozen=True, slots=True)
class Access:
    """The rule a route declares. `public` routes need no sign-in; otherwise the caller must be signed
    in and, when `grantees` is not empty, be an admin (if listed) or hold one of the listed roles."""

    public: bool = False
    grantees: frozenset[str] = frozenset()

    def permits(self, principal: Principal) -> bool:
        if self.public or not self.grantees:
            return True
        if principal.is_admin and ADMIN in self.grantees:
            return True
        return bool(self.grantees & principal.roles)


def public() -> dict[str, Any]:
    """Route option: anyone, signed in or not."""
    return {ACCESS_KEY: Access(public=True)}


def signed_in() -> dict[str, Any]:
    """Route option: any signed-in user."""
    return {ACCESS_KEY: Access()}


def allow(*grantees: Grantee) -> dict[str, Any]:
    """Route option: signed-in users holding one of these roles (or admins, when "admin" is listed)."""
    if not grantees:
        raise ValueError("allow() needs at least one role; use signed_in() for any signed-in user")
    return {ACCESS_KEY: Access(grantees=frozenset(str(grantee) for grantee in grantees))}


def may(principal: Principal, *grantees: Grantee) -> bool:
    """Whether the principal passes `allow(*grantees)`: pages offer an action only to those who may use it."""
    return Access(grantees=frozenset(str(grantee) for grantee in grantees)).permits(principal)


@dataclass(frozen=True, slots=True)
class Grant:
    unit_id: int
    role: Role
    unit_name: str = ""


@dataclass(frozen=True, slots=True)
class Principal:
    """The signed-in user of a request, with the credential that proved it."""

    user_id: int
    username: str
    full_name: str
    is_admin: bool
    grants: tuple[Grant, ...]
    credential: Literal["token", "session"]
    credential_id: int

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(grant.role.value for grant in self.grants)

    def units_where(self, roles: Iterable[Role]) -> list[int]:
        wanted = set(roles)
        return sorted({grant.unit_id for grant in self.grants if grant.role in wanted})


@lru_cache(maxsize=4096)
def units_below(unit_ids: tuple[int, ...]) -> Select[tuple[int]]:
    """The ids of these units and of every unit below them, as a subquery (one recursive CTE). A
    statement never changes once built, and building this one costs more than running it: every
    request of a user asks for the same scope."""
    tree = select(Unit.id).where(Unit.id.in_(unit_ids)).cte(recursive=True)
    tree = tree.union(select(Unit.id).where(Unit.parent_id == tree.c.id))
    return select(tree.c.id)


def scope_units(principal: Principal, roles: Iterable[Role] = tuple(Role)) -> Select[tuple[int]]:
    """The units a principal may act on with any of these roles: the one shared scope helper."""
    return units_below(tuple(principal.units_where(roles)))
