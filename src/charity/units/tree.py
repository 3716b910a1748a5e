"""The unit tree as pages show it: every list and picker of units puts a parent before its children,
siblings by name, each unit indented by its depth."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from charity.models import Unit
from charity.text import fold

# Non-breaking spaces: a browser collapses ordinary leading spaces in an <option>'s text.
INDENT = "\u00a0" * 4


@dataclass(frozen=True, slots=True)
class TreeUnit:
    unit: Unit
    depth: int

    @property
    def label(self) -> str:
        """The unit's name and code, indented: what a picker's option says."""
        return f"{INDENT * self.depth}{self.unit.name} ({self.unit.code})"


def tree_of(units: Iterable[Unit]) -> list[TreeUnit]:
    """The units in tree order. A unit whose parent is not among them (above a coordinator's scope)
    stands at the top, as the root of what the reader sees."""
    units = list(units)
    ids = {unit.id for unit in units}
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id if unit.parent_id in ids else None, []).append(unit)
    for siblings in children.values():
        siblings.sort(key=lambda unit: (fold(unit.name), unit.name, unit.code))
    ordered: list[TreeUnit] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for unit in children.get(parent_id, []):
            ordered.append(TreeUnit(unit, depth))
            walk(unit.id, depth + 1)

    walk(None, 0)
    return ordered
