"""Pages: sign in, sign out, the first administrator's set-up link, and the users."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie, State
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from charity import forms
from charity.access import Principal, allow, public, signed_in
from charity.accounts import service, signin
from charity.accounts.api import THROTTLED, USER_MANAGERS
from charity.accounts.guard import CSRF_COOKIE, SESSION_COOKIE
from charity.audit.service import Actor, record
from charity.errors import Conflict, DomainError, Invalid
from charity.fields import PathText, QueryText
from charity.labels import ROLES
from charity.models import Role, User
from charity.pages import message_page, page
from charity.requests import Acting, Caller, DbSession, client_ip, database_of, submit
from charity.units.service import list_units

WRONG_CREDENTIALS = "Tên đăng nhập hoặc mật khẩu không đúng."


def _safe_next(target: str | None) -> str:
    """Only a path on this site, so the sign-in form cannot be used to send people elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _session_cookie(state: State, secret: str) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=secret,
        max_age=int(signin.SESSION_LIFETIME.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=state.settings.secure_cookies,
    )


def _signed_in(state: State, secret: str, target: str) -> Redirect:
    """On to `target` with the new session; the form token is dropped too, so that the signed-in
    session gets a fresh one and a token planted before sign-in is worth nothing."""
    expired_token = Cookie(key=CSRF_COOKIE, value="", max_age=0, path="/", httponly=True, samesite="lax")
    return Redirect(target, status_code=303, cookies=[_session_cookie(state, secret), expired_token])


async def _signed_in_redirect(
    request: Request, state: State, session: AsyncSession, user: User, target: str
) -> Redirect:
    secret, _ = await signin.start_web_session(
        session, user, client_ip(request), replacing=request.cookies.get(SESSION_COOKIE)
    )
    return _signed_in(state, secret, target)


@get("/login", opt=public())
async def login_form(request: Request, next: QueryText = "") -> Template | Redirect:
    if request.scope.get("user") is not None:
        return Redirect(_safe_next(next), status_code=303)
    return page(request, "login", title="Đăng nhập", next=_safe_next(next), username="")


@post("/login", opt=public())
async def login(request: Request, state: State, session: DbSession) -> Response[Any]:
    form = await request.form()
    username = forms.text(form, "username")
    target = _safe_next(forms.text(form, "next"))
    ip = client_ip(request)
    outcome = await signin.attempt(
        database_of(state),
        session,
        username,
        forms.text(form, "password"),
        ip,
        lambda session, user: signin.start_web_session(
            session, user, ip, replacing=request.cookies.get(SESSION_COOKIE)
        ),
    )
    if outcome.result is None:
        status, error = (429, THROTTLED) if outcome.throttled else (401, WRONG_CREDENTIALS)
        return page(
            request,
            "login",
            status_code=status,
            headers={"Retry-After": str(outcome.retry_after)} if outcome.throttled else None,
            title="Đăng nhập",
            error=error,
            next=target,
            username=username,
        )
    secret, _ = outcome.result
    return _signed_in(state, secret, target)


@post("/logout", opt=signed_in())
async def logout(request: Request, session: DbSession, principal: Caller) -> Redirect:
    if principal.credential == "session":
        await signin.end_web_session(session, principal, client_ip(request))
    response = Redirect("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _setup_gone(request: Request) -> Template:
    return message_page(
        request,
        "Đường dẫn không còn hiệu lực",
        "Đường dẫn tạo tài khoản quản trị đã được dùng, đã hết hạn, hoặc hệ thống đã có người dùng.",
        status_code=404,
        link="/login",
        link_text="Đến trang đăng nhập",
    )


@get("/setup/{token:str}", opt=public())
async def setup_form(request: Request, session: DbSession, token: PathText) -> Template:
    if await signin.find_setup_token(session, token) is None:
        return _setup_gone(request)
    return page(request, "setup", title="Tạo tài khoản quản trị", username="", full_name="")


@post("/setup/{token:str}", opt=public())
async def setup(request: Request, state: State, session: DbSession, token: PathText) -> Response[Any]:
    # The link is checked from a read first: the password is hashed before the write transaction
    # runs its first statement (see NewPassword), and only for a link that works.
    async with database_of(state).read() as reading:
        if await signin.find_setup_token(reading, token) is None:
            return _setup_gone(request)
    form = await request.form()
    username, full_name = forms.text(form, "username"), forms.text(form, "full_name")

    def again(error: str) -> Template:
        return page(
            request,
            "setup",
            status_code=422,
            title="Tạo tài khoản quản trị",
            error=error,
            username=username,
            full_name=full_name,
        )

    if forms.text(form, "password") != forms.text(form, "password_again"):
        return again("Hai lần nhập mật khẩu không khớp.")
    try:
        password = await service.NewPassword.of(forms.text(form, "password"))
    except DomainError as error:
        return again(error.message)
    setup_token = await signin.find_setup_token(session, token)
    if setup_token is None:
        return _setup_gone(request)
    actor = Actor(user_id=None, ip=client_ip(request))
    try:
        user = await service.create_user(
            session, actor, username=username, password=password, full_name=full_name, is_admin=True
        )
    except DomainError as error:
        return again(error.message)
    if not await signin.use_setup_token(session, setup_token.id):
        raise Conflict("Đường dẫn vừa được dùng.")
    await record(
        session, Actor(user.id, actor.ip), "setup.first_admin", object_type="user", object_id=user.id
    )
    return await _signed_in_redirect(request, state, session, user, "/")


@get("/admin/users", opt=allow(*USER_MANAGERS))
async def users_page(request: Request, session: DbSession, principal: Caller) -> Template:
    return await _users_page(request, session, principal, {}, {})


async def _users_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    values: dict[str, str],
    errors: dict[str, str],
    *,
    status_code: int = 200,
) -> Template:
    views, total = await service.list_users(session, principal, limit=200, offset=0)
    units, _ = await list_units(session, principal, limit=500, offset=0)
    return page(
        request,
        "admin_users",
        status_code=status_code,
        title="Người dùng",
        users=[
            {
                "id": v.user.id,
                "username": v.user.username,
                "full_name": v.user.full_name,
                "is_admin": v.user.is_admin,
                "active": v.user.is_active,
                "memberships": [f"{ROLES[m.role]} – {m.unit_name}" for m in v.memberships],
            }
            for v in views
        ],
        total=total,
        units=[(unit.id, f"{unit.name} ({unit.code})") for unit in units],
        roles=ROLES if principal.is_admin else {Role.VOLUNTEER: ROLES[Role.VOLUNTEER]},
        values=values,
        errors=errors,
    )


@post("/admin/users", opt=allow(*USER_MANAGERS))
async def create_user(
    request: Request, session: DbSession, principal: Caller, actor: Acting
) -> Template | Redirect:
    form = await request.form()
    values = {name: forms.text(form, name) for name in ("username", "full_name", "unit_id", "role")}

    async def again(error: DomainError) -> Template:
        return await _users_page(
            request, session, principal, values, forms.errors_of(error), status_code=error.status_code
        )

    try:
        password = await service.NewPassword.of(forms.text(form, "password"))
    except DomainError as error:
        return await again(error)

    async def create() -> str:
        unit_id, role = forms.whole_number(values["unit_id"]), forms.choice(Role, values["role"])
        if unit_id is None or role is None:
            raise Invalid("Chọn đơn vị và vai trò.", field="unit_id")
        await service.create_user_as(
            session,
            principal,
            actor,
            username=values["username"],
            password=password,
            full_name=values["full_name"],
            is_admin=False,
            grants=[(unit_id, role)],
        )
        return "/admin/users"

    return await submit(session, create, again)


@post("/admin/users/memberships", opt=allow(*USER_MANAGERS))
async def grant_role(
    request: Request, session: DbSession, principal: Caller, actor: Acting
) -> Template | Redirect:
    form = await request.form()

    async def grant() -> str:
        user_id, unit_id = (
            forms.whole_number(forms.text(form, "user_id")),
            forms.whole_number(forms.text(form, "unit_id")),
        )
        role = forms.choice(Role, forms.text(form, "role"))
        if user_id is None or unit_id is None or role is None:
            raise Invalid("Chọn người dùng, đơn vị và vai trò.", field="grant")
        await service.add_membership(session, principal, actor, user_id, unit_id=unit_id, role=role)
        return "/admin/users"

    async def again(error: DomainError) -> Template:
        return await _users_page(
            request, session, principal, {}, {"grant": error.message}, status_code=error.status_code
        )

    return await submit(session, grant, again)


routes = [login_form, login, logout, setup_form, setup, users_page, create_user, grant_role]
