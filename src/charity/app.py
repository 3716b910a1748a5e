"""The one place the Litestar application is assembled."""

from __future__ import annotations

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide

from charity.db import Database
from charity.errors import DomainError
from charity.health.api import health
from charity.http import domain_error_handler, provide_session
from charity.settings import Settings


def create_app(settings: Settings, *, database: Database | None = None) -> Litestar:
    database = database or Database(settings.database_url)

    async def close_database() -> None:
        await database.dispose()

    return Litestar(
        route_handlers=[health],
        dependencies={"session": Provide(provide_session)},
        exception_handlers={DomainError: domain_error_handler},
        state=State({"settings": settings, "database": database}),
        on_shutdown=[close_database],
    )
