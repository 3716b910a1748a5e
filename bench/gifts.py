"""Gift intake through HTTP: `charity serve` recording gifts (each a receipt, ledger entries and an
audit event, committed with synchronous=FULL on SQLite) beside a bare Litestar endpoint served the
same way, both loaded by 32 keep-alive connections from a separate process."""

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
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import httpx

from charity import migrate
from charity.accounts import signin
from charity.accounts.passwords import hash_password
from charity.clock import local_today
from charity.db import Database
from charity.models import (
    Donor,
    Drive,
    DriveItemType,
    DriveKind,
    DriveStatus,
    ItemType,
    Membership,
    Role,
    Unit,
    User,
)

CONNECTIONS = 32
SECONDS = 8.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def _prepare(database_url: str) -> list[dict]:
    """A unit, an open drive, a donor and one volunteer (with a token) per connection."""
    database = Database(database_url)
    today = local_today()
    try:
        async with database.write() as session:
            unit = Unit(code="BENCH", name="Hội Phụ nữ xã Hòa Khánh Tây")
            rice = ItemType(name="Gạo", unit_of_measure="kg")
            session.add_all([unit, rice])
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
            session.add_all([drive, donor])
            await session.flush()
            session.add(DriveItemType(drive_id=drive.id, item_type_id=rice.id))
            password_hash = hash_password("bench-password-0001")
            connections = []
            for n in range(CONNECTIONS):
                user = User(username=f"volunteer{n}", password_hash=password_hash)
                session.add(user)
                await session.flush()
                session.add(Membership(user_id=user.id, unit_id=unit.id, role=Role.VOLUNTEER))
                token, _ = await signin.issue_api_token(session, user, "127.0.0.1")
                body = {
                    "drive_id": drive.id,
                    "received_on": today.isoformat(),
                    "donor": {"id": donor.id},
                    "cash": {"amount": 200_000 + n},
                    "items": [{"item_type_id": rice.id, "quantity": "2.5", "unit_value": 18_000}],
                }
                connections.append({"headers": {"Authorization": f"Bearer {token}"}, "body": body})
        return connections
    finally:
        await database.dispose()


@contextmanager
def _serving(command: list[str], env: dict[str, str]) -> Iterator[str]:
    """The server `command` on a free port (given as `--port P`) until the block ends; its address."""
    port = _free_port()
    process = subprocess.Popen(
        [*command, "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{url}/", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{command} did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait()


def _load(url: str, connections: list[dict], spec_dir: Path) -> dict:
    spec = spec_dir / f"{uuid.uuid4().hex}.json"
    spec.write_text(json.dumps({"run": uuid.uuid4().hex[:8], "connections": connections}), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bench.loadgen", "--url", url, "--spec", str(spec), "--seconds", str(SECONDS)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def measure(database_url: str, label: str) -> dict:
    migrate.upgrade(database_url)
    connections = asyncio.run(_prepare(database_url))
    env = {**os.environ, "CHARITY_DATABASE_URL": database_url, "CHARITY_SECRET_KEY": "b" * 48}
    with tempfile.TemporaryDirectory() as spec_dir:
        bare_app = [sys.executable, "-m", "uvicorn", "bench.bare_app:app", "--log-level", "warning"]
        with _serving(bare_app, env) as url:
            baseline = _load(f"{url}/bare", connections, Path(spec_dir))
        with _serving([sys.executable, "-m", "charity.cli", "serve"], env) as url:
            gifts = _load(f"{url}/api/donations", connections, Path(spec_dir))
    return {
        "label": label,
        "gifts": gifts,
        "baseline": baseline,
        "ratio": gifts["rate"] / baseline["rate"],
    }


def report(result: dict) -> str:
    gifts, baseline = result["gifts"], result["baseline"]
    errors = sum(count for status, count in gifts["statuses"].items() if status != "201")
    return (
        f"{result['label']:<34} {gifts['rate']:8.1f} gifts/s  p50 {gifts['p50_ms']:6.1f} ms  p99 {gifts['p99_ms']:6.1f} ms"
        f"  errors {errors}\n"
        f"{'  bare Litestar endpoint, same server':<34} {baseline['rate']:8.1f} req/s    p50 {baseline['p50_ms']:6.1f} ms"
        f"  p99 {baseline['p99_ms']:6.1f} ms\n"
        f"{'  ratio (target ≥ 0.10, goal 0.25)':<34} {result['ratio']:8.3f}"
    )
