"""`make bench`: receipt rendering, ledger verification, book exports, distributions from a long ledger,
beneficiary imports, and gift intake on SQLite and PostgreSQL in two scenarios, each
figure beside a baseline measured in the same run."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from throwaway_postgres import throwaway_postgres

from bench import exports, gifts, imports, ledger, receipts, stock


def main() -> None:
    print("Receipt rendering", flush=True)
    print(receipts.report(receipts.measure()), flush=True)
    with ledger.chain_database() as chain:
        print("Ledger verification", flush=True)
        print(ledger.report(ledger.measure(chain)), flush=True)
        print("Book exports", flush=True)
        print(exports.report(exports.measure(chain)), flush=True)
        # Last on the chain: it posts to it.
        print("Distributions from a long ledger", flush=True)
        print(stock.report(stock.measure(chain)), flush=True)
    print(f"Beneficiary import of a {imports.ROWS:_}-row XLSX through HTTP".replace("_", "."), flush=True)
    with tempfile.TemporaryDirectory() as directory:
        sqlite_url = f"sqlite+aiosqlite:///{directory}/imports.db"
        print(imports.report(imports.measure(sqlite_url, "SQLite (synchronous=FULL)")), flush=True)
    with throwaway_postgres() as url:
        print(imports.report(imports.measure(url, "PostgreSQL 15")), flush=True)
    print(f"Gift intake through HTTP, {gifts.SECONDS:.0f} s each", flush=True)
    print(gifts.HOT_BOOK.title, flush=True)
    with tempfile.TemporaryDirectory() as directory:
        sqlite_url = f"sqlite+aiosqlite:///{directory}/bench.db"
        print(
            gifts.report(gifts.measure(sqlite_url, "SQLite (synchronous=FULL)", gifts.HOT_BOOK)), flush=True
        )
    with throwaway_postgres() as url:
        print(gifts.report(gifts.measure(url, "PostgreSQL 15", gifts.HOT_BOOK)), flush=True)
    print(gifts.PROVINCE.title, flush=True)
    with throwaway_postgres() as url:
        print(gifts.report(gifts.measure(url, "PostgreSQL 15", gifts.PROVINCE)), flush=True)


if __name__ == "__main__":
    main()
