from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec

from charity.fields import Id, Text, Year
from charity.models import (
    BeneficiaryKind,
    BeneficiaryStatus,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    Sex,
)

# A year of birth; the service bounds it by today.
BirthYear = Annotated[int, msgspec.Meta(ge=1900, le=2100)]
MAX_MEMBERS = 30
MAX_CATEGORIES = 20
Members = Annotated[list["MemberIn"], msgspec.Meta(max_length=MAX_MEMBERS)]
CategoryIds = Annotated[list[Id], msgspec.Meta(max_length=MAX_CATEGORIES)]
Purposes = Annotated[list[ConsentPurpose], msgspec.Meta(min_length=1, max_length=len(ConsentPurpose))]
OtherIds = Annotated[list[Id], msgspec.Meta(max_length=50)]


class MemberIn(msgspec.Struct, forbid_unknown_fields=True):
    """A household member other than its head."""

    name: Text
    relation: Text = ""
    sex: Sex = Sex.UNKNOWN
    birth_year: BirthYear | None = None
    birth_date: date | None = None


class ConsentIn(msgspec.Struct, forbid_unknown_fields=True):
    purposes: Purposes
    method: ConsentMethod
    given_on: date
    witness: Text = ""
    given_by: ConsentGiver = ConsentGiver.SELF
    guardian_name: Text = ""
    guardian_relation: Text = ""


class NotDuplicate(msgspec.Struct, forbid_unknown_fields=True):
    """Sent again after the answer 409 listed likely duplicates: these are other people, and why."""

    not_duplicate_of: OtherIds = []
    not_duplicate_reason: Text = ""


class BeneficiaryIn(NotDuplicate, forbid_unknown_fields=True, kw_only=True):
    """A person, or a household described by its head (name, sex, birth, CCCD are the head's).
    `id_number` and `health` need consent for sensitive data: recorded before, or sent in `consent`."""

    unit_id: Id
    name: Text
    kind: BeneficiaryKind = BeneficiaryKind.HOUSEHOLD
    sex: Sex = Sex.UNKNOWN
    birth_year: BirthYear | None = None
    birth_date: date | None = None
    hamlet: Text = ""
    address: Text = ""
    phone: Text = ""
    id_number: Text = ""
    poor_cert_number: Text = ""
    poor_cert_year: Year | None = None
    circumstances: Text = ""
    health: Text = ""
    category_ids: CategoryIds = []
    members: Members = []
    consent: ConsentIn | None = None


class BeneficiaryUpdate(NotDuplicate, forbid_unknown_fields=True):
    """Only the fields sent change; `birth_year`, `birth_date` and `poor_cert_year` are cleared with
    `clear`. A change to what the review judged (kind, categories, circumstances, health, poor-household
    certificate, members) sends a verified or rejected record back to review."""

    name: Text | None = None
    kind: BeneficiaryKind | None = None
    sex: Sex | None = None
    birth_year: BirthYear | None = None
    birth_date: date | None = None
    hamlet: Text | None = None
    address: Text | None = None
    phone: Text | None = None
    id_number: Text | None = None
    poor_cert_number: Text | None = None
    poor_cert_year: Year | None = None
    circumstances: Text | None = None
    health: Text | None = None
    category_ids: CategoryIds | None = None
    members: Members | None = None
    clear: Annotated[list[str], msgspec.Meta(max_length=3)] = []


class VerifyIn(msgspec.Struct, forbid_unknown_fields=True):
    """The review meeting (cuộc họp bình xét) that decided: its date, its minutes' number, or both."""

    meeting_date: date | None = None
    minutes_number: Text = ""
    note: Text = ""


class RejectIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Text
    meeting_date: date | None = None
    minutes_number: Text = ""


class WithdrawIn(msgspec.Struct, forbid_unknown_fields=True):
    """When the person withdrew (today when not sent)."""

    withdrawn_on: date | None = None


class EraseIn(msgspec.Struct, forbid_unknown_fields=True):
    """Why the record is erased (the person's request, its date): written without the person's name."""

    reason: Text


class DismissIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Text


class CategoryIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Text


class CategoryOut(msgspec.Struct):
    id: int
    name: str


class MemberOut(msgspec.Struct):
    name: str
    relation: str
    sex: Sex
    birth_year: int | None
    birth_date: date | None


class ConsentOut(msgspec.Struct):
    id: int
    purposes: list[ConsentPurpose]
    method: ConsentMethod
    witness: str
    given_by: ConsentGiver
    guardian_name: str
    guardian_relation: str
    given_on: date
    recorded_by_name: str
    recorded_at: datetime
    withdrawn_on: date | None
    withdrawn_by_name: str | None
    current: bool


class ReviewOut(msgspec.Struct):
    id: int
    decision: str
    decided_by_name: str
    decided_at: datetime
    meeting_date: date | None
    minutes_number: str
    reason: str
    valid_until: date | None


class BeneficiaryOut(msgspec.Struct):
    """A beneficiary as the caller may see it (`view`): what the caller's role may not see is null,
    and named in `hidden`; `id_number` may come masked ("********1234")."""

    id: int
    code: str
    unit_id: int
    unit_name: str
    kind: BeneficiaryKind
    status: BeneficiaryStatus
    view: str
    hidden: list[str]
    review_until: date | None
    review_due: bool
    # Whether support may be given now: verified, review not due, current consent to support.
    eligible: bool
    consented_to: list[ConsentPurpose]
    member_count: int
    categories: list[CategoryOut] | None
    name: str | None
    hamlet: str | None
    sex: Sex | None
    birth_year: int | None
    birth_date: date | None
    address: str | None
    phone: str | None
    id_number: str | None
    poor_cert_number: str | None
    poor_cert_year: int | None
    circumstances: str | None
    health: str | None
    members: list[MemberOut] | None
    consents: list[ConsentOut] | None
    reviews: list[ReviewOut] | None
    proposed_by_name: str | None
    proposed_at: datetime


class SuspicionOut(msgspec.Struct):
    """Two records that may be one person, each as the caller may see it."""

    id: int
    first: BeneficiaryOut
    second: BeneficiaryOut
    on_id_number: bool
    on_phone: bool
    on_name: bool
    name_score: int
    found_at: datetime


class MatchOut(msgspec.Struct):
    """A likely duplicate of what was sent, with why."""

    beneficiary: BeneficiaryOut
    on_id_number: bool
    on_phone: bool
    on_name: bool
    name_score: int


class PublicListing(msgspec.Struct):
    code: str
    name: str
    unit_name: str


class PublicCounts(msgspec.Struct):
    """What the public may know of a unit's registry: counts, and the people who consented to be
    listed, by masked name and commune."""

    unit_id: int
    unit_name: str
    verified: int
    by_category: dict[str, int]
    listed: list[PublicListing]
