"""What is typed about a beneficiary, checked: the fields as stored, their limits and the rules
one field at a time (a CCCD number that agrees with the birth year, a consent that names its
witness); and the columns and search texts a record is stored with."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from charity.beneficiaries.identity import BadIdNumber, clean_id_number
from charity.beneficiaries.matching import Known
from charity.beneficiaries.schemas import (
    ConsentIn,
    MemberIn,
)
from charity.clock import local_today
from charity.donors.service import normalize_phone
from charity.errors import Invalid
from charity.models import (
    Beneficiary,
    BeneficiaryKind,
    BeneficiaryMember,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    Sex,
    utcnow,
)
from charity.text import clean, fold

LIMITS = {
    "name": 200,
    "hamlet": 100,
    "address": 300,
    "poor_cert_number": 50,
    "circumstances": 2000,
    "health": 1000,
    "relation": 50,
    "minutes_number": 50,
    "reason": 500,
    "witness": 200,
    "guardian_name": 200,
    "guardian_relation": 50,
    "category": 100,
}


LABELS = {
    "name": "Họ và tên",
    "hamlet": "Thôn, ấp, tổ",
    "address": "Địa chỉ",
    "poor_cert_number": "Số giấy chứng nhận hộ nghèo",
    "circumstances": "Hoàn cảnh",
    "health": "Sức khỏe, khuyết tật",
    "relation": "Quan hệ với chủ hộ",
    "minutes_number": "Số biên bản",
    "reason": "Lý do",
    "witness": "Người làm chứng",
    "guardian_name": "Người giám hộ",
    "guardian_relation": "Quan hệ của người giám hộ",
    "category": "Tên diện hoàn cảnh",
}


# What the review judged: changing any of it sends the record back to review.
REVIEWED = (
    "kind",
    "category_ids",
    "circumstances",
    "health",
    "poor_cert_number",
    "poor_cert_year",
    "members",
)


SENSITIVE = ("id_number", "health")


@dataclass(frozen=True, slots=True)
class CleanMember:
    name: str
    relation: str
    sex: Sex
    birth_year: int | None
    birth_date: date | None


@dataclass(frozen=True, slots=True)
class CleanBeneficiary:
    """A beneficiary's fields as stored, checked."""

    kind: BeneficiaryKind
    name: str
    sex: Sex
    birth_year: int | None
    birth_date: date | None
    hamlet: str
    address: str
    phone: str
    id_number: str
    poor_cert_number: str
    poor_cert_year: int | None
    circumstances: str
    health: str
    category_ids: tuple[int, ...]
    members: tuple[CleanMember, ...]

    @property
    def name_key(self) -> str:
        return fold(self.name)

    def known(self, beneficiary_id: int, unit_id: int) -> Known:
        return Known(beneficiary_id, unit_id, self.name_key, self.birth_year, self.phone, self.id_number)


def bounded(value: str, name: str, *, field: str | None = None, required: bool = False) -> str:
    """Typed text, cleaned, within its limit."""
    value = clean(value)
    if required and not value:
        raise Invalid(f"Cần nhập {LABELS[name].lower()}.", field=field or name)
    if len(value) > LIMITS[name]:
        raise Invalid(f"{LABELS[name]} dài quá {LIMITS[name]} ký tự.", field=field or name)
    return value


def _long_text(value: str, name: str) -> str:
    """Free text keeps its line breaks; only the ends are trimmed."""
    value = value.replace("\r\n", "\n").strip()
    if len(value) > LIMITS[name]:
        raise Invalid(f"{LABELS[name]} dài quá {LIMITS[name]} ký tự.", field=name)
    return value


def _birth(
    birth_year: int | None, birth_date: date | None, today: date, field: str
) -> tuple[int | None, date | None]:
    if birth_date is not None:
        if birth_date > today or birth_date.year < 1900:
            raise Invalid("Ngày sinh không hợp lệ.", field=f"{field}birth_date")
        if birth_year is not None and birth_year != birth_date.year:
            raise Invalid("Năm sinh khác với năm của ngày sinh.", field=f"{field}birth_year")
        return birth_date.year, birth_date
    if birth_year is not None and not 1900 <= birth_year <= today.year:
        raise Invalid(f"Năm sinh phải từ 1900 đến {today.year}.", field=f"{field}birth_year")
    return birth_year, None


def clean_member(member: MemberIn, index: int, today: date) -> CleanMember:
    field = f"members[{index}]."
    birth_year, birth_date = _birth(member.birth_year, member.birth_date, today, field)
    return CleanMember(
        name=bounded(member.name, "name", field=f"{field}name", required=True),
        relation=bounded(member.relation, "relation", field=f"{field}relation"),
        sex=member.sex,
        birth_year=birth_year,
        birth_date=birth_date,
    )


def clean_fields(
    *,
    kind: BeneficiaryKind,
    name: str,
    sex: Sex,
    birth_year: int | None,
    birth_date: date | None,
    hamlet: str,
    address: str,
    phone: str,
    id_number: str,
    poor_cert_number: str,
    poor_cert_year: int | None,
    circumstances: str,
    health: str,
    category_ids: Iterable[int],
    members: Sequence[MemberIn | CleanMember],
) -> CleanBeneficiary:
    """Check what was typed about a beneficiary; the first rule broken is refused with its field."""
    today = local_today()
    birth_year, birth_date = _birth(birth_year, birth_date, today, "")
    try:
        phone = normalize_phone(phone)
    except Invalid as error:
        raise Invalid(error.message, field="phone") from None
    try:
        id_number = clean_id_number(
            id_number, birth_year=birth_year, female=None if sex is Sex.UNKNOWN else sex is Sex.FEMALE
        )
    except BadIdNumber as error:
        raise Invalid(str(error), field="id_number") from None
    if poor_cert_year is not None and not 2000 <= poor_cert_year <= today.year:
        raise Invalid(f"Năm cấp giấy chứng nhận phải từ 2000 đến {today.year}.", field="poor_cert_year")
    if kind is BeneficiaryKind.PERSON and members:
        raise Invalid("Đối tượng là cá nhân không có thành viên hộ.", field="members")
    return CleanBeneficiary(
        kind=kind,
        name=bounded(name, "name", required=True),
        sex=sex,
        birth_year=birth_year,
        birth_date=birth_date,
        hamlet=bounded(hamlet, "hamlet"),
        address=bounded(address, "address"),
        phone=phone,
        id_number=id_number,
        poor_cert_number=bounded(poor_cert_number, "poor_cert_number"),
        poor_cert_year=poor_cert_year,
        circumstances=_long_text(circumstances, "circumstances"),
        health=_long_text(health, "health"),
        category_ids=tuple(dict.fromkeys(category_ids)),
        members=tuple(
            member if isinstance(member, CleanMember) else clean_member(member, index, today)
            for index, member in enumerate(members)
        ),
    )


@dataclass(frozen=True, slots=True)
class CleanConsent:
    purposes: frozenset[ConsentPurpose]
    method: ConsentMethod
    given_on: date
    witness: str
    given_by: ConsentGiver
    guardian_name: str
    guardian_relation: str


def clean_consent(consent: ConsentIn, prefix: str = "") -> CleanConsent:
    today = local_today()
    if consent.given_on > today or consent.given_on.year < 2000:
        raise Invalid("Ngày đồng ý không hợp lệ (không sau hôm nay).", field=f"{prefix}given_on")
    witness = bounded(consent.witness, "witness", field=f"{prefix}witness")
    if consent.method is ConsentMethod.IN_PERSON and not witness:
        raise Invalid("Đồng ý trực tiếp cần ghi người làm chứng.", field=f"{prefix}witness")
    guardian_name = bounded(consent.guardian_name, "guardian_name", field=f"{prefix}guardian_name")
    if consent.given_by is ConsentGiver.GUARDIAN and not guardian_name:
        raise Invalid("Cần ghi tên người giám hộ đã đồng ý thay.", field=f"{prefix}guardian_name")
    return CleanConsent(
        purposes=frozenset(consent.purposes),
        method=consent.method,
        given_on=consent.given_on,
        witness=witness,
        given_by=consent.given_by,
        guardian_name=guardian_name if consent.given_by is ConsentGiver.GUARDIAN else "",
        guardian_relation=bounded(
            consent.guardian_relation, "guardian_relation", field=f"{prefix}guardian_relation"
        )
        if consent.given_by is ConsentGiver.GUARDIAN
        else "",
    )


def needs_sensitive_consent(fields: CleanBeneficiary) -> str | None:
    """The first sensitive field that holds something, if any."""
    return next((name for name in SENSITIVE if getattr(fields, name)), None)


SENSITIVE_REFUSAL = (
    "Số CCCD và thông tin sức khỏe, khuyết tật chỉ được lưu khi đối tượng (hoặc người giám hộ) đồng ý"
    " cho mục đích này (Nghị định 13/2023/NĐ-CP): ghi nhận sự đồng ý trước, hoặc để trống."
)


def search_texts(fields: CleanBeneficiary) -> tuple[str, str]:
    """What a volunteer may search by (name, hamlet) and what the others may (all that identifies).
    The record's code is found by its id (`_code_query`)."""
    basic = f"{fold(fields.name)} | {fold(fields.hamlet)}"
    parts = [basic, fields.phone, fields.id_number, fold(fields.address)]
    parts += [fold(member.name) for member in fields.members]
    return basic, " | ".join(parts)[:2000]


def sort_key(name: str) -> str:
    """The Vietnamese order: the given name (the last word) first, then the whole name."""
    folded = fold(name)
    return f"{folded.rsplit(' ', 1)[-1]} {folded}"[:300]


def columns_of(fields: CleanBeneficiary) -> dict[str, Any]:
    """A beneficiary's stored columns for these fields."""
    return {
        "kind": fields.kind.value,
        "name": fields.name,
        "sex": fields.sex.value,
        "birth_year": fields.birth_year,
        "birth_date": fields.birth_date,
        "hamlet": fields.hamlet,
        "address": fields.address,
        "phone": fields.phone,
        "id_number": fields.id_number,
        "poor_cert_number": fields.poor_cert_number,
        "poor_cert_year": fields.poor_cert_year,
        "circumstances": fields.circumstances,
        "health": fields.health,
        "name_key": fields.name_key,
        "sort_key": sort_key(fields.name),
        **dict(zip(("search_basic", "search_text"), search_texts(fields), strict=True)),
    }


def fields_of(
    beneficiary: Beneficiary, category_ids: Iterable[int], members: Iterable[BeneficiaryMember]
) -> CleanBeneficiary:
    return CleanBeneficiary(
        kind=BeneficiaryKind(beneficiary.kind),
        name=beneficiary.name,
        sex=Sex(beneficiary.sex),
        birth_year=beneficiary.birth_year,
        birth_date=beneficiary.birth_date,
        hamlet=beneficiary.hamlet,
        address=beneficiary.address,
        phone=beneficiary.phone,
        id_number=beneficiary.id_number,
        poor_cert_number=beneficiary.poor_cert_number,
        poor_cert_year=beneficiary.poor_cert_year,
        circumstances=beneficiary.circumstances,
        health=beneficiary.health,
        category_ids=tuple(category_ids),
        members=tuple(
            CleanMember(m.name, m.relation, Sex(m.sex), m.birth_year, m.birth_date) for m in members
        ),
    )


def consent_values(beneficiary_id: int, consent: CleanConsent, recorded_by: int) -> dict[str, Any]:
    return {
        "beneficiary_id": beneficiary_id,
        **{f"for_{purpose.value}": purpose in consent.purposes for purpose in ConsentPurpose},
        "method": consent.method.value,
        "witness": consent.witness,
        "given_by": consent.given_by.value,
        "guardian_name": consent.guardian_name,
        "guardian_relation": consent.guardian_relation,
        "given_on": consent.given_on,
        "recorded_by": recorded_by,
        "recorded_at": utcnow(),
    }


UPDATABLE = (
    "kind",
    "name",
    "sex",
    "birth_year",
    "birth_date",
    "hamlet",
    "address",
    "phone",
    "id_number",
    "poor_cert_number",
    "poor_cert_year",
    "circumstances",
    "health",
    "category_ids",
    "members",
)


CLEARABLE = ("birth_year", "birth_date", "poor_cert_year")
