"""What every route is given: the request itself, its one transaction, the caller, and a form's flow."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.exceptions import ClientException, NotAuthorizedException
from litestar.response import Redirect, Template
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from charity.access import Principal
from charity.audit.service import Actor
from charity.db import Database
from charity.errors import DomainError
from charity.models import WebSession, utcnow

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
API_PREFIX = "/api/"
# The route option of a safe method that records that it was used (an integrity check is an audit
# event): it runs in a write transaction, and reads what it reports on from a read of its own.
RECORDS_ITS_USE = "records_its_use"
# Set by the guard when the browser session's last use is due to be written down (see `provide_session`).
TOUCH_SESSION = "touch_session"
# The route option of a JSON route whose query is a filter a person fills in, as on the pages (a
# register asked for with `?drive_id=&unit_id=`): a value left empty there is no filter either.
EMPTY_IS_NO_FILTER = "empty_is_no_filter"


class LoginRequired(NotAuthorizedException):
    detail = "Cần đăng nhập."


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIX)


def database_of(state: State) -> Database:
    return state.database


async def provide_session(request: Request, state: State) -> AsyncIterator[AsyncSession]:
    """The request's one transaction. A safe method reads; an unsafe one runs in a write transaction,
    committed when the handler returns and before the answer is sent, so that an acknowledged change
    is on disk, and rolled back when the handler raises; so does a safe method whose route
    `RECORDS_ITS_USE`. A page read whose browser session is due to record its last use (once a
    minute) writes, after the handler."""
    database = database_of(state)
    touch = request.state.get(TOUCH_SESSION)
    if (
        request.method in SAFE_METHODS
        and not request.route_handler.opt.get(RECORDS_ITS_USE)
        and touch is None
    ):
        async with database.read() as session:
            yield session
        return
    async with database.write() as session:
        yield session
        if touch is not None:
            await session.execute(
                update(WebSession).where(WebSession.id == touch).values(last_seen_at=utcnow())
            )


async def submit(
    session: AsyncSession,
    change: Callable[[], Awaitable[str]],
    again: Callable[[DomainError], Awaitable[Template]],
) -> Template | Redirect:
    """A page's form, in the request's transaction: `change` makes the change and names the page to
    show next (a 303, so reloading that page sends nothing again). It runs in a savepoint: when a rule
    refuses the change, nothing of it is kept, and `again` shows the form with the error."""
    try:
        async with session.begin_nested():
            target = await change()
    except DomainError as error:
        return await again(error)
    return Redirect(target, status_code=303)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def provide_principal(request: Request) -> Principal:
    principal = request.scope.get("user")
    if principal is None:
        raise LoginRequired
    return principal


def provide_actor(request: Request, principal: NamedDependency[Principal]) -> Actor:
    return Actor(user_id=principal.user_id, ip=client_ip(request))


# How route handlers name what the app provides (see `create_app`).
DbSession = NamedDependency[AsyncSession]
Caller = NamedDependency[Principal]
Acting = NamedDependency[Actor]


# Deeper than any request of ours: each level costs the decoder a recursion, so a body nested a
# thousand levels deep would fail inside it rather than be refused.
MAX_JSON_DEPTH = 32


def _deeper_than(body: bytes, limit: int) -> bool:
    """Whether the JSON text opens more than `limit` arrays or objects inside each other."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth, in_string, escaped = 0, False, False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return False


class CharityRequest(Request):
    """The app's request: a JSON body nested deeper than `MAX_JSON_DEPTH` is refused with a 400
    before it is decoded."""

    async def json(self) -> Any:
        if _deeper_than(await self.body(), MAX_JSON_DEPTH):
            raise ClientException(f"Dữ liệu JSON lồng nhau quá {MAX_JSON_DEPTH} cấp.")
        return await super().json()


def empty_query_values_mean_nothing(app: ASGIApp) -> ASGIApp:
    """On the pages, a query value left empty is no filter at all: a form sent with "Tất cả" chosen
    asks `?drive_id=`, which a route taking an id would refuse. The JSON API keeps what it is sent,
    but on the routes that say `EMPTY_IS_NO_FILTER`."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        query = scope.get("query_string", b"") if scope["type"] == "http" else b""
        if query and (not is_api_path(scope["path"]) or scope["route_handler"].opt.get(EMPTY_IS_NO_FILTER)):
            pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
            kept = [(name, value) for name, value in pairs if value]
            if len(kept) != len(pairs):
                scope = {**scope, "query_string": urlencode(kept).encode("latin-1")}
        await app(scope, receive, send)

    return middleware
