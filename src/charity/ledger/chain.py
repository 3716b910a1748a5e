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


# Filled in by the database when it writes the entries of a gift in the statement that numbers it
# (`template`): the entry's place in the chain, the hash before it and the receipt.
CHAINED_FIELDS = ("chain_seq", "prev_hash", "receipt_id")


def _encoded(entry: Mapping[str, Any], name: str) -> str:
    """One field's value as the canonical text writes it."""
    value = entry[name]
    if name == "posted_on":
        value = value.isoformat()
    elif name == "quantity":
        value = canonical_quantity(Decimal(value)) if value is not None else None
    elif name == "source":
        value = str(value)
    elif name == "created_at":
        value = value.astimezone(UTC).isoformat(timespec="microseconds")
    return json.dumps(value, ensure_ascii=False)


# Each field in the canonical text's order, with what stands before its value: `{"name":` or `,"name":`.
_KEYS = tuple(
    (name, ("{" if n == 0 else ",") + json.dumps(name) + ":") for n, name in enumerate(sorted(HASHED_FIELDS))
)


def _pieces(entry: Mapping[str, Any], chained: tuple[str, ...]) -> list[str]:
    """The canonical text (compact JSON, keys sorted) cut before and after the value of each field
    in `chained`, which `entry` need not hold."""
    pieces, text = [], ""
    for name, key in _KEYS:
        if name in chained:
            pieces.append(text + key)
            text = ""
        else:
            text += key + _encoded(entry, name)
    return [*pieces, text + "}"]


def canonical(entry: Mapping[str, Any]) -> str:
    """The text an entry's hash is taken of: `HASHED_FIELDS` as compact JSON with sorted keys, each
    value written the same way whichever engine stored it."""
    return _pieces(entry, ())[0]


def entry_hash(entry: Mapping[str, Any]) -> str:
    """SHA-256 over the entry's canonical text, the previous entry's hash among its fields."""
    return hashlib.sha256(canonical(entry).encode("utf-8")).hexdigest()


def template(entry: Mapping[str, Any]) -> tuple[str, str, str, str]:
    """An entry's canonical text around its `CHAINED_FIELDS`, for a database to complete and hash
    when it knows them: the text is `t0 + str(chain_seq) + t1 + prev_hash + t2 + str(receipt_id) + t3`
    (a hash is hexadecimal, so its JSON string is itself in quotes)."""
    t0, t1, t2, t3 = _pieces(entry, CHAINED_FIELDS)
    return t0, t1 + '"', '"' + t2, t3
