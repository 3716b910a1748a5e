"""Server-rendered pages: the template environment and what every page knows about its reader."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Request
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template import TemplateConfig

from charity.access import Principal
from charity.labels import ROLES
from charity.models import Role

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
STATIC_DIR = TEMPLATES_DIR / "static"


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment))


def role_summary(principal: Principal) -> str:
    """Who the reader is acting as, for the page header: each role with its unit."""
    labels = [f"{ROLES[grant.role]} – {grant.unit_name}" for grant in principal.grants]
    if principal.is_admin:
        labels.insert(0, "Quản trị viên")
    return "; ".join(labels)


def navigation(principal: Principal | None, path: str) -> list[dict[str, Any]]:
    """The menu a signed-in user sees: only what their roles may open."""
    if principal is None:
        return []
    roles = {grant.role for grant in principal.grants}
    recorders = roles & {Role.VOLUNTEER, Role.COORDINATOR}
    readers = roles & {Role.VOLUNTEER, Role.COORDINATOR, Role.AUDITOR}
    overseers = roles & {Role.COORDINATOR, Role.AUDITOR}
    links = [("/", "Tổng quan", True)]
    links += [
        ("/gifts/new", "Ghi nhận", bool(recorders)),
        ("/receipts", "Biên nhận", bool(readers)),
        ("/drives", "Cuộc vận động", bool(readers)),
        ("/donors", "Nhà hảo tâm", bool(readers)),
        ("/beneficiaries", "Đối tượng", bool(readers)),
        ("/distributions", "Trao tặng", bool(overseers)),
        ("/admin/units", "Đơn vị", principal.is_admin),
        ("/admin/users", "Người dùng", principal.is_admin or Role.COORDINATOR in roles),
        ("/books", "Sổ sách", bool(overseers)),
        ("/registers", "Sổ đăng ký", bool(overseers)),
        ("/periods", "Khóa sổ", principal.is_admin or bool(roles & {Role.COORDINATOR, Role.AUDITOR})),
        ("/audit", "Nhật ký", principal.is_admin or Role.AUDITOR in roles),
    ]
    # On a phone the menu keeps to a few short rows: what the books page links (the registers, the
    # closed months, the log) is left to it there, for whoever has that page.
    on_books_page = {"/registers", "/periods", "/audit"} if overseers else set()
    return [
        {
            "href": href,
            "label": label,
            "current": path == href or (href != "/" and path.startswith(href)),
            "secondary": href in on_books_page,
        }
        for href, label, shown in links
        if shown
    ]


def pager(path: str, query: dict[str, Any], *, offset: int, limit: int, total: int) -> dict[str, str]:
    """The links to a list's pages before and after this one, with its filters ("" where there is none)."""
    return {
        "previous_page": f"{path}?{urlencode(query | {'offset': max(offset - limit, 0)})}" if offset else "",
        "next_page": f"{path}?{urlencode(query | {'offset': offset + limit})}"
        if offset + limit < total
        else "",
    }


def page(
    request: Request,
    name: str,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Template:
    principal: Principal | None = request.scope.get("user")
    return Template(
        template_name=f"pages/{name}.html",
        context={
            "principal": principal,
            "role_summary": role_summary(principal) if principal else "",
            "nav": navigation(principal, request.url.path),
            **context,
        },
        status_code=status_code,
        headers=headers,
    )


def message_page(request: Request, title: str, message: str, *, status_code: int, **context: Any) -> Template:
    return page(request, "message", status_code=status_code, title=title, message=message, **context)
