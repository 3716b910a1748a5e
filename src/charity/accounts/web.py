"""Pages: sign in, sign out, the first administrator's set-up link, and the signed-in home page."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie, State
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from charity.accounts import service, signin
from charity.accounts.access import public, signed_in
from charity.accounts.api import THROTTLED
from charity.accounts.guard import SESSION_COOKIE
from charity.audit.service import Actor, record
from charity.errors import Conflict, DomainError
from charity.http import Caller, DbSession, client_ip, database_of
from charity.models import User
from charity.pages import ROLE_LABELS, message_page, page

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


async def _signed_in_redirect(
    request: Request, state: State, session: AsyncSession, user: User, target: str
) -> Redirect:
    secret, _ = await signin.start_web_session(
        session, user, client_ip(request), replacing=request.cookies.get(SESSION_COOKIE)
    )
    return Redirect(target, status_code=303, cookies=[_session_cookie(state, secret)])


@get("/login", opt=public())
async def login_form(request: Request, next: FromQuery[str | None] = None) -> Template | Redirect:
    if request.scope.get("user") is not None:
        return Redirect(_safe_next(next), status_code=303)
    return page(request, "login", title="Đăng nhập", next=_safe_next(next), username="")


@post("/login", opt=public())
async def login(request: Request, state: State) -> Response[Any]:
    form = await request.form()
    username = str(form.get("username", ""))
    target = _safe_next(str(form.get("next", "")))
    ip = client_ip(request)
    outcome = await signin.attempt(
        database_of(state),
        username,
        str(form.get("password", "")),
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
    return Redirect(target, status_code=303, cookies=[_session_cookie(state, secret)])


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
async def setup_form(request: Request, session: DbSession, token: FromPath[str]) -> Template:
    if await signin.find_setup_token(session, token) is None:
        return _setup_gone(request)
    return page(request, "setup", title="Tạo tài khoản quản trị", username="", full_name="")


@post("/setup/{token:str}", opt=public())
async def setup(request: Request, state: State, session: DbSession, token: FromPath[str]) -> Response[Any]:
    setup_token = await signin.find_setup_token(session, token)
    if setup_token is None:
        return _setup_gone(request)
    form = await request.form()
    username, full_name = str(form.get("username", "")), str(form.get("full_name", ""))
    password = str(form.get("password", ""))

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

    if password != str(form.get("password_again", "")):
        return again("Hai lần nhập mật khẩu không khớp.")
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


@get("/", opt=signed_in())
async def home(request: Request, session: DbSession, principal: Caller) -> Template:
    view = await service.view_of(session, await session.get_one(User, principal.user_id))
    memberships = [
        {"role_label": ROLE_LABELS[m.role], "unit_name": m.unit_name, "unit_code": m.unit_code}
        for m in view.memberships
    ]
    return page(request, "home", title="Trang chủ", memberships=memberships)


routes = [login_form, login, logout, setup_form, setup, home]
