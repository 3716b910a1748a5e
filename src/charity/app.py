"""The one place the Litestar application is assembled."""

from __future__ import annotations

from litestar import Litestar, Router
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException, ValidationException
from litestar.logging.config import LoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.static_files import create_static_files_router
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from charity.access import public
from charity.accounts import web as account_pages
from charity.accounts.api import AuthController, MeController, UserController
from charity.accounts.guard import CSRF_COOKIE, enforce_access
from charity.answers import (
    domain_error_handler,
    http_error_handler,
    log_exception,
    login_required_handler,
    server_error_handler,
    validation_error_handler,
)
from charity.audit_log import api as audit_api
from charity.audit_log import web as audit_pages
from charity.beneficiaries import api as beneficiary_api
from charity.beneficiaries import duplicates_web as beneficiary_duplicate_pages
from charity.beneficiaries import form_web as beneficiary_form_pages
from charity.beneficiaries import import_api as beneficiary_import_api
from charity.beneficiaries import import_web as beneficiary_import_pages
from charity.beneficiaries import record_web as beneficiary_record_pages
from charity.beneficiaries import web as beneficiary_pages
from charity.books import api as book_api
from charity.books import web as book_pages
from charity.dashboard import web as dashboard_pages
from charity.db import Database
from charity.distributions import papers_web as distribution_paper_pages
from charity.distributions import round_web as round_pages
from charity.distributions import web as distribution_pages
from charity.distributions.api import DistributionController, RoundController
from charity.distributions.history import received_section
from charity.donations import api as gift_api
from charity.donations import web as gift_pages
from charity.donors import web as donor_pages
from charity.donors.api import DonorController
from charity.drives import web as drive_pages
from charity.drives.api import DriveController
from charity.errors import DomainError
from charity.health.api import health
from charity.item_types.api import ItemTypeController
from charity.money import decode_dong, is_dong
from charity.openapi import COMPONENTS, SWAGGER_UI_DIR, DongSchema, SwaggerPage, document_operations
from charity.pages import STATIC_DIR, template_config
from charity.periods import api as period_api
from charity.periods import web as period_pages
from charity.receipts import rendering
from charity.receipts import web as receipt_pages
from charity.receipts.api import ReceiptBookController, ReceiptController
from charity.registers import api as register_api
from charity.registers import web as register_pages
from charity.requests import (
    CharityRequest,
    LoginRequired,
    empty_query_values_mean_nothing,
    provide_actor,
    provide_principal,
    provide_session,
)
from charity.security_headers import add_security_headers
from charity.settings import Settings
from charity.stock import api as stock_api
from charity.stock import web as stock_pages
from charity.units import web as unit_pages
from charity.units.api import UnitController

SWAGGER_UI_PATH = "/static/swagger-ui"


def create_app(settings: Settings, *, database: Database | None = None) -> Litestar:
    database = database or Database(settings.database_url)

    async def close_database() -> None:
        await database.dispose()
        rendering.shutdown_pool()

    app = Litestar(
        route_handlers=[
            health,
            AuthController,
            MeController,
            UserController,
            UnitController,
            ItemTypeController,
            DriveController,
            DonorController,
            *gift_api.routes,
            *audit_api.routes,
            *book_api.routes,
            *register_api.routes,
            *period_api.routes,
            *beneficiary_api.routes,
            *beneficiary_import_api.routes,
            *stock_api.routes,
            ReceiptController,
            ReceiptBookController,
            DistributionController,
            RoundController,
            # The OpenAPI document describes the JSON API: pages, forms and their files are for browsers.
            Router(
                path="/",
                include_in_schema=False,
                route_handlers=[
                    *account_pages.routes,
                    *dashboard_pages.routes,
                    *gift_pages.routes,
                    *receipt_pages.routes,
                    *audit_pages.routes,
                    *book_pages.routes,
                    *register_pages.routes,
                    *period_pages.routes,
                    *drive_pages.routes,
                    *stock_pages.routes,
                    *donor_pages.routes,
                    *beneficiary_import_pages.routes,
                    *beneficiary_pages.routes,
                    *beneficiary_form_pages.routes,
                    *beneficiary_record_pages.routes,
                    *beneficiary_duplicate_pages.routes,
                    *distribution_pages.routes,
                    *round_pages.routes,
                    *unit_pages.routes,
                    *distribution_paper_pages.routes,
                    create_static_files_router(path="/static", directories=[STATIC_DIR], opt=public()),
                    create_static_files_router(
                        path=SWAGGER_UI_PATH, directories=[SWAGGER_UI_DIR], opt=public()
                    ),
                ],
            ),
        ],
        request_class=CharityRequest,
        middleware=[empty_query_values_mean_nothing],
        guards=[enforce_access],
        dependencies={
            "session": Provide(provide_session),
            "principal": Provide(provide_principal, sync_to_thread=False),
            "actor": Provide(provide_actor, sync_to_thread=False),
            # The beneficiary record page shows what the person received: the distributions
            # feature, above the beneficiaries one, makes that section.
            "received": Provide(lambda: received_section, sync_to_thread=False),
        },
        exception_handlers={
            DomainError: domain_error_handler,
            ValidationException: validation_error_handler,
            LoginRequired: login_required_handler,
            HTTPException: http_error_handler,
            # Whatever else would answer 500: a database outage answers 503 instead.
            HTTP_500_INTERNAL_SERVER_ERROR: server_error_handler,
        },
        before_send=[add_security_headers],
        type_decoders=[(is_dong, decode_dong)],
        plugins=[DongSchema()],
        # A 5xx is a bug: log its traceback, whatever the debug setting. A database outage and a
        # client's fault are one line each (`log_exception`).
        logging_config=LoggingConfig(
            log_exceptions="always",
            exception_logging_handler=log_exception,
            # A refused or unknown request is the caller's error, answered with a 4xx: not worth a
            # stack trace in the log (a browser asking for /favicon.ico would write one every time).
            disable_stack_trace={400, 401, 403, 404, 405, 409, 422, 429, DomainError, LoginRequired},
            # WeasyPrint reports each step of every receipt it renders at INFO.
            loggers={"weasyprint": {"level": "WARNING", "propagate": False}},
        ),
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name=CSRF_COOKIE,
            cookie_httponly=True,
            cookie_secure=settings.secure_cookies,
            cookie_samesite="lax",
            # The JSON API takes bearer tokens only, never cookies, so there is no ambient credential to forge.
            exclude=["^/api/"],
        ),
        template_config=template_config(),
        openapi_config=OpenAPIConfig(
            title="Charity API",
            version="1",
            components=COMPONENTS,
            # A handler's docstring is its operation's description.
            use_handler_docstrings=True,
            render_plugins=[
                SwaggerPage(
                    js_url=f"{SWAGGER_UI_PATH}/swagger-ui-bundle.js",
                    css_url=f"{SWAGGER_UI_PATH}/swagger-ui.css",
                    start_url="/static/schema.js",
                ),
                JsonRenderPlugin(),
            ],
            openapi_router=Router(path="/schema", route_handlers=[], opt=public(), include_in_schema=False),
        ),
        state=State({"settings": settings, "database": database}),
        on_shutdown=[close_database],
    )
    document_operations(app)
    return app
