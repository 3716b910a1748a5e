"""Error answers: JSON for the API, a Vietnamese page for the web, the same status either way; and
how an exception that reaches Litestar is logged.

A 5xx is a bug, with two exceptions that are nobody's bug: a database that cannot be reached, is
restarting or is full answers 503 with Retry-After (the request's transaction was rolled back, see
`charity.requests.provide_session`), and a client that went away before it sent its whole request
is answered as the client error it is.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from http import HTTPStatus
from logging import Logger
from traceback import walk_tb
from typing import Any
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, InternalServerException, ValidationException
from litestar.exceptions.responses import create_exception_response
from litestar.response import Redirect
from litestar.types import Scope
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from charity.db import SQLITE_OUTAGES
from charity.errors import DomainError, NotFound
from charity.pages import message_page
from charity.requests import LoginRequired, is_api_path
from charity.validation import translate


def _json_error(
    status_code: int,
    detail: str,
    extra: Any = None,
    headers: dict[str, str] | None = None,
    code: str | None = None,
) -> Response[Any]:
    content: dict[str, Any] = {"status_code": status_code, "detail": detail}
    if code:
        content["code"] = code
    if extra:
        content["extra"] = extra
    return Response(content, status_code=status_code, headers=headers)


NOT_FOUND = "Không có mục nào ở đường dẫn này: mã số trong đường dẫn không đúng."
_PAGE_DETAILS = {
    404: "Không có trang nào ở đường dẫn này. Hãy kiểm tra lại đường dẫn hoặc mã QR.",
    405: "Trang này không nhận yêu cầu kiểu này.",
}
_PAGE_ERROR_TITLES = {
    405: "Không thực hiện được",
    403: "Không có quyền",
    404: "Không tìm thấy",
    409: "Không thực hiện được",
    422: "Dữ liệu chưa hợp lệ",
    429: "Thử lại sau",
    503: "Tạm thời gián đoạn",
}

UNAVAILABLE = "Hệ thống tạm thời không truy cập được cơ sở dữ liệu. Vui lòng thử lại sau ít phút."
# A restart takes seconds; a full disk takes someone freeing space, and asking again costs little.
RETRY_AFTER_SECONDS = 10
CLIENT_WENT_AWAY = "Yêu cầu bị ngắt trước khi gửi hết."
# Litestar's words when a request's body ends with the client's disconnect instead of its last part.
_LITESTAR_DISCONNECT = "client disconnected prematurely"

# PostgreSQL's SQLSTATEs for a server that cannot be reached or is going away or coming back
# (connection_exception and its kinds, admin_shutdown, crash_shutdown, cannot_connect_now) and for
# a full disk (disk_full: "could not extend file").
_OUTAGE_SQLSTATES = frozenset(
    {"08000", "08001", "08003", "08004", "08006", "57P01", "57P02", "57P03", "53100"}
)
_DATABASE_PACKAGES = frozenset({"sqlalchemy", "asyncpg", "aiosqlite"})


def _is_page(request: Request) -> bool:
    """Whether a person reads the answer in the browser: not the API, /health, or a route that answers
    JSON to the pages' script (the donor search)."""
    if is_api_path(request.url.path) or request.url.path == "/health":
        return False
    route_handler = request.scope.get("route_handler")
    return route_handler is None or route_handler.media_type != MediaType.JSON


def _error_page(
    request: Request, status_code: int, detail: str, headers: dict[str, str] | None = None
) -> Response[Any]:
    title = _PAGE_ERROR_TITLES.get(status_code, "Có lỗi")
    # The way home is the signed-in home page: someone not signed in (a donor checking a receipt)
    # is not sent to the sign-in form.
    home = {"link": "/", "link_text": "Về trang chủ"} if request.scope.get("user") is not None else {}
    return message_page(request, title, detail, status_code=status_code, headers=headers, **home)


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error and what it was raised from: SQLAlchemy wraps the driver's error, which may wrap the
    server's."""
    seen: set[int] = set()
    link: BaseException | None = error
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        yield link
        link = link.__cause__


def _through_the_database(error: BaseException) -> bool:
    """Whether the error came out of SQLAlchemy or a database driver, rather than, say, a font file
    that is missing (a bug)."""
    return any(
        frame.f_globals.get("__name__", "").partition(".")[0] in _DATABASE_PACKAGES
        for frame, _line in walk_tb(error.__traceback__)
    )


def is_outage(error: BaseException) -> bool:
    """Whether the database could not do the work at all (unreachable, restarting, full, locked past
    the wait), rather than refusing it (a constraint) or being asked something wrong (a bug)."""
    for link in _causes(error):
        if isinstance(link, PoolTimeoutError):  # no pooled connection came free in time
            return True
        if isinstance(link, DBAPIError) and link.connection_invalidated:
            return True
        if getattr(link, "sqlstate", None) in _OUTAGE_SQLSTATES:
            return True
        # (An error SQLite did not raise itself, such as one of the driver's, has no code.)
        if isinstance(link, sqlite3.Error) and getattr(link, "sqlite_errorcode", 0) & 0xFF in SQLITE_OUTAGES:
            return True
        # Refused, reset, timed out, no such socket or host: asyncpg raises these as they are.
        if isinstance(link, OSError) and _through_the_database(link):
            return True
    return False


def _client_went_away(error: BaseException | None) -> bool:
    return isinstance(error, InternalServerException) and error.detail == _LITESTAR_DISCONNECT


def _one_line(error: BaseException) -> str:
    """The innermost cause's type and first line: what the driver or server said."""
    *_, root = _causes(error)
    text = str(root).strip().splitlines()
    return f"{type(root).__name__}: {text[0]}" if text else type(root).__name__


def log_exception(logger: Logger, scope: Scope, _traceback: list[str]) -> None:
    """Litestar's exception logging (called while the exception is handled): a bug is logged with its
    traceback; a database outage is one warning line and a client's fault one line, since neither
    says anything about the code."""
    error = sys.exc_info()[1]
    where = f"{scope.get('method', '')} {scope['path']}"
    if error is not None and is_outage(error):
        logger.warning("Database unavailable, answered 503 (%s): %s", where, _one_line(error))
    elif _client_went_away(error):
        logger.info("Client disconnected before sending its whole request (%s)", where)
    elif isinstance(error, HTTPException) and error.status_code < 500:
        logger.info("Client error %d (%s): %s", error.status_code, where, error.detail)
    else:
        logger.exception("Uncaught exception (%s):", where)


def domain_error_handler(request: Request, error: DomainError) -> Response[Any]:
    if _is_page(request):
        return _error_page(request, error.status_code, error.message)
    extra = ({"field": error.field} if error.field else {}) | error.facts
    return _json_error(error.status_code, error.message, extra, code=error.code)


def validation_error_handler(request: Request, error: ValidationException) -> Response[Any]:
    """Malformed requests answer 422 with each bad field named, like the services' own 422s. A path
    names one object, and a path id no row can have names one that does not exist: 404."""
    items = [item for item in error.extra if isinstance(item, dict)] if isinstance(error.extra, list) else []
    if items and all(item.get("source") == "path" for item in items):
        return domain_error_handler(request, NotFound(NOT_FOUND))
    problems = []
    for item in items:
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
        # Litestar's own details ("Not Found") are English: a page says it in Vietnamese.
        detail = _PAGE_DETAILS.get(error.status_code, error.detail)
        if error.detail != HTTPStatus(error.status_code).phrase:
            detail = error.detail
        return _error_page(request, error.status_code, detail)
    return _json_error(error.status_code, error.detail, error.extra or None, error.headers)


def server_error_handler(request: Request, error: Exception) -> Response[Any]:
    """Whatever would answer 500. A database outage answers 503 with Retry-After; a client that
    disconnected mid-body gets a 400 (which it will not read, but the access log will); anything
    else is a bug and stays Litestar's 500."""
    if is_outage(error):
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        if _is_page(request):
            return _error_page(request, 503, UNAVAILABLE, headers)
        return _json_error(503, UNAVAILABLE, headers=headers)
    if _client_went_away(error):
        return _json_error(400, CLIENT_WENT_AWAY)
    return create_exception_response(request, error)
