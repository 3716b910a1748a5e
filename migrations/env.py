"""Alembic environment: the URL comes from the application's settings (or the caller), the target is the
models' metadata, SQLite runs in batch mode so that constraints can change."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

import charity.models
from charity.db import Database
from charity.settings import load_settings

config = context.config
target_metadata = charity.models.metadata


def database_url() -> str:
    return config.attributes.get("database_url") or load_settings().database_url


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_online() -> None:
    database = Database(database_url())
    try:
        async with database.engine.connect() as connection:
            await connection.run_sync(run_migrations)
            await connection.commit()
    finally:
        await database.dispose()


if context.is_offline_mode():
    context.configure(url=database_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(run_online())
