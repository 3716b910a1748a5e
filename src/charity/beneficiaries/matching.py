"""Who may be registered twice, with no database knowledge: the one duplicate check that a form, a
change and an import of ten thousand rows all use.

Two records may be one person when they share a CCCD number or a phone, anywhere, or when their
folded names are alike (rapidfuzz's ratio at least `NAME_SCORE`) with the same year of birth (or one
of them unknown) inside the same unit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

# A typo scores high ("nguyen thi hong" and "nguyen thi huong" 97), another middle name low
# ("nguyen thi hong" and "nguyen van hong" 80).
NAME_SCORE = 90


@dataclass(frozen=True, slots=True)
class Known:
    """What the check compares of one record."""

    id: int
    unit_id: int
    name_key: str
    birth_year: int | None
    phone: str
    id_number: str


@dataclass(frozen=True, slots=True)
class Match:
    """Why `other_id` may be the record looked for."""

    other_id: int
    on_id_number: bool = False
    on_phone: bool = False
    on_name: bool = False
    name_score: int = 0


class Matcher:
    """The records seen so far, indexed as the check looks them up: a candidate is compared only with
    the records of its own unit and year of birth, so a large unit costs little more than a small one."""

    def __init__(self, known: Iterable[Known] = ()) -> None:
        self._by_id_number: dict[str, list[int]] = defaultdict(list)
        self._by_phone: dict[str, list[int]] = defaultdict(list)
        # (unit, year of birth or None) → {record id: folded name}
        self._by_unit_year: dict[tuple[int, int | None], dict[int, str]] = defaultdict(dict)
        for record in known:
            self.add(record)

    def add(self, record: Known) -> None:
        if record.id_number:
            self._by_id_number[record.id_number].append(record.id)
        if record.phone:
            self._by_phone[record.phone].append(record.id)
        self._by_unit_year[(record.unit_id, record.birth_year)][record.id] = record.name_key

    def find(self, candidate: Known) -> list[Match]:
        """Every record other than the candidate itself that may be the same, strongest reason first."""
        on_id_number = set(self._by_id_number.get(candidate.id_number, [])) if candidate.id_number else set()
        on_phone = set(self._by_phone.get(candidate.phone, [])) if candidate.phone else set()
        years = (
            [year for (unit, year) in self._by_unit_year if unit == candidate.unit_id]
            if candidate.birth_year is None
            else [candidate.birth_year, None]
        )
        scores: dict[int, int] = {}
        for year in years:
            names = self._by_unit_year.get((candidate.unit_id, year))
            if names:
                for _name, score, other in process.extract(
                    candidate.name_key, names, scorer=fuzz.ratio, score_cutoff=NAME_SCORE, limit=None
                ):
                    scores[other] = round(score)
        others = (on_id_number | on_phone | scores.keys()) - {candidate.id}
        matches = [
            Match(other, other in on_id_number, other in on_phone, other in scores, scores.get(other, 0))
            for other in others
        ]
        return sorted(matches, key=lambda m: (not m.on_id_number, not m.on_phone, -m.name_score, m.other_id))
