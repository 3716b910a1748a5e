from __future__ import annotations

import msgspec

from charity.fields import Text
from charity.models import ItemType


class ItemTypeCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Text
    unit_of_measure: Text


class ItemTypeUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: Text | None = None
    unit_of_measure: Text | None = None
    active: bool | None = None


class ItemTypeOut(msgspec.Struct):
    id: int
    name: str
    unit_of_measure: str
    active: bool

    @classmethod
    def of(cls, item_type: ItemType) -> ItemTypeOut:
        return cls(item_type.id, item_type.name, item_type.unit_of_measure, item_type.active)
