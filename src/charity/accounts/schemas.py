from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec

from charity.accounts.service import MembershipView, UserView
from charity.fields import Id, Text
from charity.models import Role


class TokenRequest(msgspec.Struct):
    username: Text
    password: Text


class TokenOut(msgspec.Struct):
    access_token: str
    expires_at: datetime
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth 2 token type, not a secret


class MembershipIn(msgspec.Struct, forbid_unknown_fields=True):
    unit_id: Id
    role: Role


class MembershipOut(msgspec.Struct):
    id: int
    unit_id: int
    unit_code: str
    unit_name: str
    role: Role

    @classmethod
    def of(cls, view: MembershipView) -> MembershipOut:
        return cls(view.id, view.unit_id, view.unit_code, view.unit_name, view.role)


class UserCreate(msgspec.Struct, forbid_unknown_fields=True):
    username: Text
    password: Text
    full_name: Text = ""
    is_admin: bool = False
    memberships: list[MembershipIn] = msgspec.field(default_factory=list)


class UserUpdate(msgspec.Struct, forbid_unknown_fields=True):
    full_name: Text | None = None
    is_admin: bool | None = None


class PasswordReset(msgspec.Struct, forbid_unknown_fields=True):
    password: Text


class PasswordChange(msgspec.Struct, forbid_unknown_fields=True):
    current_password: Text
    new_password: Text


class UserOut(msgspec.Struct):
    id: int
    username: str
    full_name: str
    is_admin: bool
    is_active: bool
    created_at: datetime
    memberships: list[MembershipOut]

    @classmethod
    def of(cls, view: UserView) -> UserOut:
        user = view.user
        return cls(
            id=user.id,
            username=user.username,
            full_name=user.full_name,
            is_admin=user.is_admin,
            is_active=user.is_active,
            created_at=user.created_at,
            memberships=[MembershipOut.of(m) for m in view.memberships],
        )


class ScopeUnit(msgspec.Struct):
    id: int
    code: str
    name: str


class MeOut(msgspec.Struct):
    user: UserOut
    scope: list[ScopeUnit]
