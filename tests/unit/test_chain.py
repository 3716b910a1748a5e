"""The ledger chain's canonical text: the same as the text every existing entry's hash was taken of,
whichever engine stored the entry."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from charity.ledger.chain import HASHED_FIELDS, canonical, entry_hash

_hashes = st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)
_entries = st.fixed_dictionaries(
    {
        "drive_id": st.integers(1, 2**31),
        "chain_seq": st.integers(1, 2**40),
        "posted_on": st.dates(date(2000, 1, 1), date(2100, 12, 31)),
        "item_type_id": st.none() | st.integers(1, 2**31),
        "quantity": st.none() | st.decimals(Decimal("-1e12"), Decimal("1e12"), places=3),
        "amount": st.integers(-(10**13), 10**13),
        "source": st.sampled_from(["receipt", "void"]),
        "receipt_id": st.integers(1, 2**40),
        "memo": st.text(max_size=200),
        "created_at": st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=7))])),
        "created_by": st.none() | st.integers(1, 2**31),
        "prev_hash": _hashes,
    }
)


def _reference_text(entry: dict[str, Any]) -> str:
    """How the text was first written: the whole entry as one JSON object."""
    quantity = entry["quantity"]
    content = {
        **{name: entry[name] for name in HASHED_FIELDS},
        "posted_on": entry["posted_on"].isoformat(),
        "quantity": str(Decimal(quantity).quantize(Decimal("0.001"))) if quantity is not None else None,
        "created_at": entry["created_at"].astimezone(UTC).isoformat(timespec="microseconds"),
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@given(_entries)
def test_the_canonical_text_is_the_one_existing_hashes_were_taken_of(entry: dict[str, Any]) -> None:
    assert canonical(entry) == _reference_text(entry)
    assert entry_hash(entry) == hashlib.sha256(_reference_text(entry).encode("utf-8")).hexdigest()


def test_a_known_entry_keeps_its_hash() -> None:
    entry = {
        "drive_id": 3,
        "chain_seq": 7,
        "posted_on": date(2026, 11, 26),
        "item_type_id": 2,
        "quantity": Decimal("2.5"),
        "amount": 45_000,
        "source": "receipt",
        "receipt_id": 99,
        "memo": 'Gạo "thơm"',
        "created_at": datetime(2026, 11, 26, 8, 2, 3, 4567, tzinfo=timezone(timedelta(hours=7))),
        "created_by": 5,
        "prev_hash": "0" * 64,
    }
    assert canonical(entry) == (
        '{"amount":45000,"chain_seq":7,"created_at":"2026-11-26T01:02:03.004567+00:00","created_by":5,'
        '"drive_id":3,"item_type_id":2,"memo":"Gạo \\"thơm\\"","posted_on":"2026-11-26",'
        '"prev_hash":"0000000000000000000000000000000000000000000000000000000000000000",'
        '"quantity":"2.500","receipt_id":99,"source":"receipt"}'
    )
    assert entry_hash(entry) == "b79f92605ce880d50035ec6cba639d75e03483dcc10b765295790b3c75df56ca"
