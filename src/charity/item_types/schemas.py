from __future__ import annotations

import msgspec

from charity.models import ItemType


class ItemTypeCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    unit_of_measure: str


class ItemTypeUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: str | None = None
    unit_of_measure: str | None = None
    active: bool | None = None


class ItemTypeOut(msgspec.Struct):
    id: int
    name: str
    unit_of_measure: str
    active: bool

    @classmethod
    def of(cls, item_type: ItemType) -> ItemTypeOut:
        return cls(item_type.id, item_type.name, item_type.unit_of_measure, item_type.active)
