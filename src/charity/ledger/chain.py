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
# The documents besides receipts that post, covered by the hash when an entry names one: entries
# written before these documents existed keep the canonical text, and the hash, they had.
DOCUMENT_FIELDS = ("distribution_id", "movement_id")


def _value(entry: Mapping[str, Any], name: str) -> Any:
    """One field's value as the canonical text writes it, whichever engine stored it."""
    value = entry[name]
    if name == "posted_on":
        return value.isoformat()
    if name == "quantity":
        return canonical_quantity(Decimal(value)) if value is not None else None
    if name == "source":
        return str(value)
    if name == "created_at":
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return value


def canonical(entry: Mapping[str, Any]) -> str:
    """The text an entry's hash is taken of: `HASHED_FIELDS` and the document it names, if any, as
    compact JSON with sorted keys."""
    values = {name: _value(entry, name) for name in HASHED_FIELDS}
    values |= {name: entry[name] for name in DOCUMENT_FIELDS if entry.get(name) is not None}
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(entry: Mapping[str, Any]) -> str:
    """SHA-256 over the entry's canonical text, the previous entry's hash among its fields."""
    return hashlib.sha256(canonical(entry).encode("utf-8")).hexdigest()
