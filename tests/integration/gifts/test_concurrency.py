"""Receipt numbers stay unique and gapless when many clients record gifts at once through real server
processes (two of them, as behind a load balancer), and when a gift fails after taking its number."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select, text

from charity.db import Database
from charity.ledger.service import verify_chain
from charity.models import Receipt, ReceiptBook
from tests.gifts_world import build_gifts_world
from tests.support import SERVERS

CLIENTS = 30
GIFTS_PER_CLIENT = 10


@pytest.mark.xdist_group("servers")
async def test_concurrent_gifts_get_unique_gapless_numbers(
    database: Database, database_url: str, servers: list[str]
) -> None:
    world = await build_gifts_world(database, volunteers=CLIENTS)
    statuses: list[int] = []
    seqs: list[int] = []

    async def volunteer(n: int) -> None:
        token = world.tokens[f"volunteer{n}" if n else "volunteer"]
        async with httpx.AsyncClient(base_url=servers[n % SERVERS], timeout=60) as client:
            for i in range(GIFTS_PER_CLIENT):
                response = await client.post(
                    "/api/donations",
                    json=world.gift(cash={"amount": 10_000 * (n + 1) + i}),
                    headers={"Authorization": f"Bearer {token}", "Idempotency-Key": f"v{n}-g{i}"},
                )
                statuses.append(response.status_code)
                if response.status_code == 201:
                    seqs.append(response.json()["receipt"]["seq"])

    await asyncio.gather(*(volunteer(n) for n in range(CLIENTS)))
    total = CLIENTS * GIFTS_PER_CLIENT
    assert statuses.count(201) == total, sorted(set(statuses))
    assert sorted(seqs) == list(range(1, total + 1))
    async with database.read() as session:
        stored = sorted((await session.execute(select(Receipt.seq))).scalars())
        (book,) = (await session.execute(select(ReceiptBook))).scalars().all()
        chain = await verify_chain(session, world.drive_id)
    assert stored == list(range(1, total + 1))
    assert book.next_seq == total + 1
    assert chain.intact
    assert chain.entries == total


_FAILING_LEDGER = {
    "sqlite": [
        "CREATE TRIGGER disk_full BEFORE INSERT ON ledger_entry BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION disk_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE 'disk full'; END $$",
        "CREATE TRIGGER disk_full BEFORE INSERT ON ledger_entry FOR EACH ROW EXECUTE FUNCTION disk_full()",
    ],
}
_WORKING_LEDGER = {
    "sqlite": ["DROP TRIGGER disk_full"],
    "postgresql": ["DROP TRIGGER disk_full ON ledger_entry", "DROP FUNCTION disk_full()"],
}


async def _run(database: Database, statements: dict[str, list[str]]) -> None:
    async with database.write() as session:
        for statement in statements[session.bind.dialect.name]:
            await session.execute(text(statement))


async def test_a_failure_after_the_number_was_taken_leaves_no_gap(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    """The ledger's insert fails (as it would on a full disk) after the gift's number was taken:
    the gift is refused, and the next one gets that number."""
    world = await build_gifts_world(database)
    headers = world.auth("volunteer")
    assert (await client.post("/api/donations", json=world.gift(), headers=headers)).json()["receipt"][
        "seq"
    ] == 1

    await _run(database, _FAILING_LEDGER)
    failed = await client.post("/api/donations", json=world.gift(), headers=headers)
    assert failed.status_code == 500
    await _run(database, _WORKING_LEDGER)

    after = await client.post("/api/donations", json=world.gift(), headers=headers)
    assert after.json()["receipt"]["seq"] == 2
    async with database.read() as session:
        assert sorted((await session.execute(select(Receipt.seq))).scalars()) == [1, 2]
