"""The one guard every route passes: find who is calling, then apply the route's declared access rule.

The JSON API (/api/…) authenticates with bearer tokens only and the web pages with the session cookie
only, so CSRF protection applies exactly to the pages, and a token can never ride on a browser's cookie.
"""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers import BaseRouteHandler

from charity.access import ACCESS_KEY, Access, Principal
from charity.accounts.signin import (
    find_web_session,
    principal_for_session,
    principal_for_token,
    session_needs_touch,
)
from charity.db import Database
from charity.requests import TOUCH_SESSION, LoginRequired, is_api_path

SESSION_COOKIE = "charity_session"
CSRF_COOKIE = "charity_csrf"


def _database(connection: ASGIConnection) -> Database:
    return connection.app.state.database


async def _from_bearer(connection: ASGIConnection) -> Principal | None:
    scheme, _, secret = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    async with _database(connection).read() as session:
        return await principal_for_token(session, secret.strip())


async def _from_cookie(connection: ASGIConnection) -> Principal | None:
    secret = connection.cookies.get(SESSION_COOKIE)
    if not secret:
        return None
    async with _database(connection).read() as session:
        web_session = await find_web_session(session, secret)
        if web_session is None:
            return None
        principal = await principal_for_session(session, web_session)
    if principal is not None and session_needs_touch(web_session):
        # Written by the request's transaction (`provide_session`).
        connection.state[TOUCH_SESSION] = web_session.id
    return principal


async def authenticate(connection: ASGIConnection) -> Principal | None:
    if is_api_path(connection.scope["path"]):
        return await _from_bearer(connection)
    return await _from_cookie(connection)


async def enforce_access(connection: ASGIConnection, route_handler: BaseRouteHandler) -> None:
    access = route_handler.opt.get(ACCESS_KEY)
    if not isinstance(access, Access):
        # Deny by default: a route that forgot to declare who may use it is closed to everyone.
        raise PermissionDeniedException(detail="Đường dẫn này chưa khai báo quyền truy cập.")
    principal = await authenticate(connection)
    connection.scope["user"] = principal
    if access.public:
        return
    if principal is None:
        raise LoginRequired
    if not access.permits(principal):
        raise PermissionDeniedException(detail="Bạn không có quyền làm việc này.")
