"""Gift intake through HTTP: `charity serve` recording gifts (each a receipt, ledger entries and an
audit event, committed with synchronous=FULL on SQLite) beside a bare Litestar endpoint served the
same way, both loaded by 32 keep-alive connections from a separate process.

Two scenarios: one hot receipt book (one unit, drive and donor; every connection takes its numbers
from the same book, through one server), and a province's drive day (16 units, each with its own open
drive, donor and receipt book and two of the connections, which go to two server processes: a unit's
two connections to different servers, so each book is still contended for across processes).
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import httpx

from bench.loadgen import Connection, Load, Spec
from charity import migrate
from charity.accounts import signin
from charity.accounts.passwords import hash_password
from charity.clock import local_today
from charity.db import Database
from charity.models import (
    BookStatus,
    Donor,
    Drive,
    DriveItemType,
    DriveKind,
    DriveStatus,
    ItemType,
    Membership,
    ReceiptBook,
    Role,
    Unit,
    User,
)

CONNECTIONS = 32
SECONDS = 8.0
FLOOR_RATIO = 0.03
FLOOR_P99_MS = 200.0
SECRET_KEY = "b" * 48


@dataclass(frozen=True)
class Scenario:
    title: str
    units: int  # each with its own open drive, donor and receipt book; the connections spread evenly
    servers: int  # processes serving it, for the gifts and for the bare endpoint alike


HOT_BOOK = Scenario("One hot receipt book, 32 clients", units=1, servers=1)
PROVINCE = Scenario(
    "A province's drive day: 16 units, each its own drive, donor and receipt book; 32 clients, 2 servers",
    units=16,
    servers=2,
)


@dataclass(frozen=True)
class Measurement:
    label: str
    servers: int
    gifts: Load
    baseline: Load

    @property
    def ratio(self) -> float:
        return self.gifts["rate"] / self.baseline["rate"]

    @property
    def errors(self) -> int:
        return sum(count for status, count in self.gifts["statuses"].items() if status != "201")

    def floor_misses(self) -> list[str]:
        """What keeps the floor from holding (ratio ≥ 0.03, p99 ≤ 200 ms, no errors); empty when it holds."""
        misses = []
        if not self.ratio >= FLOOR_RATIO:
            misses.append(f"ratio < {FLOOR_RATIO}")
        if not self.gifts["p99_ms"] <= FLOOR_P99_MS:
            misses.append(f"p99 > {FLOOR_P99_MS:.0f} ms")
        if self.errors:
            misses.append(f"{self.errors} errors")
        return misses


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def _prepare(database_url: str, units: int) -> list[Connection]:
    """`units` units, each with an open drive, a donor and this year's receipt book, and one volunteer
    (with a token) per connection, connection n a volunteer of unit n * units // CONNECTIONS."""
    database = Database(database_url)
    today = local_today()
    try:
        async with database.write() as session:
            rice = ItemType(name="Gạo", unit_of_measure="kg")
            session.add(rice)
            prepared = []  # per unit: its id, its drive's and its donor's
            for u in range(units):
                unit = Unit(code=f"BENCH{u + 1:02d}", name=f"Hội Phụ nữ xã Hòa Khánh Tây, chi hội {u + 1}")
                session.add(unit)
                await session.flush()
                drive = Drive(
                    unit_id=unit.id,
                    name="Hũ gạo tình thương",
                    kind=DriveKind.RICE_JAR,
                    status=DriveStatus.OPEN,
                    starts_on=date(today.year, 1, 1),
                    ends_on=date(today.year, 12, 31),
                )
                donor = Donor(unit_id=unit.id, name="Nguyễn Thị Hồng", search_text="nguyen thi hong")
                book = ReceiptBook(
                    unit_id=unit.id, year=today.year, code="01", next_seq=1, status=BookStatus.OPEN
                )
                session.add_all([drive, donor, book])
                await session.flush()
                session.add(DriveItemType(drive_id=drive.id, item_type_id=rice.id))
                prepared.append((unit.id, drive.id, donor.id))
            password_hash = hash_password("bench-password-0001")
            connections: list[Connection] = []
            for n in range(CONNECTIONS):
                unit_id, drive_id, donor_id = prepared[n * units // CONNECTIONS]
                user = User(username=f"volunteer{n}", password_hash=password_hash)
                session.add(user)
                await session.flush()
                session.add(Membership(user_id=user.id, unit_id=unit_id, role=Role.VOLUNTEER))
                token, _ = await signin.issue_api_token(session, user, "127.0.0.1")
                body = {
                    "drive_id": drive_id,
                    "received_on": today.isoformat(),
                    "donor": {"id": donor_id},
                    "cash": {"amount": 200_000 + n},
                    "items": [{"item_type_id": rice.id, "quantity": "2.5", "unit_value": 18_000}],
                    # The same gift again and again, as at a donation table: each one confirmed, so
                    # that every gift still runs the check for a gift sent twice.
                    "confirm_duplicate": True,
                }
                connections.append({"headers": {"Authorization": f"Bearer {token}"}, "body": body})
        return connections
    finally:
        await database.dispose()


class Served(NamedTuple):
    url: str
    pid: int


@contextmanager
def serving(command: list[str], env: dict[str, str]) -> Iterator[Served]:
    """The server `command` on a free port (given as `--port P`) until the block ends; its address
    and process id."""
    port = _free_port()
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            [*command, "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=stderr
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    httpx.get(f"{url}/", timeout=1)
                    break
                except httpx.TransportError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        stderr.seek(0)
                        error = stderr.read().decode(errors="replace")[-2000:]
                        raise RuntimeError(f"{command} did not start:\n{error}") from None
                    time.sleep(0.1)
            yield Served(url, process.pid)
        finally:
            process.terminate()
            process.wait()


@contextmanager
def _serving(command: list[str], env: dict[str, str], processes: int) -> Iterator[list[str]]:
    """`processes` servers `command`, started one after another, until the block ends; their addresses."""
    with ExitStack() as stack:
        yield [stack.enter_context(serving(command, env)).url for _ in range(processes)]


def _load(servers: list[str], path: str, connections: list[Connection]) -> Load:
    """The connections posting to `path`, connection n on server n % len(servers)."""
    spec: Spec = {
        "run": uuid.uuid4().hex[:8],
        "connections": [
            {**connection, "url": f"{servers[n % len(servers)]}{path}"}
            for n, connection in enumerate(connections)
        ],
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as file:
        json.dump(spec, file)
        file.flush()
        result = subprocess.run(
            [sys.executable, "-m", "bench.loadgen", "--spec", file.name, "--seconds", str(SECONDS)],
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(result.stdout)


def measure(database_url: str, label: str, scenario: Scenario) -> Measurement:
    migrate.upgrade(database_url)
    connections = asyncio.run(_prepare(database_url, scenario.units))
    env = {**os.environ, "CHARITY_DATABASE_URL": database_url, "CHARITY_SECRET_KEY": SECRET_KEY}
    bare_app = [sys.executable, "-m", "uvicorn", "bench.bare_app:app", "--log-level", "warning"]
    with _serving(bare_app, env, scenario.servers) as servers:
        baseline = _load(servers, "/bare", connections)
    with _serving([sys.executable, "-m", "charity.cli", "serve"], env, scenario.servers) as servers:
        gifts = _load(servers, "/api/donations", connections)
    return Measurement(label, scenario.servers, gifts, baseline)


def report(result: Measurement) -> str:
    gifts, baseline = result.gifts, result.baseline
    processes = f"{result.servers} uvicorn process{'es' if result.servers > 1 else ''}"
    misses = result.floor_misses()
    return (
        f"  {result.label:<44} {gifts['rate']:8.1f} gifts/s  p50 {gifts['p50_ms']:6.1f} ms"
        f"  p99 {gifts['p99_ms']:6.1f} ms  errors {result.errors}\n"
        f"    {'bare Litestar endpoint, ' + processes:<42} {baseline['rate']:8.1f} req/s    p50"
        f" {baseline['p50_ms']:6.1f} ms  p99 {baseline['p99_ms']:6.1f} ms\n"
        f"    {f'ratio (floor ≥ {FLOOR_RATIO}, p99 ≤ {FLOOR_P99_MS:.0f} ms)':<42} {result.ratio:8.3f}"
        f"  {'floor holds' if not misses else 'floor missed: ' + ', '.join(misses)}"
    )
