"""Donors (nhà hảo tâm): people and organisations who give."""

from __future__ import annotations

from charity.text import fold


def search_text_for(name: str, phone: str, address: str) -> str:
    """What donor search matches against: name, phone and address, folded."""
    return " | ".join(fold(part) for part in (name, phone, address))
