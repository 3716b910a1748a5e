"""Error answers: JSON for the API, a Vietnamese page for the web, the same status either way."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.response import Redirect

from charity.errors import DomainError
from charity.pages import message_page
from charity.requests import LoginRequired, is_api_path
from charity.validation import translate


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
