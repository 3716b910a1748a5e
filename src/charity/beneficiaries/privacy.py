"""Who sees what of a beneficiary (Decree 13/2023/NĐ-CP): the one matrix every answer, page and file
is made through, so no template or export can show more than the reader's role allows.

- a coordinator of the beneficiary's unit (or a unit above it) sees everything;
- an auditor sees the record with the CCCD number masked (its last four digits) and no health details;
- a volunteer sees the name, hamlet, categories and status, and whether the person consented;
- someone whose scope does not hold the record (a duplicate found in another commune) sees only its
  code, unit and status.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from charity.beneficiaries.identity import mask_id_number
from charity.beneficiaries.schemas import BeneficiaryOut, CategoryOut, ConsentOut, MemberOut, ReviewOut
from charity.models import (
    Beneficiary,
    BeneficiaryKind,
    BeneficiaryMember,
    BeneficiaryStatus,
    Consent,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    Sex,
)


class View(StrEnum):
    COORDINATOR = "coordinator"
    AUDITOR = "auditor"
    VOLUNTEER = "volunteer"
    OUTSIDE = "outside"


class Show(StrEnum):
    WHOLE = "whole"
    MASKED = "masked"
    HIDDEN = "hidden"


W, M, H = Show.WHOLE, Show.MASKED, Show.HIDDEN
# field: (coordinator, auditor, volunteer, outside)
MATRIX: dict[str, tuple[Show, Show, Show, Show]] = {
    "name": (W, W, W, H),
    "hamlet": (W, W, W, H),
    "categories": (W, W, W, H),
    "sex": (W, W, H, H),
    "birth_year": (W, W, H, H),
    "birth_date": (W, W, H, H),
    "address": (W, W, H, H),
    "phone": (W, W, H, H),
    "id_number": (W, M, H, H),
    "poor_cert_number": (W, W, H, H),
    "poor_cert_year": (W, W, H, H),
    "circumstances": (W, W, H, H),
    "health": (W, H, H, H),
    "members": (W, W, H, H),
    "consents": (W, W, H, H),
    "reviews": (W, W, H, H),
    "proposed_by_name": (W, W, W, H),
}
_COLUMN = {view: index for index, view in enumerate(View)}
_MASKS: dict[str, Callable[[Any], Any]] = {"id_number": mask_id_number}


def show(view: View, name: str) -> Show:
    return MATRIX[name][_COLUMN[view]]


@dataclass(frozen=True, slots=True)
class ConsentRecord:
    consent: Consent
    recorded_by_name: str
    withdrawn_by_name: str | None


@dataclass(slots=True)
class Record:
    """A beneficiary with everything an answer about it may need, loaded together."""

    beneficiary: Beneficiary
    unit_name: str
    proposed_by_name: str
    categories: list[CategoryOut] = field(default_factory=list)
    members: list[BeneficiaryMember] = field(default_factory=list)
    consents: list[ConsentRecord] = field(default_factory=list)
    reviews: list[ReviewOut] = field(default_factory=list)


def code_of(beneficiary_id: int) -> str:
    """The record's code, also its pseudonym once erased: "ĐT-000123"."""
    return f"ĐT-{beneficiary_id:06d}"


def purposes_of(consent: Consent) -> list[ConsentPurpose]:
    return [purpose for purpose in ConsentPurpose if getattr(consent, f"for_{purpose.value}")]


def consented_to(consents: list[ConsentRecord]) -> list[ConsentPurpose]:
    """The purposes some consent not withdrawn covers."""
    current = {p for c in consents if c.consent.withdrawn_on is None for p in purposes_of(c.consent)}
    return [purpose for purpose in ConsentPurpose if purpose in current]


def review_due(beneficiary: Beneficiary, today: date) -> bool:
    return beneficiary.status == BeneficiaryStatus.VERIFIED and (
        beneficiary.review_until is None or beneficiary.review_until < today
    )


def eligible(record: Record, today: date) -> bool:
    """Whether support may be given: verified, not due for review, with current consent to support."""
    beneficiary = record.beneficiary
    return (
        beneficiary.status == BeneficiaryStatus.VERIFIED
        and not review_due(beneficiary, today)
        and ConsentPurpose.SUPPORT in consented_to(record.consents)
    )


def _consent_out(record: ConsentRecord) -> ConsentOut:
    consent = record.consent
    return ConsentOut(
        id=consent.id,
        purposes=purposes_of(consent),
        method=ConsentMethod(consent.method),
        witness=consent.witness,
        given_by=ConsentGiver(consent.given_by),
        guardian_name=consent.guardian_name,
        guardian_relation=consent.guardian_relation,
        given_on=consent.given_on,
        recorded_by_name=record.recorded_by_name,
        recorded_at=consent.recorded_at,
        withdrawn_on=consent.withdrawn_on,
        withdrawn_by_name=record.withdrawn_by_name,
        current=consent.withdrawn_on is None,
    )


def _member_out(member: BeneficiaryMember) -> MemberOut:
    return MemberOut(
        name=member.name,
        relation=member.relation,
        sex=Sex(member.sex),
        birth_year=member.birth_year,
        birth_date=member.birth_date,
    )


def seen(record: Record, view: View, today: date) -> BeneficiaryOut:
    """The record as a reader with this view may see it."""
    beneficiary = record.beneficiary
    values: dict[str, Any] = {
        "name": beneficiary.name,
        "hamlet": beneficiary.hamlet,
        "categories": record.categories,
        "sex": Sex(beneficiary.sex),
        "birth_year": beneficiary.birth_year,
        "birth_date": beneficiary.birth_date,
        "address": beneficiary.address,
        "phone": beneficiary.phone,
        "id_number": beneficiary.id_number,
        "poor_cert_number": beneficiary.poor_cert_number,
        "poor_cert_year": beneficiary.poor_cert_year,
        "circumstances": beneficiary.circumstances,
        "health": beneficiary.health,
        "members": [_member_out(member) for member in record.members],
        "consents": [_consent_out(consent) for consent in record.consents],
        "reviews": record.reviews,
        "proposed_by_name": record.proposed_by_name,
    }
    hidden = []
    for name in MATRIX:
        rule = show(view, name)
        if rule is Show.HIDDEN:
            values[name] = None
            hidden.append(name)
        elif rule is Show.MASKED:
            values[name] = _MASKS[name](values[name])
    return BeneficiaryOut(
        id=beneficiary.id,
        code=code_of(beneficiary.id),
        unit_id=beneficiary.unit_id,
        unit_name=record.unit_name,
        kind=BeneficiaryKind(beneficiary.kind),
        status=BeneficiaryStatus(beneficiary.status),
        view=view.value,
        hidden=hidden,
        review_until=beneficiary.review_until,
        review_due=review_due(beneficiary, today),
        eligible=eligible(record, today),
        consented_to=consented_to(record.consents) if view is not View.OUTSIDE else [],
        member_count=len(record.members),
        proposed_at=beneficiary.proposed_at,
        **values,
    )
