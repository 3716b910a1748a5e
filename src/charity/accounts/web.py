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
from charity.errors import Conflict, DomainError, Invalid, NotFound
from charity.fields import PathId, PathText, QueryText
from charity.labels import ROLES
from charity.models import Role, User
from charity.pages import message_page, page
from charity.requests import Acting, Caller, DbSession, client_ip, database_of, submit
from charity.units.tree import tree_of

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


# One's own password ---------------------------------------------------------------------------------

CHANGED_NOTICE = (
    "Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn (trên máy hay trình duyệt khác) đã kết thúc;"
    " phiên này vẫn tiếp tục."
)


def _password_page(
    request: Request,
    *,
    errors: dict[str, str] | None = None,
    notice: str = "",
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Template:
    return page(
        request,
        "password",
        status_code=status_code,
        headers=headers,
        title="Đổi mật khẩu",
        errors=errors or {},
        notice=notice,
    )


@get("/account/password", opt=signed_in())
async def password_form(request: Request, changed: QueryText = "") -> Template:
    return _password_page(request, notice=CHANGED_NOTICE if changed else "")


@post("/account/password", opt=signed_in())
async def change_password(
    request: Request, state: State, session: DbSession, principal: Caller
) -> Template | Redirect:
    def again(error: DomainError) -> Template:
        return _password_page(request, errors=forms.errors_of(error), status_code=error.status_code)

    # Not `submit`'s savepoint: a wrong current password is recorded as a failed sign-in, which must
    # stay recorded (the throttle counts it) although the change is refused.
    try:
        form = await request.form()
        new = forms.text(form, "new_password")
        if new != forms.text(form, "new_password_again"):
            raise Invalid("Hai lần nhập mật khẩu mới không khớp.", field="new_password_again")
        outcome = await service.change_own_password(
            database_of(state),
            session,
            principal,
            client_ip(request),
            current=forms.text(form, "current_password"),
            new=await service.NewPassword.of(new),
        )
    except DomainError as error:
        return again(error)
    if outcome.throttled:
        return _password_page(
            request,
            errors={"": THROTTLED},
            status_code=429,
            headers={"Retry-After": str(outcome.retry_after)},
        )
    if outcome.user is None:
        return again(Invalid("Mật khẩu hiện tại không đúng.", field="current_password"))
    return Redirect("/account/password?changed=1", status_code=303)


# The users ---------------------------------------------------------------------------------------------


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
    grant_values: dict[str, str] | None = None,
    grant_error: str = "",
    status_code: int = 200,
) -> Template:
    views, total = await service.list_users(session, principal, limit=200, offset=0)
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
        units=tree_of(await service.grantable_units(session, principal)),
        roles=ROLES if principal.is_admin else {Role.VOLUNTEER: ROLES[Role.VOLUNTEER]},
        values=values,
        errors=errors,
        # An admin grants roles to themselves here to record gifts; nobody else is chosen for them.
        grant_values=grant_values or {"user_id": str(principal.user_id) if principal.is_admin else ""},
        grant_error=grant_error,
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
    values = {name: forms.text(form, name) for name in ("user_id", "unit_id", "role")}

    async def grant() -> str:
        user_id, unit_id = forms.whole_number(values["user_id"]), forms.whole_number(values["unit_id"])
        role = forms.choice(Role, values["role"])
        if user_id is None or unit_id is None or role is None:
            raise Invalid("Chọn người dùng, đơn vị và vai trò.", field="grant")
        await service.add_membership(session, principal, actor, user_id, unit_id=unit_id, role=role)
        return "/admin/users"

    async def again(error: DomainError) -> Template:
        return await _users_page(
            request,
            session,
            principal,
            {},
            {},
            grant_values=values,
            grant_error=error.message,
            status_code=error.status_code,
        )

    return await submit(session, grant, again)


# One user, and what may be done to them: each change is confirmed on a page of its own, which
# says what will happen, so that it works without scripts and nothing happens on a stray click.

DONE = {
    "password": "Đã đặt lại mật khẩu. Các phiên đăng nhập của người này đã kết thúc.",
    "deactivated": "Đã khóa tài khoản. Người này không đăng nhập được nữa.",
    "activated": "Đã mở khóa tài khoản.",
    "role": "Đã gỡ vai trò.",
}


def _person(view: service.UserView, principal: Principal) -> dict[str, Any]:
    """The user as the pages show them, read out of the ORM before any change is tried (a refused
    change rolls its savepoint back, and the user's row with it)."""
    user = view.user
    return {
        "id": user.id,
        "username": user.username,
        "full_name": user.full_name,
        "name": user.full_name or user.username,
        "is_admin": user.is_admin,
        "active": user.is_active,
        "is_self": user.id == principal.user_id,
        "memberships": [
            {"id": m.id, "label": f"{ROLES[m.role]} – {m.unit_name} ({m.unit_code})"}
            for m in view.memberships
        ],
    }


@get("/admin/users/{user_id:int}", opt=allow(*USER_MANAGERS))
async def user_page(
    request: Request, session: DbSession, principal: Caller, user_id: PathId, done: QueryText = ""
) -> Template:
    person = _person(await service.get_user(session, principal, user_id), principal)
    return _user_page(request, person, notice=DONE.get(done, ""))


def _user_page(
    request: Request,
    person: dict[str, Any],
    *,
    notice: str = "",
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    return page(
        request,
        "admin_user",
        status_code=status_code,
        title=person["name"],
        person=person,
        notice=notice,
        errors=errors or {},
    )


def _confirm_page(
    request: Request,
    person: dict[str, Any],
    *,
    action: str,
    question: str,
    consequence: str,
    button: str,
    asks_password: bool = False,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    return page(
        request,
        "confirm",
        status_code=status_code,
        title=question,
        person=person,
        action=action,
        consequence=consequence,
        button=button,
        asks_password=asks_password,
        errors=errors or {},
    )


def _reset_page(
    request: Request, person: dict[str, Any], *, errors: dict[str, str] | None = None, status_code: int = 200
) -> Template:
    return _confirm_page(
        request,
        person,
        action=f"/admin/users/{person['id']}/password",
        question=f"Đặt lại mật khẩu cho {person['name']}?",
        consequence="Các phiên đăng nhập của người này sẽ kết thúc. Họ đăng nhập lại bằng mật khẩu mới"
        " bạn đặt dưới đây; hãy báo cho họ trực tiếp.",
        button="Đặt lại mật khẩu",
        asks_password=True,
        errors=errors,
        status_code=status_code,
    )


@get("/admin/users/{user_id:int}/password", opt=allow(*USER_MANAGERS))
async def reset_password_form(
    request: Request, session: DbSession, principal: Caller, user_id: PathId
) -> Template:
    return _reset_page(request, _person(await service.get_user(session, principal, user_id), principal))


@post("/admin/users/{user_id:int}/password", opt=allow(*USER_MANAGERS))
async def reset_password(
    request: Request, session: DbSession, principal: Caller, actor: Acting, user_id: PathId
) -> Template | Redirect:
    # The password is hashed before the write transaction's first statement (see NewPassword).
    refused: DomainError | None = None
    try:
        form = await request.form()
        password = forms.text(form, "password")
        if password != forms.text(form, "password_again"):
            raise Invalid("Hai lần nhập mật khẩu mới không khớp.", field="password_again")
        new = await service.NewPassword.of(password)
    except DomainError as error:
        refused = error
    person = _person(await service.get_user(session, principal, user_id), principal)

    async def again(error: DomainError) -> Template:
        return _reset_page(request, person, errors=forms.errors_of(error), status_code=error.status_code)

    if refused is not None:
        return await again(refused)

    async def change() -> str:
        await service.reset_password(session, principal, actor, user_id, password=new)
        return f"/admin/users/{user_id}?done=password"

    return await submit(session, change, again)


def _deactivate_page(
    request: Request, person: dict[str, Any], *, errors: dict[str, str] | None = None, status_code: int = 200
) -> Template:
    return _confirm_page(
        request,
        person,
        action=f"/admin/users/{person['id']}/deactivate",
        question=f"Khóa tài khoản của {person['name']}?",
        consequence="Người này sẽ không đăng nhập được nữa và các phiên đăng nhập đang mở sẽ kết thúc."
        " Những gì họ đã ghi nhận vẫn giữ nguyên; có thể mở khóa lại sau.",
        button="Khóa tài khoản",
        errors=errors,
        status_code=status_code,
    )


@get("/admin/users/{user_id:int}/deactivate", opt=allow(*USER_MANAGERS))
async def deactivate_form(
    request: Request, session: DbSession, principal: Caller, user_id: PathId
) -> Template:
    return _deactivate_page(request, _person(await service.get_user(session, principal, user_id), principal))


async def _set_active(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    user_id: int,
    *,
    active: bool,
) -> Template | Redirect:
    person = _person(await service.get_user(session, principal, user_id), principal)

    async def change() -> str:
        await service.set_active(session, principal, actor, user_id, active=active)
        return f"/admin/users/{user_id}?done={'activated' if active else 'deactivated'}"

    async def again(error: DomainError) -> Template:
        errors, status_code = forms.errors_of(error), error.status_code
        if active:
            return _user_page(request, person, errors=errors, status_code=status_code)
        return _deactivate_page(request, person, errors=errors, status_code=status_code)

    return await submit(session, change, again)


@post("/admin/users/{user_id:int}/deactivate", opt=allow(*USER_MANAGERS))
async def deactivate(
    request: Request, session: DbSession, principal: Caller, actor: Acting, user_id: PathId
) -> Template | Redirect:
    return await _set_active(request, session, principal, actor, user_id, active=False)


@post("/admin/users/{user_id:int}/activate", opt=allow(*USER_MANAGERS))
async def activate(
    request: Request, session: DbSession, principal: Caller, actor: Acting, user_id: PathId
) -> Template | Redirect:
    return await _set_active(request, session, principal, actor, user_id, active=True)


def _remove_role_page(
    request: Request,
    person: dict[str, Any],
    membership_id: int,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    label = next((m["label"] for m in person["memberships"] if m["id"] == membership_id), None)
    if label is None:
        raise NotFound("Không có vai trò này.")
    return _confirm_page(
        request,
        person,
        action=f"/admin/users/{person['id']}/memberships/{membership_id}/remove",
        question=f"Gỡ vai trò {label} của {person['name']}?",
        consequence="Người này sẽ không còn làm việc với vai trò này tại đơn vị này nữa; các vai trò khác"
        " giữ nguyên. Những gì họ đã ghi nhận vẫn giữ nguyên.",
        button="Gỡ vai trò",
        errors=errors,
        status_code=status_code,
    )


@get("/admin/users/{user_id:int}/memberships/{membership_id:int}/remove", opt=allow(*USER_MANAGERS))
async def remove_role_form(
    request: Request, session: DbSession, principal: Caller, user_id: PathId, membership_id: PathId
) -> Template:
    person = _person(await service.get_user(session, principal, user_id), principal)
    return _remove_role_page(request, person, membership_id)


@post("/admin/users/{user_id:int}/memberships/{membership_id:int}/remove", opt=allow(*USER_MANAGERS))
async def remove_role(
    request: Request,
    session: DbSession,
    principal: Caller,
    actor: Acting,
    user_id: PathId,
    membership_id: PathId,
) -> Template | Redirect:
    person = _person(await service.get_user(session, principal, user_id), principal)

    async def change() -> str:
        await service.remove_membership(session, principal, actor, user_id, membership_id)
        return f"/admin/users/{user_id}?done=role"

    async def again(error: DomainError) -> Template:
        return _remove_role_page(
            request, person, membership_id, errors=forms.errors_of(error), status_code=error.status_code
        )

    return await submit(session, change, again)


routes = [
    login_form,
    login,
    logout,
    setup_form,
    setup,
    password_form,
    change_password,
    users_page,
    create_user,
    grant_role,
    user_page,
    reset_password_form,
    reset_password,
    deactivate_form,
    deactivate,
    activate,
    remove_role_form,
    remove_role,
]
