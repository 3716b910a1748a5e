"""Beneficiaries in special hardship (đối tượng có hoàn cảnh đặc biệt khó khăn): a person or a
household kept by the unit that registered it (the commune), its review (bình xét), the consents it
gave and the duplicate suspicions around it.

The ledger never holds a beneficiary's personal data, only the beneficiary's id: erasing a record
blanks what identifies the person and leaves the books and the hash chain as they were.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, LargeBinary, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from charity.models.base import UTCDateTime, one_of, utcnow

# A CCCD (căn cước công dân) number has twelve digits; a record without one keeps ''.
ID_NUMBER_LENGTH = 12


class BeneficiaryKind(StrEnum):
    PERSON = "person"
    HOUSEHOLD = "household"


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    UNKNOWN = ""


class BeneficiaryStatus(StrEnum):
    PROPOSED = "proposed"  # đề xuất, awaiting the review
    VERIFIED = "verified"  # đã bình xét, until `review_until`
    REJECTED = "rejected"  # không được công nhận, with the reason in its review
    ERASED = "erased"  # forgotten at the person's request; only the pseudonym remains


class ReviewDecision(StrEnum):
    VERIFIED = "verified"
    REJECTED = "rejected"


class ConsentMethod(StrEnum):
    SIGNED_FORM = "signed_form"  # a signed consent form (phiếu đồng ý) is kept on file
    IN_PERSON = "in_person"  # given in person before a witness


class ConsentPurpose(StrEnum):
    """What a consent allows; each is a column of `Consent`, `for_<purpose>`."""

    SUPPORT = "support"  # receiving support: without it no new support is given
    PUBLIC_LISTING = "public_listing"  # the masked name and commune in a drive's public disclosure
    CONTACT = "contact"  # being called or visited about support
    SENSITIVE_DATA = "sensitive_data"  # keeping the CCCD number and health or disability details


class ConsentGiver(StrEnum):
    SELF = "self"
    GUARDIAN = "guardian"  # for a child or a person who cannot consent


class HardshipCategory(SQLModel, table=True):
    """A kind of hardship (hộ nghèo, người khuyết tật, …): a shared list that coordinators extend.
    `key` is the name folded, so that one category cannot be added twice in two spellings."""

    __tablename__ = "hardship_category"
    __table_args__ = (CheckConstraint("name <> ''", name="name_not_empty"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=String(100))
    key: str = Field(sa_type=String(100), unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, foreign_key="user_account.id")


class Beneficiary(SQLModel, table=True):
    """A person, or a household described by its head, registered by one unit.

    `health` (health and disability details) and `id_number` are sensitive data: they are kept only
    while the beneficiary consents to their use. `name_key` is the folded name the duplicate check
    compares; `search_text` holds everything a coordinator may search by, folded, and `search_basic`
    only the name and hamlet, which is all a volunteer may search by.
    """

    __tablename__ = "beneficiary"
    __table_args__ = (
        one_of("kind", BeneficiaryKind),
        one_of("sex", Sex),
        one_of("status", BeneficiaryStatus),
        CheckConstraint("name <> ''", name="name_not_empty"),
        CheckConstraint(f"length(id_number) IN (0, {ID_NUMBER_LENGTH})", name="id_number_length"),
        CheckConstraint(
            "status <> 'verified' OR (reviewed_by IS NOT NULL AND review_until IS NOT NULL)",
            name="verified_with_review",
        ),
        CheckConstraint("(status = 'erased') = (erased_at IS NOT NULL)", name="erased_when_status_erased"),
        Index("ix_beneficiary_unit_id_status", "unit_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id")
    kind: str = Field(default=BeneficiaryKind.HOUSEHOLD, sa_type=String(20))
    name: str = Field(sa_type=String(200))
    sex: str = Field(default=Sex.UNKNOWN, sa_type=String(10))
    birth_year: int | None = Field(default=None)
    birth_date: date | None = Field(default=None)
    hamlet: str = Field(default="", sa_type=String(100))
    address: str = Field(default="", sa_type=String(300))
    phone: str = Field(default="", sa_type=String(20), index=True)
    id_number: str = Field(default="", sa_type=String(ID_NUMBER_LENGTH), index=True)
    poor_cert_number: str = Field(default="", sa_type=String(50))
    poor_cert_year: int | None = Field(default=None)
    circumstances: str = Field(default="", sa_type=String(2000))
    health: str = Field(default="", sa_type=String(1000))
    status: str = Field(default=BeneficiaryStatus.PROPOSED, sa_type=String(20))
    proposed_by: int | None = Field(default=None, foreign_key="user_account.id")
    proposed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    reviewed_by: int | None = Field(default=None, foreign_key="user_account.id")
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    review_until: date | None = Field(default=None)
    name_key: str = Field(default="", sa_type=String(200))
    # Lists are in the Vietnamese order: by given name, then the whole name ("hong nguyen thi hong").
    sort_key: str = Field(default="", sa_type=String(300))
    search_basic: str = Field(default="", sa_type=String(400))
    search_text: str = Field(default="", sa_type=String(2000))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    erased_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class BeneficiaryMember(SQLModel, table=True):
    """A member of a household other than its head."""

    __tablename__ = "beneficiary_member"
    __table_args__ = (
        one_of("sex", Sex),
        CheckConstraint("name <> ''", name="name_not_empty"),
        UniqueConstraint("beneficiary_id", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    beneficiary_id: int = Field(foreign_key="beneficiary.id", index=True)
    position: int
    name: str = Field(sa_type=String(200))
    relation: str = Field(default="", sa_type=String(50))
    sex: str = Field(default=Sex.UNKNOWN, sa_type=String(10))
    birth_year: int | None = Field(default=None)
    birth_date: date | None = Field(default=None)


class BeneficiaryCategory(SQLModel, table=True):
    __tablename__ = "beneficiary_category"

    beneficiary_id: int = Field(foreign_key="beneficiary.id", primary_key=True)
    category_id: int = Field(foreign_key="hardship_category.id", primary_key=True, index=True)


class BeneficiaryReview(SQLModel, table=True):
    """One decision of a review (bình xét): who decided, at which meeting, and until when it holds."""

    __tablename__ = "beneficiary_review"
    __table_args__ = (
        one_of("decision", ReviewDecision),
        CheckConstraint("meeting_date IS NOT NULL OR minutes_number <> ''", name="meeting_date_or_minutes"),
        CheckConstraint(
            "(decision = 'verified') = (valid_until IS NOT NULL)", name="valid_until_when_verified"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    beneficiary_id: int = Field(foreign_key="beneficiary.id", index=True)
    decision: str = Field(sa_type=String(20))
    decided_by: int = Field(foreign_key="user_account.id")
    decided_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    meeting_date: date | None = Field(default=None)
    minutes_number: str = Field(default="", sa_type=String(50))
    reason: str = Field(default="", sa_type=String(500))
    valid_until: date | None = Field(default=None)


class Consent(SQLModel, table=True):
    """Consent given once for one or more purposes (Decree 13/2023/NĐ-CP), and its withdrawal."""

    __tablename__ = "consent"
    __table_args__ = (
        one_of("method", ConsentMethod),
        one_of("given_by", ConsentGiver),
        CheckConstraint(
            "for_support OR for_public_listing OR for_contact OR for_sensitive_data", name="some_purpose"
        ),
        CheckConstraint("method <> 'in_person' OR witness <> ''", name="witness_in_person"),
        CheckConstraint("given_by <> 'guardian' OR guardian_name <> ''", name="guardian_named"),
        CheckConstraint(
            "(withdrawn_on IS NULL AND withdrawn_by IS NULL AND withdrawn_at IS NULL)"
            " OR (withdrawn_on IS NOT NULL AND withdrawn_by IS NOT NULL AND withdrawn_at IS NOT NULL)",
            name="withdrawn_whole",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    beneficiary_id: int = Field(foreign_key="beneficiary.id", index=True)
    for_support: bool = Field(default=False)
    for_public_listing: bool = Field(default=False)
    for_contact: bool = Field(default=False)
    for_sensitive_data: bool = Field(default=False)
    method: str = Field(sa_type=String(20))
    witness: str = Field(default="", sa_type=String(200))
    given_by: str = Field(default=ConsentGiver.SELF, sa_type=String(20))
    guardian_name: str = Field(default="", sa_type=String(200))
    guardian_relation: str = Field(default="", sa_type=String(50))
    given_on: date
    recorded_by: int = Field(foreign_key="user_account.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    withdrawn_on: date | None = Field(default=None)
    withdrawn_by: int | None = Field(default=None, foreign_key="user_account.id")
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class DuplicateSuspicion(SQLModel, table=True):
    """Two beneficiaries that may be one (`first_id` < `second_id`): found when one of them was
    created, changed or imported, open until someone records that they are not, with a reason."""

    __tablename__ = "duplicate_suspicion"
    __table_args__ = (
        UniqueConstraint("first_id", "second_id"),
        CheckConstraint("first_id < second_id", name="pair_in_order"),
        CheckConstraint("on_id_number OR on_phone OR on_name", name="some_match"),
        CheckConstraint(
            "(dismissed_at IS NULL AND dismissed_by IS NULL AND dismiss_reason = '')"
            " OR (dismissed_at IS NOT NULL AND dismissed_by IS NOT NULL AND dismiss_reason <> '')",
            name="dismissed_with_reason",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    first_id: int = Field(foreign_key="beneficiary.id", index=True)
    second_id: int = Field(foreign_key="beneficiary.id", index=True)
    on_id_number: bool = Field(default=False)
    on_phone: bool = Field(default=False)
    on_name: bool = Field(default=False)
    name_score: int = Field(default=0)
    found_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    dismissed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    dismissed_by: int | None = Field(default=None, foreign_key="user_account.id")
    dismiss_reason: str = Field(default="", sa_type=String(500))


class BeneficiaryImport(SQLModel, table=True):
    """A list uploaded for import, kept between its dry run and the import itself (from another
    app process, maybe), under a random token only its uploader may use. It holds personal data, so
    it is deleted once imported, and a day after its upload at the latest."""

    __tablename__ = "beneficiary_import"

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(sa_type=String(64), unique=True)
    unit_id: int = Field(foreign_key="unit.id")
    uploaded_by: int = Field(foreign_key="user_account.id", index=True)
    file_name: str = Field(default="", sa_type=String(255))
    content: bytes = Field(sa_type=LargeBinary)
    # The column mapping as JSON ({field: header}); '' until the uploader changes the one detected.
    mapping: str = Field(default="", sa_type=Text)
    # The day of the signed consent forms the unit declared it holds for every row; none declared: null.
    consent_given_on: date | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
