"""The hash chain of a drive's ledger: pure functions, no database."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from decimal import Decimal

from charity.models import LedgerEntry
from charity.money import canonical_quantity

GENESIS_HASH = "0" * 64


def entry_hash(entry: LedgerEntry, prev_hash: str) -> str:
    """SHA-256 over every meaningful field of the entry and the previous entry's hash."""
    content = {
        "drive_id": entry.drive_id,
        "chain_seq": entry.chain_seq,
        "posted_on": entry.posted_on.isoformat(),
        "item_type_id": entry.item_type_id,
        "quantity": canonical_quantity(Decimal(entry.quantity)) if entry.quantity is not None else None,
        "amount": entry.amount,
        "source": entry.source,
        "receipt_id": entry.receipt_id,
        "memo": entry.memo,
        "created_at": entry.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "created_by": entry.created_by,
        "prev_hash": prev_hash,
    }
    encoded = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()
