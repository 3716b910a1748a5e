from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

import charity.models
from charity import migrate
from charity.db import Database


async def _tables(url: str) -> set[str]:
    database = Database(url)
    try:
        async with database.engine.connect() as connection:
            return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
    finally:
        await database.dispose()


async def _differences(url: str) -> list[object]:
    database = Database(url)
    try:
        async with database.engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), charity.models.metadata
                )
            )
    finally:
        await database.dispose()


async def test_upgrade_downgrade_upgrade(blank_database_url: str) -> None:
    model_tables = set(charity.models.metadata.tables)

    await asyncio.to_thread(migrate.upgrade, blank_database_url)
    assert model_tables <= await _tables(blank_database_url)
    assert (
        await asyncio.to_thread(migrate.current_revision_sync, blank_database_url) == migrate.head_revision()
    )

    await asyncio.to_thread(migrate.downgrade, blank_database_url, "base")
    assert not (model_tables & await _tables(blank_database_url))
    assert await asyncio.to_thread(migrate.current_revision_sync, blank_database_url) is None

    await asyncio.to_thread(migrate.upgrade, blank_database_url)
    assert model_tables <= await _tables(blank_database_url)


async def test_each_revision_downgrades_to_its_predecessor(blank_database_url: str) -> None:
    await asyncio.to_thread(migrate.upgrade, blank_database_url)
    revisions = migrate.revisions_newest_first()
    for revision in revisions:
        await asyncio.to_thread(migrate.downgrade, blank_database_url, "-1")
        assert (
            await asyncio.to_thread(migrate.current_revision_sync, blank_database_url)
            == revision.down_revision
        )
    await asyncio.to_thread(migrate.upgrade, blank_database_url)
    assert (
        await asyncio.to_thread(migrate.current_revision_sync, blank_database_url) == migrate.head_revision()
    )


async def test_models_and_migrations_agree(database_url: str) -> None:
    """Autogenerate finds nothing to do: every model change came with its migration."""
    assert await _differences(database_url) == []
