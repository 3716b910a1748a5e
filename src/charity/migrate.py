"""Alembic, driven from the application: upgrade, downgrade and "is the database at head?"."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from sqlalchemy.engine import Connection

from charity.db import Database

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = database_url
    return config


def head_revision() -> str:
    heads = ScriptDirectory.from_config(alembic_config("")).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"migrations must have exactly one head, found {heads}")
    return heads[0]


def upgrade(database_url: str, revision: str = "head") -> None:
    """Alembic runs its own event loop, so call this from synchronous code only."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def current_revision(database: Database) -> str | None:
    async with database.engine.connect() as connection:
        return await connection.run_sync(_current)


def current_revision_sync(database_url: str) -> str | None:
    async def read() -> str | None:
        database = Database(database_url)
        try:
            return await current_revision(database)
        finally:
            await database.dispose()

    return asyncio.run(read())


def revisions_newest_first() -> list[Script]:
    return list(ScriptDirectory.from_config(alembic_config("")).walk_revisions())
