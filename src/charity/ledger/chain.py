"""The hash chain of a drive's ledger: pure functions, no database."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC
from decimal import Decimal
from typing import Any

from charity.models.drives import GENESIS
from charity.money import canonical_quantity

GENESIS_HASH = GENESIS
# What the hash covers: every column of an entry but its id and its own hash.
HASHED_FIELDS = (
    "drive_id",
    "chain_seq",
    "posted_on",
    "item_type_id",
    "quantity",
    "amount",
    "source",
    "receipt_id",
    "memo",
    "created_at",
    "created_by",
    "prev_hash",
)


def entry_hash(entry: Mapping[str, Any]) -> str:
    """SHA-256 over the entry's fields (`HASHED_FIELDS`, the previous entry's hash among them),
    written canonically so that SQLite and PostgreSQL give the same text for the same entry."""
    quantity = entry["quantity"]
    content = {
        **{name: entry[name] for name in HASHED_FIELDS},
        "posted_on": entry["posted_on"].isoformat(),
        "quantity": canonical_quantity(Decimal(quantity)) if quantity is not None else None,
        "source": str(entry["source"]),
        "created_at": entry["created_at"].astimezone(UTC).isoformat(timespec="microseconds"),
    }
    encoded = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()
