"""Exporting a drive's goods book of ledger.ENTRIES lines from a real `charity serve` on SQLite:
the CSV beside `sqlite3 -csv` printing the same rows of the same query in the same run, and the
XLSX; each with the server process's peak memory (VmHWM), in a fresh server each."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bench.gifts import serving
from bench.ledger import DRIVE_ID, ENTRIES
from charity.accounts import signin
from charity.accounts.passwords import hash_password
from charity.db import Database
from charity.models import Membership, Role, User

ITEM_TYPE_ID = 1  # the bench chain's rice
# The book's query, as the export runs it: each line with its receipt, book, gift, donor and who.
BOOK_SQL = """
SELECT l.posted_on, l.chain_seq, l.amount, l.quantity, l.source, l.memo, d.cash_method,
       b.code, b.year, r.seq, u.full_name, u.username, o.name, d.anonymous
FROM ledger_entry AS l
LEFT JOIN receipt AS r ON r.id = l.receipt_id
LEFT JOIN donation AS d ON d.id = r.donation_id
LEFT JOIN receipt_book AS b ON b.id = r.book_id
LEFT JOIN user_account AS u ON u.id = l.created_by
LEFT JOIN donor AS o ON o.id = d.donor_id
WHERE l.drive_id = {drive} AND l.item_type_id = {item}
ORDER BY l.posted_on, l.chain_seq
"""
MEMORY_LIMITS_MB = {"csv": 150, "xlsx": 200}


async def _auditor(database_url: str) -> str:
    """An auditor of the bench's unit, and their API token."""
    database = Database(database_url)
    try:
        async with database.write() as session:
            user = User(
                username="bench-auditor", full_name="Trần Thị Mai", password_hash=hash_password("bench-0001")
            )
            session.add(user)
            await session.flush()
            session.add(Membership(user_id=user.id, unit_id=1, role=Role.AUDITOR))
            token, _ = await signin.issue_api_token(session, user, "127.0.0.1")
            return token
    finally:
        await database.dispose()


def _peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc")


def _export(database_url: str, token: str, file_format: str) -> dict[str, float]:
    env = os.environ | {"CHARITY_DATABASE_URL": database_url, "CHARITY_SECRET_KEY": "bench-" + "k" * 40}
    with serving([f"{sys.prefix}/bin/charity", "serve"], env) as server:
        started_mb = _peak_mb(server.pid)
        started = time.perf_counter()
        size = 0
        url = f"{server.url}/api/drives/{DRIVE_ID}/books/goods"
        query = {"item_type_id": ITEM_TYPE_ID, "format": file_format}
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.stream("GET", url, params=query, headers=headers, timeout=600) as answer:
            answer.raise_for_status()
            for chunk in answer.iter_bytes():
                size += len(chunk)
        return {
            "seconds": time.perf_counter() - started,
            "bytes": size,
            "peak_mb": _peak_mb(server.pid),
            "idle_mb": started_mb,
        }


def _sqlite3_csv(database_url: str) -> dict[str, float]:
    path = database_url.split("///", 1)[1]
    started = time.perf_counter()
    result = subprocess.run(
        ["sqlite3", "-csv", path, BOOK_SQL.format(drive=DRIVE_ID, item=ITEM_TYPE_ID)],
        stdout=subprocess.PIPE,
        check=True,
    )
    return {"seconds": time.perf_counter() - started, "bytes": len(result.stdout)}


def measure(database_url: str) -> dict[str, dict[str, float]]:
    token = asyncio.run(_auditor(database_url))
    return {
        "sqlite3": _sqlite3_csv(database_url),
        "csv": _export(database_url, token, "csv"),
        "xlsx": _export(database_url, token, "xlsx"),
    }


def report(result: dict[str, dict[str, float]]) -> str:
    baseline, lines = result["sqlite3"], f"{ENTRIES:_}".replace("_", ".")
    speed = baseline["seconds"] / result["csv"]["seconds"]
    out = [
        f"{f'CSV export of a {lines}-line goods book':50}{result['csv']['seconds']:7.1f} s",
        f"{'  sqlite3 -csv of the same query':50}{baseline['seconds']:7.1f} s",
        f"{'  speed against sqlite3 (target ≥ 0.5)':50}{speed:7.2f}{'' if speed >= 0.5 else '  target missed'}",
    ]
    for name in ("csv", "xlsx"):
        figures, limit = result[name], MEMORY_LIMITS_MB[name]
        verdict = "" if figures["peak_mb"] <= limit else "  target missed"
        if name == "xlsx":
            out.append(f"{'XLSX export of the same book':50}{figures['seconds']:7.1f} s")
        out.append(
            f"{f'  server peak memory, {name} (target ≤ {limit} MB)':50}{figures['peak_mb']:7.0f} MB"
            f"  (idle {figures['idle_mb']:.0f} MB, {figures['bytes'] / 2**20:.0f} MiB sent){verdict}"
        )
    return "\n".join(out)
