"""What every route shares: the request's transaction, the caller, paging, and error answers."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import quote

import msgspec
from litestar import Request, Response
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException, ValidationException
from litestar.params import QueryParameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from charity.accounts.access import Principal
from charity.accounts.guard import LoginRequired, is_api_path
from charity.audit.service import Actor
from charity.db import Database
from charity.errors import DomainError
from charity.models import MAX_ID
from charity.pages import message_page

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_PAGE = 200

T = TypeVar("T")


class Page(msgspec.Struct, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class Paging(msgspec.Struct):
    limit: int
    offset: int

    def page(self, items: list[T], total: int) -> Page[T]:
        return Page(items=items, total=total, limit=self.limit, offset=self.offset)


def database_of(state: State) -> Database:
    return state.database


async def provide_session(request: Request, state: State) -> AsyncIterator[AsyncSession]:
    """One transaction per request. Unsafe methods run in a write transaction that holds the write lock
    from its start and commits before the response is sent, so an acknowledged change is on disk."""
    database = database_of(state)
    if request.method in SAFE_METHODS:
        async with database.read() as session:
            yield session
    else:
        async with database.write() as session:
            yield session


async def submit(
    state: State,
    act: Callable[[Database], Awaitable[str]],
    again: Callable[[AsyncSession, DomainError], Awaitable[Template]],
) -> Template | Redirect:
    """A page's form: `act` makes the change and names the page to show next (a 303, so reloading
    that page sends nothing again). When a rule refuses the change, nothing of it is kept, and `again`
    shows the form with the error from a read transaction."""
    database = database_of(state)
    try:
        target = await act(database)
    except DomainError as error:
        async with database.read() as session:
            return await again(session, error)
    return Redirect(target, status_code=303)


async def submit_form(
    state: State,
    change: Callable[[AsyncSession], Awaitable[str]],
    again: Callable[[AsyncSession, DomainError], Awaitable[Template]],
) -> Template | Redirect:
    """`submit` with `change` run in a write transaction of its own."""

    async def in_write_transaction(database: Database) -> str:
        async with database.write() as session:
            return await change(session)

    return await submit(state, in_write_transaction, again)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def provide_principal(request: Request) -> Principal:
    principal = request.scope.get("user")
    if principal is None:
        raise LoginRequired
    return principal


def provide_actor(request: Request, principal: NamedDependency[Principal]) -> Actor:
    return Actor(user_id=principal.user_id, ip=client_ip(request))


def provide_paging(
    limit: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, QueryParameter(ge=0)] = 0,
) -> Paging:
    return Paging(limit=limit, offset=offset)


def _json_error(
    status_code: int, detail: str, extra: Any = None, headers: dict[str, str] | None = None
) -> Response[Any]:
    content: dict[str, Any] = {"status_code": status_code, "detail": detail}
    if extra:
        content["extra"] = extra
    return Response(content, status_code=status_code, headers=headers)


_PAGE_ERROR_TITLES = {
    403: "Không có quyền",
    404: "Không tìm thấy",
    409: "Không thực hiện được",
    422: "Dữ liệu chưa hợp lệ",
    429: "Thử lại sau",
}


def _is_page(request: Request) -> bool:
    return not is_api_path(request.url.path) and request.url.path != "/health"


def _error_page(request: Request, status_code: int, detail: str) -> Response[Any]:
    title = _PAGE_ERROR_TITLES.get(status_code, "Có lỗi")
    return message_page(request, title, detail, status_code=status_code, link="/", link_text="Về trang chủ")


def domain_error_handler(request: Request, error: DomainError) -> Response[Any]:
    if _is_page(request):
        return _error_page(request, error.status_code, error.message)
    return _json_error(error.status_code, error.message, {"field": error.field} if error.field else None)


# msgspec's messages, in words a volunteer can act on.
_TYPE_WORDS = {
    "int": "một số nguyên",
    "str": "một chuỗi chữ",
    "bool": "đúng hoặc sai (true/false)",
    "float": "một số",
    "array": "một danh sách",
    "object": "một đối tượng",
    "null": "để trống (null)",
}


_BOUND = re.compile(r"^Expected `int` (?P<op>[<>]=) (?P<limit>-?\d+)")


def translate(message: str) -> str:
    """msgspec's validation message in Vietnamese."""
    if "matching regex" in message:
        return "Có ký tự điều khiển không được phép."
    if bound := _BOUND.match(message):
        if bound["limit"] == str(MAX_ID):
            return "Không có mã số này."
        return f"Giá trị ngoài khoảng cho phép ({bound['op']} {bound['limit']})."
    if message.startswith("Expected `"):
        expected = message.split("`")[1]
        words = " hoặc ".join(_TYPE_WORDS.get(part.strip(), part.strip()) for part in expected.split("|"))
        return f"Giá trị phải là {words}."
    if message.startswith("Object missing required field"):
        return "Thiếu trường bắt buộc."
    if message.startswith("Object contains unknown field"):
        return "Trường không được chấp nhận."
    if "must be" in message and ("<=" in message or ">=" in message):
        return f"Giá trị ngoài khoảng cho phép ({message.split('must be', 1)[1].strip()})."
    return "Giá trị không hợp lệ."


def validation_error_handler(_request: Request, error: ValidationException) -> Response[Any]:
    """Malformed requests answer 422 with each bad field named, like the services' own 422s."""
    problems = []
    for item in error.extra if isinstance(error.extra, list) else []:
        if isinstance(item, dict):
            message = str(item.get("message", ""))
            field = item.get("key")
            if field in (None, "data") and message.endswith("`"):
                # "Object missing required field `password`": the field is named in the message.
                field = message.rsplit("`", 2)[-2]
            problems.append({"field": field, "message": translate(message)})
    if not problems and error.detail:
        problems.append({"field": None, "message": translate(str(error.detail))})
    return _json_error(422, "Dữ liệu gửi lên không hợp lệ.", problems)


def login_required_handler(request: Request, error: LoginRequired) -> Response[Any]:
    """The API answers 401; a page sends the browser to the sign-in form and back afterwards."""
    if is_api_path(request.url.path):
        return _json_error(401, error.detail, headers={"WWW-Authenticate": "Bearer"})
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return Redirect(f"/login?next={quote(target, safe='')}", status_code=303)


def http_error_handler(request: Request, error: HTTPException) -> Response[Any]:
    if _is_page(request) and error.status_code in _PAGE_ERROR_TITLES:
        return _error_page(request, error.status_code, error.detail)
    return _json_error(error.status_code, error.detail, error.extra or None, error.headers)


# How route handlers name what the app provides (see `create_app`).
DbSession = NamedDependency[AsyncSession]
Caller = NamedDependency[Principal]
Acting = NamedDependency[Actor]
PageParams = NamedDependency[Paging]
