"""How our own request types, the credential and the errors every operation may answer, appear in the
OpenAPI document, and the page at /schema that shows it."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

import swagger_ui
from litestar import Litestar, Request
from litestar.exceptions import (
    ClientException,
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ServiceUnavailableException,
    TooManyRequestsException,
)
from litestar.openapi.plugins import OpenAPIRenderPlugin
from litestar.openapi.spec import Components, OpenAPIType, Schema, SecurityScheme
from litestar.plugins import OpenAPISchemaPlugin

from charity.access import ACCESS_KEY, Access
from charity.money import Dong
from charity.requests import SAFE_METHODS


class DongSchema(OpenAPISchemaPlugin):
    @staticmethod
    def is_plugin_supported_type(value: Any) -> bool:
        return value is Dong

    def to_openapi_schema(self, field_definition: Any, schema_creator: Any) -> Schema:
        return Schema(type=OpenAPIType.INTEGER, description="Số tiền, số nguyên đồng (JSON integer)")


# Swagger UI's own files (swagger-ui-bundle.js, swagger-ui.css), as the swagger-ui-py package ships them.
SWAGGER_UI_DIR = Path(swagger_ui.__file__).parent / "static"
BEARER = "BearerToken"
COMPONENTS = Components(
    security_schemes={
        BEARER: SecurityScheme(
            type="http",
            scheme="bearer",
            description="The `access_token` that `POST /api/auth/token` answers.",
        )
    }
)


class SwaggerPage(OpenAPIRenderPlugin):
    """Swagger UI from files we serve, started by a script of ours that fetches the document. Litestar's
    own Swagger page loads its files from a CDN and starts Swagger UI with an inline script and style;
    this page has neither, so the site's Content-Security-Policy holds on it unchanged."""

    def __init__(self, *, js_url: str, css_url: str, start_url: str) -> None:
        self.js_url = js_url
        self.css_url = css_url
        self.start_url = start_url
        super().__init__(path="/")

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        title = escape(openapi_schema["info"]["title"])
        document = escape(self.get_openapi_json_route(request))
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{escape(self.css_url)}">
</head>
<body>
<div id="swagger-ui" data-document="{document}"></div>
<script src="{escape(self.js_url)}"></script>
<script src="{escape(self.start_url)}"></script>
</body>
</html>
""".encode()


class _Unprocessable(ClientException):
    status_code = 422
    detail = "Dữ liệu gửi lên không hợp lệ: mỗi trường sai được nêu trong extra."


class _Conflict(ClientException):
    status_code = 409
    detail = "Yêu cầu mâu thuẫn với điều đã ghi nhận."


class _TooLarge(ClientException):
    status_code = 413
    detail = "Dữ liệu gửi lên quá lớn."


# Answered by every operation: malformed JSON or parameters (400), a rule refused (422), the
# database unreachable, restarting or full (503).
_EVERYWHERE = (ClientException, _Unprocessable, ServiceUnavailableException)
# Signing in, and checking one's password to change it, are throttled; signing in answers 401 to a
# wrong password.
_THROTTLED = {("/api/auth/token", "POST"), ("/api/me/password", "POST")}


def document_operations(app: Litestar) -> None:
    """Name in the OpenAPI document, for each operation, from the access rule it declares: the bearer
    token it needs unless it is public, and the error statuses it answers (with their error schema):
    what any request may get, what its access rule refuses, and what a change may clash with."""
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            access = handler.opt.get(ACCESS_KEY)
            raises: list[type[HTTPException]] = list(_EVERYWHERE)
            if isinstance(access, Access) and not access.public:
                handler.security = [{BEARER: []}]
                raises += [NotAuthorizedException, NotFoundException]
                if access.grantees:
                    raises.append(PermissionDeniedException)
            elif "{" in route.path:
                # A public route about one object answers 404 when there is none.
                raises.append(NotFoundException)
            if handler.http_methods - SAFE_METHODS:
                raises += [_Conflict, _TooLarge]
            if any((route.path, method) in _THROTTLED for method in handler.http_methods):
                raises += [TooManyRequestsException, NotAuthorizedException]
            handler.raises = list(dict.fromkeys(raises))
