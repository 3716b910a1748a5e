"""JSON API: tokens, the caller, and user administration."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.datastructures import State
from litestar.pagination import OffsetPagination
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT
from sqlalchemy import select

from charity.access import ADMIN, allow, public, scope_units, signed_in
from charity.accounts import service, signin
from charity.accounts.schemas import (
    MembershipIn,
    MeOut,
    PasswordChange,
    PasswordReset,
    ScopeUnit,
    TokenOut,
    TokenRequest,
    UserCreate,
    UserOut,
    UserUpdate,
)
from charity.fields import DEFAULT_PAGE, Limit, Offset, PathId
from charity.models import Role, Unit
from charity.requests import Acting, Caller, DbSession, client_ip, database_of

USER_MANAGERS = (ADMIN, Role.COORDINATOR)
THROTTLED = "Đăng nhập sai quá nhiều lần. Hãy thử lại sau ít phút."


class AuthController(Controller):
    path = "/api/auth/token"
    tags = ("auth",)

    @post(opt=public(), status_code=HTTP_201_CREATED, summary="Sign in for a bearer token")
    async def create_token(
        self, request: Request, state: State, session: DbSession, data: JSONBody[TokenRequest]
    ) -> Response[TokenOut]:
        """Exchange a username and password for a bearer token (12 hours)."""
        ip = client_ip(request)
        outcome = await signin.attempt(
            database_of(state),
            session,
            data.username,
            data.password,
            ip,
            lambda session, user: signin.issue_api_token(session, user, ip),
        )
        if outcome.throttled:
            return throttled(outcome.retry_after)
        if outcome.result is None:
            return Response(
                {"status_code": 401, "detail": "Tên đăng nhập hoặc mật khẩu không đúng."},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        secret, token = outcome.result
        return Response(
            TokenOut(access_token=secret, expires_at=token.expires_at), status_code=HTTP_201_CREATED
        )

    @delete(opt=signed_in(), status_code=HTTP_204_NO_CONTENT, summary="Sign out this token")
    async def revoke_token(self, request: Request, session: DbSession, principal: Caller) -> None:
        """Revoke the token this request carries."""
        await signin.revoke_api_token(session, principal, client_ip(request))


class MeController(Controller):
    path = "/api/me"
    tags = ("auth",)

    @get(opt=signed_in(), summary="The caller and their scope")
    async def me(self, session: DbSession, principal: Caller) -> MeOut:
        """The caller, their memberships, and every unit in their scope."""
        view = await service.view_of(session, await session.get_one(service.User, principal.user_id))
        units = (
            await session.execute(select(Unit).where(Unit.id.in_(scope_units(principal))).order_by(Unit.code))
        ).scalars()
        return MeOut(user=UserOut.of(view), scope=[ScopeUnit(u.id, u.code, u.name) for u in units])

    @post("/password", opt=signed_in(), status_code=HTTP_204_NO_CONTENT, summary="Change one's own password")
    async def change_password(
        self,
        request: Request,
        state: State,
        session: DbSession,
        principal: Caller,
        data: JSONBody[PasswordChange],
    ) -> Response[None]:
        """Change one's own password; every other session and token of the user ends."""
        outcome = await service.change_own_password(
            database_of(state),
            session,
            principal,
            client_ip(request),
            current=data.current_password,
            new=await service.NewPassword.of(data.new_password),
        )
        if outcome.throttled:
            return throttled(outcome.retry_after)
        if outcome.user is None:
            return Response(
                {
                    "status_code": 422,
                    "detail": "Mật khẩu hiện tại không đúng.",
                    "extra": {"field": "current_password"},
                },
                status_code=422,
            )
        return Response(None, status_code=HTTP_204_NO_CONTENT)


def throttled(retry_after: int | None) -> Response[Any]:
    return Response(
        {"status_code": 429, "detail": THROTTLED},
        status_code=429,
        headers={"Retry-After": str(retry_after)},
    )


class UserController(Controller):
    path = "/api/users"
    tags = ("users",)

    @get(
        opt=allow(*USER_MANAGERS),
        summary="List users",
        description="Those the caller manages: every user for an admin, their volunteers for a coordinator.",
    )
    async def list_users(
        self, session: DbSession, principal: Caller, limit: Limit = DEFAULT_PAGE, offset: Offset = 0
    ) -> OffsetPagination[UserOut]:
        views, total = await service.list_users(session, principal, limit=limit, offset=offset)
        return OffsetPagination(
            items=[UserOut.of(view) for view in views], total=total, limit=limit, offset=offset
        )

    @post(
        opt=allow(*USER_MANAGERS),
        status_code=HTTP_201_CREATED,
        summary="Create a user",
        description="A coordinator creates volunteers of the units in their scope; an admin creates anyone.",
    )
    async def create_user(
        self, session: DbSession, principal: Caller, actor: Acting, data: JSONBody[UserCreate]
    ) -> UserOut:
        user = await service.create_user_as(
            session,
            principal,
            actor,
            username=data.username,
            password=await service.NewPassword.of(data.password),
            full_name=data.full_name,
            is_admin=data.is_admin,
            grants=[(m.unit_id, m.role) for m in data.memberships],
        )
        return UserOut.of(await service.view_of(session, user))

    @get(
        "/{user_id:int}",
        opt=allow(*USER_MANAGERS),
        summary="Get a user",
        description="One user the caller manages, with their memberships; any other user answers 404.",
    )
    async def get_user(self, session: DbSession, principal: Caller, user_id: PathId) -> UserOut:
        return UserOut.of(await service.get_user(session, principal, user_id))

    @patch(
        "/{user_id:int}",
        opt=allow(*USER_MANAGERS),
        summary="Change a user",
        description="Change a user's full name; only an admin grants or withdraws `is_admin`.",
    )
    async def update_user(
        self,
        session: DbSession,
        principal: Caller,
        actor: Acting,
        user_id: PathId,
        data: JSONBody[UserUpdate],
    ) -> UserOut:
        user = await service.update_user(
            session, principal, actor, user_id, full_name=data.full_name, is_admin=data.is_admin
        )
        return UserOut.of(await service.view_of(session, user))

    @post(
        "/{user_id:int}/deactivate", opt=allow(*USER_MANAGERS), status_code=200, summary="Deactivate a user"
    )
    async def deactivate(
        self, session: DbSession, principal: Caller, actor: Acting, user_id: PathId
    ) -> UserOut:
        """Lock the account and end its sessions and tokens."""
        user = await service.set_active(session, principal, actor, user_id, active=False)
        return UserOut.of(await service.view_of(session, user))

    @post(
        "/{user_id:int}/activate",
        opt=allow(*USER_MANAGERS),
        status_code=200,
        summary="Activate a user",
        description="Let a deactivated user sign in again.",
    )
    async def activate(
        self, session: DbSession, principal: Caller, actor: Acting, user_id: PathId
    ) -> UserOut:
        user = await service.set_active(session, principal, actor, user_id, active=True)
        return UserOut.of(await service.view_of(session, user))

    @post(
        "/{user_id:int}/password",
        opt=allow(*USER_MANAGERS),
        status_code=HTTP_204_NO_CONTENT,
        summary="Reset a user's password",
    )
    async def reset_password(
        self,
        session: DbSession,
        principal: Caller,
        actor: Acting,
        user_id: PathId,
        data: JSONBody[PasswordReset],
    ) -> None:
        """Set a new password and end the user's sessions and tokens."""
        password = await service.NewPassword.of(data.password)
        await service.reset_password(session, principal, actor, user_id, password=password)

    @post(
        "/{user_id:int}/memberships",
        opt=allow(*USER_MANAGERS),
        status_code=HTTP_201_CREATED,
        summary="Grant a role",
        description="Give the user a role in a unit; answers the user with their memberships.",
    )
    async def add_membership(
        self,
        session: DbSession,
        principal: Caller,
        actor: Acting,
        user_id: PathId,
        data: JSONBody[MembershipIn],
    ) -> UserOut:
        await service.add_membership(session, principal, actor, user_id, unit_id=data.unit_id, role=data.role)
        return UserOut.of(await service.get_user(session, principal, user_id))

    @delete(
        "/{user_id:int}/memberships/{membership_id:int}",
        opt=allow(*USER_MANAGERS),
        status_code=HTTP_204_NO_CONTENT,
        summary="Remove a role",
        description="Take one membership (a role in a unit) away from the user.",
    )
    async def remove_membership(
        self,
        session: DbSession,
        principal: Caller,
        actor: Acting,
        user_id: PathId,
        membership_id: PathId,
    ) -> None:
        await service.remove_membership(session, principal, actor, user_id, membership_id)
