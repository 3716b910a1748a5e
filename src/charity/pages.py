"""Server-rendered pages: the template environment and what every page knows about its reader."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Request
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template import TemplateConfig

from charity.accounts.access import Principal
from charity.models import Role

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
STATIC_DIR = TEMPLATES_DIR / "static"

ROLE_LABELS = {
    Role.VOLUNTEER: "Tình nguyện viên",
    Role.COORDINATOR: "Điều phối viên",
    Role.AUDITOR: "Kiểm tra viên",
}


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment))


def role_summary(principal: Principal) -> str:
    labels = sorted({ROLE_LABELS[grant.role] for grant in principal.grants})
    if principal.is_admin:
        labels.insert(0, "Quản trị viên")
    return ", ".join(labels)


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
            **context,
        },
        status_code=status_code,
        headers=headers,
    )


def message_page(request: Request, title: str, message: str, *, status_code: int, **context: Any) -> Template:
    return page(request, "message", status_code=status_code, title=title, message=message, **context)
