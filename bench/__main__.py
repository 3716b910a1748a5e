"""`make bench`: gift intake on SQLite and PostgreSQL, each beside a bare endpoint in the same run."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from throwaway_postgres import throwaway_postgres

from bench import gifts, receipts


def main() -> None:
    print("Receipt rendering", flush=True)
    print(receipts.report(receipts.measure()), flush=True)
    print(
        f"Gift intake through HTTP, {gifts.CONNECTIONS} connections, {gifts.SECONDS:.0f} s each", flush=True
    )
    with tempfile.TemporaryDirectory() as directory:
        sqlite = gifts.measure(f"sqlite+aiosqlite:///{directory}/bench.db", "SQLite (synchronous=FULL)")
    print(gifts.report(sqlite), flush=True)
    with throwaway_postgres() as url:
        postgres = gifts.measure(url, "PostgreSQL 15")
    print(gifts.report(postgres), flush=True)


if __name__ == "__main__":
    main()
