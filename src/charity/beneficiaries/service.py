"""Beneficiaries in special hardship: the registry's rules.

- A volunteer or coordinator proposes a person or household of a unit in their scope (the commune
  that keeps the list); a coordinator of that unit or a unit above it verifies or rejects it, with
  the review meeting's date or minutes number, never what they proposed themselves. A verification
  holds for the unit's `review_months`, then the record is due for review.
- The CCCD number and health details are kept only while the person consents to their use; a
  withdrawal of that consent blanks them. Support needs a current consent to support.
- A new or changed record that may be someone already registered is refused (409, with them) unless
  the request says whom it is not and why; an import records its suspicions for the report instead.
- What each reader sees is `privacy.seen`; audit events name fields and codes, never personal data,
  so that an erased person is not left in the append-only log.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from charity.access import Principal, scope_units, units_below
from charity.audit.service import Actor, record
from charity.beneficiaries.identity import BadIdNumber, clean_id_number, mask_name
from charity.beneficiaries.matching import Known, Match, Matcher
from charity.beneficiaries.privacy import (
    ConsentRecord,
    Record,
    View,
    code_of,
    consented_to,
    purposes_of,
    seen,
)
from charity.beneficiaries.schemas import (
    BeneficiaryOut,
    CategoryOut,
    ConsentIn,
    MatchOut,
    MemberIn,
    PublicCounts,
    PublicListing,
    ReviewOut,
    SuspicionOut,
)
from charity.clock import format_date, local_today
from charity.db import contains_words, page_of, page_of_rows
from charity.donors.service import normalize_phone
from charity.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from charity.models import (
    Beneficiary,
    BeneficiaryCategory,
    BeneficiaryKind,
    BeneficiaryMember,
    BeneficiaryReview,
    BeneficiaryStatus,
    Consent,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    DuplicateSuspicion,
    HardshipCategory,
    ReviewDecision,
    Role,
    Sex,
    Unit,
    User,
    utcnow,
)
from charity.text import clean, fold

READERS = (Role.VOLUNTEER, Role.COORDINATOR, Role.AUDITOR)
PROPOSERS = (Role.VOLUNTEER, Role.COORDINATOR)
REVIEWERS = (Role.COORDINATOR,)
NO_BENEFICIARY = "Không có đối tượng này."
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
PURPOSE_LABELS = {
    ConsentPurpose.SUPPORT: "nhận hỗ trợ",
    ConsentPurpose.PUBLIC_LISTING: "công khai tên (đã che) và xã trong danh sách công khai",
    ConsentPurpose.CONTACT: "được liên hệ",
    ConsentPurpose.SENSITIVE_DATA: "lưu số CCCD và thông tin sức khỏe, khuyết tật",
}


# ---------------------------------------------------------------------------- who sees what


@dataclass(frozen=True, slots=True)
class Scopes:
    """The units where the caller holds each role, units below included."""

    coordinator: frozenset[int]
    auditor: frozenset[int]
    volunteer: frozenset[int]

    def view(self, unit_id: int) -> View:
        if unit_id in self.coordinator:
            return View.COORDINATOR
        if unit_id in self.auditor:
            return View.AUDITOR
        if unit_id in self.volunteer:
            return View.VOLUNTEER
        return View.OUTSIDE

    @property
    def readable(self) -> frozenset[int]:
        return self.coordinator | self.auditor | self.volunteer


async def scopes_of(session: AsyncSession, principal: Principal) -> Scopes:
    async def units(role: Role) -> frozenset[int]:
        if not principal.units_where([role]):
            return frozenset()
        return frozenset((await session.execute(scope_units(principal, [role]))).scalars())

    return Scopes(
        coordinator=await units(Role.COORDINATOR),
        auditor=await units(Role.AUDITOR),
        volunteer=await units(Role.VOLUNTEER),
    )


# ---------------------------------------------------------------------------- what was typed


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


_CODE = re.compile(r"dt-?0*([0-9]{1,9})")


def _code_query(query: str) -> int | None:
    """The id a query names by the record's code ("ĐT-000123", "dt123"), if it is one."""
    found = _CODE.fullmatch(fold(query).replace(" ", ""))
    return int(found[1]) if found else None


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


# ---------------------------------------------------------------------------- reading


_PROPOSER = aliased(User)


def _user_name(user: User | None) -> str:
    return (user.full_name or user.username) if user is not None else ""


async def records(session: AsyncSession, ids: Sequence[int]) -> list[Record]:
    """The records with these ids, loaded whole, in the order given."""
    if not ids:
        return []
    rows = await session.execute(
        select(Beneficiary, Unit.name, _PROPOSER)
        .join(Unit, Unit.id == Beneficiary.unit_id)
        .outerjoin(_PROPOSER, _PROPOSER.id == Beneficiary.proposed_by)
        .where(Beneficiary.id.in_(ids))
    )
    found = {b.id: Record(b, unit_name, _user_name(proposer)) for b, unit_name, proposer in rows}
    for beneficiary_id, category_id, name in await session.execute(
        select(BeneficiaryCategory.beneficiary_id, HardshipCategory.id, HardshipCategory.name)
        .join(HardshipCategory, HardshipCategory.id == BeneficiaryCategory.category_id)
        .where(BeneficiaryCategory.beneficiary_id.in_(ids))
        .order_by(HardshipCategory.name)
    ):
        found[beneficiary_id].categories.append(CategoryOut(category_id, name))
    for member in (
        await session.execute(
            select(BeneficiaryMember)
            .where(BeneficiaryMember.beneficiary_id.in_(ids))
            .order_by(BeneficiaryMember.position)
        )
    ).scalars():
        found[member.beneficiary_id].members.append(member)
    recorder, withdrawer = aliased(User), aliased(User)
    for consent, by, withdrawn_by in await session.execute(
        select(Consent, recorder, withdrawer)
        .join(recorder, recorder.id == Consent.recorded_by)
        .outerjoin(withdrawer, withdrawer.id == Consent.withdrawn_by)
        .where(Consent.beneficiary_id.in_(ids))
        .order_by(Consent.given_on.desc(), Consent.id.desc())
    ):
        found[consent.beneficiary_id].consents.append(
            ConsentRecord(consent, _user_name(by), _user_name(withdrawn_by) if withdrawn_by else None)
        )
    for review, by in await session.execute(
        select(BeneficiaryReview, User)
        .join(User, User.id == BeneficiaryReview.decided_by)
        .where(BeneficiaryReview.beneficiary_id.in_(ids))
        .order_by(BeneficiaryReview.decided_at.desc(), BeneficiaryReview.id.desc())
    ):
        found[review.beneficiary_id].reviews.append(
            ReviewOut(
                id=review.id,
                decision=review.decision,
                decided_by_name=_user_name(by),
                decided_at=review.decided_at,
                meeting_date=review.meeting_date,
                minutes_number=review.minutes_number,
                reason=review.reason,
                valid_until=review.valid_until,
            )
        )
    return [found[i] for i in ids if i in found]


async def seen_records(session: AsyncSession, scopes: Scopes, ids: Sequence[int]) -> list[BeneficiaryOut]:
    today = local_today()
    return [seen(r, scopes.view(r.beneficiary.unit_id), today) for r in await records(session, ids)]


async def _in_scope(
    session: AsyncSession, units: frozenset[int], beneficiary_id: int, *, lock: bool = False
) -> Beneficiary:
    statement = select(Beneficiary).where(Beneficiary.id == beneficiary_id, Beneficiary.unit_id.in_(units))
    found = (await session.execute(statement.with_for_update() if lock else statement)).scalar_one_or_none()
    if found is None:
        raise NotFound(NO_BENEFICIARY)
    return found


async def get_beneficiary(session: AsyncSession, principal: Principal, beneficiary_id: int) -> BeneficiaryOut:
    scopes = await scopes_of(session, principal)
    await _in_scope(session, scopes.readable, beneficiary_id)
    return (await seen_records(session, scopes, [beneficiary_id]))[0]


async def get_record(session: AsyncSession, principal: Principal, beneficiary_id: int) -> tuple[Record, View]:
    """The whole record and the view the caller has of it (for a document such as the consent form)."""
    scopes = await scopes_of(session, principal)
    await _in_scope(session, scopes.readable, beneficiary_id)
    found = (await records(session, [beneficiary_id]))[0]
    return found, scopes.view(found.beneficiary.unit_id)


@dataclass(frozen=True, slots=True)
class BeneficiaryFilter:
    query: str = ""
    unit_id: int | None = None
    category_id: int | None = None
    status: BeneficiaryStatus | None = None
    review_due: bool = False


def _filtered(scopes: Scopes, wanted: BeneficiaryFilter) -> Select[tuple[int]]:
    statement = select(Beneficiary.id).where(Beneficiary.unit_id.in_(scopes.readable))
    if (code := _code_query(wanted.query)) is not None:
        statement = statement.where(Beneficiary.id == code)
    elif wanted.query.strip():
        # A volunteer finds a record only by what they may see of it: its name and hamlet.
        everything = scopes.coordinator | scopes.auditor
        basic = contains_words(Beneficiary.search_basic, wanted.query)
        full = contains_words(Beneficiary.search_text, wanted.query)
        statement = statement.where(
            *(or_(b, and_(Beneficiary.unit_id.in_(everything), f)) for b, f in zip(basic, full, strict=True))
        )
    if wanted.unit_id is not None:
        statement = statement.where(Beneficiary.unit_id.in_(units_below((wanted.unit_id,))))
    if wanted.category_id is not None:
        statement = statement.where(
            Beneficiary.id.in_(
                select(BeneficiaryCategory.beneficiary_id).where(
                    BeneficiaryCategory.category_id == wanted.category_id
                )
            )
        )
    if wanted.status is not None:
        statement = statement.where(Beneficiary.status == wanted.status)
    if wanted.review_due:
        statement = statement.where(
            Beneficiary.status == BeneficiaryStatus.VERIFIED, Beneficiary.review_until < local_today()
        )
    return statement


async def list_beneficiaries(
    session: AsyncSession, principal: Principal, wanted: BeneficiaryFilter, *, limit: int, offset: int
) -> tuple[list[BeneficiaryOut], int]:
    """Beneficiaries in scope, in the Vietnamese order of their names."""
    scopes = await scopes_of(session, principal)
    ids, total = await page_of(
        session, _filtered(scopes, wanted), Beneficiary.sort_key, Beneficiary.id, limit=limit, offset=offset
    )
    return await seen_records(session, scopes, ids), total


async def units_for(session: AsyncSession, principal: Principal, roles: Sequence[Role]) -> list[Unit]:
    """The units of the caller's scope in these roles, for a page's unit picker."""
    return list(
        (await session.execute(select(Unit).where(Unit.id.in_(scope_units(principal, roles))))).scalars()
    )


async def list_categories(session: AsyncSession, *, limit: int, offset: int) -> tuple[list[CategoryOut], int]:
    rows, total = await page_of_rows(
        session,
        select(HardshipCategory.id, HardshipCategory.name),
        HardshipCategory.key,
        limit=limit,
        offset=offset,
    )
    return [CategoryOut(category_id, name) for category_id, name in rows], total


async def add_category(session: AsyncSession, principal: Principal, actor: Actor, name: str) -> CategoryOut:
    """A new hardship category, for every unit; coordinators add them."""
    if not principal.units_where(REVIEWERS):
        raise Forbidden("Chỉ điều phối viên thêm được diện hoàn cảnh.")
    name = bounded(name, "category", field="name", required=True)
    key = fold(name)
    if (await session.execute(select(HardshipCategory.id).where(HardshipCategory.key == key))).first():
        raise Conflict(f"Đã có diện hoàn cảnh “{name}”.", field="name")
    category = HardshipCategory(name=name, key=key, created_by=principal.user_id)
    session.add(category)
    await session.flush()
    await record(
        session,
        actor,
        "hardship_category.create",
        object_type="hardship_category",
        object_id=category.id,
        after={"name": name},
    )
    return CategoryOut(category.id, name)


async def check_categories(session: AsyncSession, category_ids: Iterable[int]) -> None:
    wanted = set(category_ids)
    if not wanted:
        return
    found = set(
        (await session.execute(select(HardshipCategory.id).where(HardshipCategory.id.in_(wanted)))).scalars()
    )
    if missing := sorted(wanted - found):
        raise Invalid(f"Không có diện hoàn cảnh mã {missing[0]}.", field="category_ids")


# ---------------------------------------------------------------------------- duplicates


async def known_like(session: AsyncSession, candidates: Sequence[Known]) -> list[Known]:
    """The registered records a duplicate check of these candidates compares them with: the same CCCD
    number or phone anywhere, and the same unit for names. Erased records are no one."""
    id_numbers = {c.id_number for c in candidates if c.id_number}
    phones = {c.phone for c in candidates if c.phone}
    units = {c.unit_id for c in candidates}
    conditions = [Beneficiary.unit_id.in_(units)]
    if id_numbers:
        conditions.append(Beneficiary.id_number.in_(id_numbers))
    if phones:
        conditions.append(Beneficiary.phone.in_(phones))
    rows = await session.execute(
        select(
            Beneficiary.id,
            Beneficiary.unit_id,
            Beneficiary.name_key,
            Beneficiary.birth_year,
            Beneficiary.phone,
            Beneficiary.id_number,
        ).where(Beneficiary.status != BeneficiaryStatus.ERASED, or_(*conditions))
    )
    return [Known(*row) for row in rows]


async def matches_of(session: AsyncSession, candidate: Known) -> list[Match]:
    return Matcher(await known_like(session, [candidate])).find(candidate)


def pair(first: int, second: int) -> tuple[int, int]:
    return (first, second) if first < second else (second, first)


async def recorded_pairs(session: AsyncSession, beneficiary_id: int) -> set[tuple[int, int]]:
    rows = await session.execute(
        select(DuplicateSuspicion.first_id, DuplicateSuspicion.second_id).where(
            or_(DuplicateSuspicion.first_id == beneficiary_id, DuplicateSuspicion.second_id == beneficiary_id)
        )
    )
    return {(first, second) for first, second in rows}


class PossibleDuplicates(Conflict):
    """Records that may be the same person; the form shows them side by side."""

    def __init__(self, matches: list[MatchOut]) -> None:
        super().__init__(
            "Có thể người này đã có trong danh sách. Mở hồ sơ đã có, hoặc xác nhận đây là người khác"
            " và ghi lý do.",
            code="possible_duplicates",
            facts={"duplicates": matches},
        )
        self.matches = matches


async def _match_outs(session: AsyncSession, scopes: Scopes, matches: list[Match]) -> list[MatchOut]:
    outs = {o.id: o for o in await seen_records(session, scopes, [m.other_id for m in matches])}
    return [MatchOut(outs[m.other_id], m.on_id_number, m.on_phone, m.on_name, m.name_score) for m in matches]


async def likely_duplicates(
    session: AsyncSession,
    principal: Principal,
    unit_id: int,
    fields: CleanBeneficiary,
    beneficiary_id: int = 0,
) -> list[MatchOut]:
    """The records these fields (of a new record, or of `beneficiary_id` changed) may be, but those
    already judged, as the caller may see them: a form refused for want of a reason shows them again
    beside what was typed."""
    scopes = await scopes_of(session, principal)
    matches = await matches_of(session, fields.known(beneficiary_id, unit_id))
    if beneficiary_id:
        already = await recorded_pairs(session, beneficiary_id)
        matches = [m for m in matches if pair(beneficiary_id, m.other_id) not in already]
    return await _match_outs(session, scopes, matches)


async def _refuse_unknown_matches(
    session: AsyncSession,
    scopes: Scopes,
    matches: list[Match],
    *,
    already: set[tuple[int, int]],
    own_id: int,
    not_duplicate_of: Sequence[int],
    reason: str,
) -> tuple[list[Match], str]:
    """The matches the request dismisses, with its reason; any other new match is refused."""
    fresh = [m for m in matches if pair(own_id, m.other_id) not in already] if own_id else matches
    unanswered = [m for m in fresh if m.other_id not in not_duplicate_of]
    if unanswered:
        raise PossibleDuplicates(await _match_outs(session, scopes, unanswered))
    if fresh:
        reason = bounded(reason, "reason", field="not_duplicate_reason")
        if not reason:
            raise Invalid(
                "Cần ghi lý do đây không phải người đã có trong danh sách.", field="not_duplicate_reason"
            )
    return fresh, reason


async def _dismissed(
    session: AsyncSession, principal: Principal, beneficiary_id: int, matches: list[Match], reason: str
) -> None:
    if not matches:
        return
    now = utcnow()
    await session.execute(
        insert(DuplicateSuspicion),
        [
            {
                "first_id": pair(beneficiary_id, m.other_id)[0],
                "second_id": pair(beneficiary_id, m.other_id)[1],
                "on_id_number": m.on_id_number,
                "on_phone": m.on_phone,
                "on_name": m.on_name,
                "name_score": m.name_score,
                "found_at": now,
                "dismissed_at": now,
                "dismissed_by": principal.user_id,
                "dismiss_reason": reason,
            }
            for m in matches
        ],
    )


async def list_suspicions(
    session: AsyncSession, principal: Principal, *, limit: int, offset: int
) -> tuple[list[SuspicionOut], int]:
    """Open suspicions with at least one of the two records in the caller's scope, newest first."""
    scopes = await scopes_of(session, principal)
    first, second = aliased(Beneficiary), aliased(Beneficiary)
    statement = (
        select(DuplicateSuspicion)
        .join(first, first.id == DuplicateSuspicion.first_id)
        .join(second, second.id == DuplicateSuspicion.second_id)
        .where(
            DuplicateSuspicion.dismissed_at.is_(None),
            or_(first.unit_id.in_(scopes.readable), second.unit_id.in_(scopes.readable)),
        )
    )
    found, total = await page_of(
        session,
        statement,
        DuplicateSuspicion.found_at.desc(),
        DuplicateSuspicion.id.desc(),
        limit=limit,
        offset=offset,
    )
    outs = {
        o.id: o
        for o in await seen_records(
            session, scopes, sorted({i for s in found for i in (s.first_id, s.second_id)})
        )
    }
    return [
        SuspicionOut(
            id=s.id,
            first=outs[s.first_id],
            second=outs[s.second_id],
            on_id_number=s.on_id_number,
            on_phone=s.on_phone,
            on_name=s.on_name,
            name_score=s.name_score,
            found_at=s.found_at,
        )
        for s in found
    ], total


async def dismiss_suspicion(
    session: AsyncSession, principal: Principal, actor: Actor, suspicion_id: int, reason: str
) -> None:
    """Record that two records are two people: by a coordinator of either of them."""
    scopes = await scopes_of(session, principal)
    first, second = aliased(Beneficiary), aliased(Beneficiary)
    found = (
        await session.execute(
            select(DuplicateSuspicion, first.unit_id, second.unit_id)
            .join(first, first.id == DuplicateSuspicion.first_id)
            .join(second, second.id == DuplicateSuspicion.second_id)
            .where(DuplicateSuspicion.id == suspicion_id)
        )
    ).first()
    if found is None or not {found[1], found[2]} & scopes.readable:
        raise NotFound("Không có nghi vấn trùng này.")
    suspicion = found[0]
    if not {found[1], found[2]} & scopes.coordinator:
        raise Forbidden("Chỉ điều phối viên kết luận được hai hồ sơ không trùng.")
    reason = bounded(reason, "reason", required=True)
    changed = await session.execute(
        update(DuplicateSuspicion)
        .where(DuplicateSuspicion.id == suspicion_id, DuplicateSuspicion.dismissed_at.is_(None))
        .values(dismissed_at=utcnow(), dismissed_by=principal.user_id, dismiss_reason=reason)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        raise Conflict("Nghi vấn trùng này đã được kết luận trước đó.")
    await record(
        session,
        actor,
        "beneficiary.not_duplicate",
        object_type="beneficiary",
        object_id=suspicion.second_id,
        unit_id=found[2],
        after={"codes": [code_of(suspicion.first_id), code_of(suspicion.second_id)]},
    )


# ---------------------------------------------------------------------------- writing


async def lock_registry(session: AsyncSession, unit_id: int) -> None:
    """Hold the unit's list until the transaction ends, so that two proposals of one person sent at
    once are checked one after the other: the second sees the first. FOR NO KEY UPDATE, so that rows
    that merely point at the unit (audit events, new records) are not held up by it."""
    await session.execute(select(Unit.id).where(Unit.id == unit_id).with_for_update(key_share=True))


async def unit_in(session: AsyncSession, units: frozenset[int], unit_id: int) -> Unit:
    unit = (await session.execute(select(Unit).where(Unit.id == unit_id))).scalar_one_or_none()
    if unit is None or unit.id not in units:
        raise NotFound("Không có đơn vị này.", field="unit_id")
    return unit


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


async def _write_parts(session: AsyncSession, beneficiary_id: int, fields: CleanBeneficiary) -> None:
    """The categories and members, replacing those the record had."""
    await session.execute(
        delete(BeneficiaryCategory).where(BeneficiaryCategory.beneficiary_id == beneficiary_id)
    )
    await session.execute(delete(BeneficiaryMember).where(BeneficiaryMember.beneficiary_id == beneficiary_id))
    if fields.category_ids:
        await session.execute(
            insert(BeneficiaryCategory),
            [{"beneficiary_id": beneficiary_id, "category_id": c} for c in fields.category_ids],
        )
    if fields.members:
        await session.execute(
            insert(BeneficiaryMember),
            [
                {
                    "beneficiary_id": beneficiary_id,
                    "position": position,
                    "name": m.name,
                    "relation": m.relation,
                    "sex": m.sex.value,
                    "birth_year": m.birth_year,
                    "birth_date": m.birth_date,
                }
                for position, m in enumerate(fields.members, start=1)
            ],
        )


async def insert_beneficiary(
    session: AsyncSession, principal: Principal, unit_id: int, fields: CleanBeneficiary
) -> int:
    """Insert a checked, proposed record with its categories and members; its id."""
    now = utcnow()
    beneficiary_id = await session.scalar(
        insert(Beneficiary)
        .values(
            unit_id=unit_id,
            status=BeneficiaryStatus.PROPOSED.value,
            proposed_by=principal.user_id,
            proposed_at=now,
            updated_at=now,
            **columns_of(fields),
        )
        .returning(Beneficiary.id)
    )
    await _write_parts(session, beneficiary_id, fields)
    return beneficiary_id


async def create_beneficiary(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    *,
    unit_id: int,
    fields: CleanBeneficiary,
    consent: CleanConsent | None,
    not_duplicate_of: Sequence[int],
    not_duplicate_reason: str,
) -> BeneficiaryOut:
    """Propose a beneficiary of a unit in the caller's scope, with the consent given on the spot."""
    scopes = await scopes_of(session, principal)
    unit = await unit_in(session, scopes.coordinator | scopes.volunteer, unit_id)
    await lock_registry(session, unit.id)
    await check_categories(session, fields.category_ids)
    if (field := needs_sensitive_consent(fields)) and (
        consent is None or ConsentPurpose.SENSITIVE_DATA not in consent.purposes
    ):
        raise Invalid(SENSITIVE_REFUSAL, field=field, code="consent_required")
    dismissed, reason = await _refuse_unknown_matches(
        session,
        scopes,
        await matches_of(session, fields.known(0, unit.id)),
        already=set(),
        own_id=0,
        not_duplicate_of=not_duplicate_of,
        reason=not_duplicate_reason,
    )
    beneficiary_id = await insert_beneficiary(session, principal, unit.id, fields)
    if consent is not None:
        await session.execute(insert(Consent), [consent_values(beneficiary_id, consent, principal.user_id)])
    await _dismissed(session, principal, beneficiary_id, dismissed, reason)
    await record(
        session,
        actor,
        "beneficiary.propose",
        object_type="beneficiary",
        object_id=beneficiary_id,
        unit_id=unit.id,
        after={
            "code": code_of(beneficiary_id),
            "status": BeneficiaryStatus.PROPOSED.value,
            "consent": sorted(p.value for p in consent.purposes) if consent else [],
            "not_duplicate_of": [code_of(m.other_id) for m in dismissed],
        },
    )
    return (await seen_records(session, scopes, [beneficiary_id]))[0]


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


async def update_beneficiary(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    beneficiary_id: int,
    changes: dict[str, Any],
    *,
    clear: Sequence[str] = (),
    not_duplicate_of: Sequence[int] = (),
    not_duplicate_reason: str = "",
) -> BeneficiaryOut:
    """Change a record (coordinators of its unit). A change to what the review judged sends a verified
    or rejected record back to review, proposed by whoever changed it."""
    scopes = await scopes_of(session, principal)
    # The unit's list first, then the record, as every change of the registry locks them.
    await lock_registry(session, (await _in_scope(session, scopes.coordinator, beneficiary_id)).unit_id)
    beneficiary = await _in_scope(session, scopes.coordinator, beneficiary_id, lock=True)
    if beneficiary.status == BeneficiaryStatus.ERASED:
        raise Conflict("Hồ sơ đã xóa theo yêu cầu của đối tượng: không sửa được nữa.")
    if unknown := [name for name in clear if name not in CLEARABLE]:
        raise Invalid(f"Không xóa được trường {unknown[0]}.", field="clear")
    loaded = (await records(session, [beneficiary_id]))[0]
    before = fields_of(beneficiary, [c.id for c in loaded.categories], loaded.members)
    merged = {name: getattr(before, name) for name in UPDATABLE}
    merged |= {name: value for name, value in changes.items() if value is not None}
    merged |= dict.fromkeys(clear)
    if "birth_date" in changes and changes["birth_date"] is not None and "birth_year" not in changes:
        merged["birth_year"] = None
    after = clean_fields(**merged)
    await check_categories(session, after.category_ids)
    changed = [name for name in UPDATABLE if getattr(after, name) != getattr(before, name)]
    if not changed:
        return (await seen_records(session, scopes, [beneficiary_id]))[0]
    if (
        (field := needs_sensitive_consent(after))
        and field in changed
        and (ConsentPurpose.SENSITIVE_DATA not in consented_to(loaded.consents))
    ):
        raise Invalid(SENSITIVE_REFUSAL, field=field, code="consent_required")
    dismissed: list[Match] = []
    reason = ""
    if {"name", "birth_year", "birth_date", "phone", "id_number"} & set(changed):
        dismissed, reason = await _refuse_unknown_matches(
            session,
            scopes,
            await matches_of(session, after.known(beneficiary_id, beneficiary.unit_id)),
            already=await recorded_pairs(session, beneficiary_id),
            own_id=beneficiary_id,
            not_duplicate_of=not_duplicate_of,
            reason=not_duplicate_reason,
        )
    status_before = beneficiary.status
    values = columns_of(after)
    values["updated_at"] = utcnow()
    if set(REVIEWED) & set(changed) and status_before != BeneficiaryStatus.PROPOSED:
        values |= {
            "status": BeneficiaryStatus.PROPOSED.value,
            "proposed_by": principal.user_id,
            "proposed_at": utcnow(),
            "review_until": None,
        }
    await session.execute(update(Beneficiary).where(Beneficiary.id == beneficiary_id).values(**values))
    if {"category_ids", "members"} & set(changed):
        await _write_parts(session, beneficiary_id, after)
    await _dismissed(session, principal, beneficiary_id, dismissed, reason)
    await record(
        session,
        actor,
        "beneficiary.update",
        object_type="beneficiary",
        object_id=beneficiary_id,
        unit_id=beneficiary.unit_id,
        before={"status": status_before},
        after={"changed": changed, "status": values.get("status", status_before)},
    )
    session.expire(beneficiary)
    return (await seen_records(session, scopes, [beneficiary_id]))[0]


def months_after(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day (31/1 + 1 month is 28/2 or 29/2)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _meeting(meeting_date: date | None, minutes_number: str) -> tuple[date | None, str]:
    minutes_number = bounded(minutes_number, "minutes_number")
    if meeting_date is None and not minutes_number:
        raise Invalid("Cần ghi ngày họp bình xét hoặc số biên bản cuộc họp.", field="meeting_date")
    if meeting_date is not None and (meeting_date > local_today() or meeting_date.year < 2000):
        raise Invalid("Ngày họp bình xét không hợp lệ (không sau hôm nay).", field="meeting_date")
    return meeting_date, minutes_number


async def _reviewable(
    session: AsyncSession, principal: Principal, beneficiary_id: int, what: str
) -> tuple[Scopes, Beneficiary]:
    scopes = await scopes_of(session, principal)
    beneficiary = await _in_scope(session, scopes.readable, beneficiary_id, lock=True)
    if refusal := _review_refusal(principal, scopes, beneficiary, what):
        raise refusal
    return scopes, beneficiary


def _review_refusal(
    principal: Principal, scopes: Scopes, beneficiary: Beneficiary, what: str
) -> DomainError | None:
    """Why the caller may not verify or reject this record, if they may not."""
    if beneficiary.unit_id not in scopes.coordinator:
        return Forbidden(f"Chỉ điều phối viên của xã (hoặc cấp trên) {what} được đối tượng.")
    if beneficiary.proposed_by == principal.user_id:
        return Forbidden(
            f"Không ai {what} đối tượng do chính mình đề xuất: cần một điều phối viên khác.",
            code="own_proposal",
        )
    if beneficiary.status in (BeneficiaryStatus.ERASED, BeneficiaryStatus.REJECTED):
        state = "đã xóa" if beneficiary.status == BeneficiaryStatus.ERASED else "đã bị loại; cần đề xuất lại"
        return Conflict(f"Hồ sơ {state}.")
    return None


async def may_review(session: AsyncSession, principal: Principal, beneficiary_id: int) -> bool:
    """Whether the caller may verify or reject the record: the page offers only what would be taken."""
    scopes = await scopes_of(session, principal)
    beneficiary = await _in_scope(session, scopes.readable, beneficiary_id)
    return _review_refusal(principal, scopes, beneficiary, "công nhận") is None


async def _decide(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    beneficiary: Beneficiary,
    decision: ReviewDecision,
    meeting: tuple[date | None, str],
    *,
    reason: str,
    valid_until: date | None,
) -> None:
    """Write down a review's decision: its row in the history, the record's status, the audit event."""
    meeting_date, minutes_number = meeting
    now = utcnow()
    session.add(
        BeneficiaryReview(
            beneficiary_id=beneficiary.id,
            decision=decision,
            decided_by=principal.user_id,
            decided_at=now,
            meeting_date=meeting_date,
            minutes_number=minutes_number,
            reason=reason,
            valid_until=valid_until,
        )
    )
    before = beneficiary.status
    status = BeneficiaryStatus(decision.value)
    beneficiary.status, beneficiary.reviewed_by, beneficiary.reviewed_at = status, principal.user_id, now
    beneficiary.review_until, beneficiary.updated_at = valid_until, now
    await session.flush()
    await record(
        session,
        actor,
        f"beneficiary.{'verify' if decision is ReviewDecision.VERIFIED else 'reject'}",
        object_type="beneficiary",
        object_id=beneficiary.id,
        unit_id=beneficiary.unit_id,
        before={"status": before},
        after={
            "status": status.value,
            "review_until": valid_until.isoformat() if valid_until else None,
            "meeting_date": meeting_date.isoformat() if meeting_date else None,
            "minutes_number": minutes_number,
        },
    )


async def verify(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    beneficiary_id: int,
    *,
    meeting_date: date | None,
    minutes_number: str,
    note: str,
) -> BeneficiaryOut:
    """Verify (công nhận) a proposed record, or renew a verified one, for the unit's review period."""
    scopes, beneficiary = await _reviewable(session, principal, beneficiary_id, "công nhận")
    meeting = _meeting(meeting_date, minutes_number)
    note = bounded(note, "reason", field="note")
    months = (
        await session.execute(select(Unit.review_months).where(Unit.id == beneficiary.unit_id))
    ).scalar_one()
    held_from = meeting[0] or local_today()
    valid_until = months_after(held_from, months)
    if valid_until < local_today():
        raise Invalid(
            f"Cuộc họp ngày {format_date(held_from)} đã quá {months} tháng: kết quả bình xét đã hết hạn.",
            field="meeting_date",
        )
    await _decide(
        session,
        principal,
        actor,
        beneficiary,
        ReviewDecision.VERIFIED,
        meeting,
        reason=note,
        valid_until=valid_until,
    )
    return (await seen_records(session, scopes, [beneficiary_id]))[0]


async def reject(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    beneficiary_id: int,
    *,
    reason: str,
    meeting_date: date | None,
    minutes_number: str,
) -> BeneficiaryOut:
    """Reject (không công nhận) a proposed record, or withdraw a verification, with a reason."""
    scopes, beneficiary = await _reviewable(session, principal, beneficiary_id, "loại")
    reason = bounded(reason, "reason", required=True)
    meeting = _meeting(meeting_date, minutes_number)
    await _decide(
        session,
        principal,
        actor,
        beneficiary,
        ReviewDecision.REJECTED,
        meeting,
        reason=reason,
        valid_until=None,
    )
    return (await seen_records(session, scopes, [beneficiary_id]))[0]


async def add_consent(
    session: AsyncSession, principal: Principal, actor: Actor, beneficiary_id: int, consent: CleanConsent
) -> BeneficiaryOut:
    """Record a consent the person (or their guardian) gave; volunteers and coordinators of the unit."""
    scopes = await scopes_of(session, principal)
    beneficiary = await _in_scope(session, scopes.coordinator | scopes.volunteer, beneficiary_id, lock=True)
    if beneficiary.status == BeneficiaryStatus.ERASED:
        raise Conflict("Hồ sơ đã xóa theo yêu cầu của đối tượng.")
    consent_id = await session.scalar(
        insert(Consent)
        .values(**consent_values(beneficiary_id, consent, principal.user_id))
        .returning(Consent.id)
    )
    await record(
        session,
        actor,
        "beneficiary.consent",
        object_type="beneficiary",
        object_id=beneficiary_id,
        unit_id=beneficiary.unit_id,
        after={
            "consent_id": consent_id,
            "purposes": sorted(p.value for p in consent.purposes),
            "method": consent.method.value,
            "given_on": consent.given_on.isoformat(),
        },
    )
    return (await seen_records(session, scopes, [beneficiary_id]))[0]


async def _blank_sensitive_without_consent(session: AsyncSession, beneficiary: Beneficiary) -> list[str]:
    """Once no current consent covers sensitive data, the CCCD number and health details go."""
    loaded = (await records(session, [beneficiary.id]))[0]
    if ConsentPurpose.SENSITIVE_DATA in consented_to(loaded.consents):
        return []
    blanked = [name for name in SENSITIVE if getattr(beneficiary, name)]
    if blanked:
        fields = replace(
            fields_of(beneficiary, [c.id for c in loaded.categories], loaded.members), id_number="", health=""
        )
        basic, full = search_texts(fields)
        await session.execute(
            update(Beneficiary)
            .where(Beneficiary.id == beneficiary.id)
            .values(id_number="", health="", search_basic=basic, search_text=full, updated_at=utcnow())
        )
    return blanked


async def withdraw_consent(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    beneficiary_id: int,
    consent_id: int,
    withdrawn_on: date | None,
) -> BeneficiaryOut:
    """The person withdrew a consent: from then on it covers nothing, and what only it allowed is
    blanked (the CCCD number and health details). Coordinators of the unit record it: they are the
    ones who see the consents."""
    scopes = await scopes_of(session, principal)
    beneficiary = await _in_scope(session, scopes.coordinator, beneficiary_id, lock=True)
    consent = (
        await session.execute(
            select(Consent).where(Consent.id == consent_id, Consent.beneficiary_id == beneficiary_id)
        )
    ).scalar_one_or_none()
    if consent is None:
        raise NotFound("Không có lần đồng ý này.")
    if consent.withdrawn_on is not None:
        raise Conflict(f"Sự đồng ý này đã rút ngày {format_date(consent.withdrawn_on)}.")
    withdrawn_on = withdrawn_on or local_today()
    if withdrawn_on > local_today() or withdrawn_on < consent.given_on:
        raise Invalid("Ngày rút đồng ý phải từ ngày đồng ý đến hôm nay.", field="withdrawn_on")
    consent.withdrawn_on, consent.withdrawn_by, consent.withdrawn_at = (
        withdrawn_on,
        principal.user_id,
        utcnow(),
    )
    await session.flush()
    blanked = await _blank_sensitive_without_consent(session, beneficiary)
    await record(
        session,
        actor,
        "beneficiary.consent_withdraw",
        object_type="beneficiary",
        object_id=beneficiary_id,
        unit_id=beneficiary.unit_id,
        after={
            "consent_id": consent_id,
            "purposes": [p.value for p in purposes_of(consent)],
            "withdrawn_on": withdrawn_on.isoformat(),
            "blanked": blanked,
        },
    )
    session.expire(beneficiary)
    return (await seen_records(session, scopes, [beneficiary_id]))[0]


async def erase(
    session: AsyncSession, principal: Principal, actor: Actor, beneficiary_id: int, reason: str
) -> BeneficiaryOut:
    """Forget a person at their request (coordinators of the unit): every consent is withdrawn, what
    identifies them is blanked or deleted and the name becomes the record's code. The id stays, so
    what they received stays in the books and the ledger, which never held their name."""
    scopes = await scopes_of(session, principal)
    beneficiary = await _in_scope(session, scopes.readable, beneficiary_id, lock=True)
    if beneficiary.unit_id not in scopes.coordinator:
        raise Forbidden("Chỉ điều phối viên của đơn vị xóa được hồ sơ đối tượng.")
    if beneficiary.status == BeneficiaryStatus.ERASED:
        raise Conflict("Hồ sơ này đã xóa trước đó.")
    reason = bounded(reason, "reason", required=True)
    now, today, code = utcnow(), local_today(), code_of(beneficiary_id)
    await session.execute(
        update(Consent)
        .where(Consent.beneficiary_id == beneficiary_id, Consent.withdrawn_on.is_(None))
        .values(withdrawn_on=today, withdrawn_by=principal.user_id, withdrawn_at=now)
    )
    await session.execute(
        update(Consent)
        .where(Consent.beneficiary_id == beneficiary_id, Consent.given_by == ConsentGiver.GUARDIAN.value)
        .values(guardian_name="(đã xóa)", guardian_relation="")
    )
    await session.execute(delete(BeneficiaryMember).where(BeneficiaryMember.beneficiary_id == beneficiary_id))
    await session.execute(
        update(BeneficiaryReview).where(BeneficiaryReview.beneficiary_id == beneficiary_id).values(reason="")
    )
    await session.execute(
        delete(DuplicateSuspicion).where(
            or_(DuplicateSuspicion.first_id == beneficiary_id, DuplicateSuspicion.second_id == beneficiary_id)
        )
    )
    before = beneficiary.status
    await session.execute(
        update(Beneficiary)
        .where(Beneficiary.id == beneficiary_id)
        .values(
            name=code,
            sex=Sex.UNKNOWN.value,
            birth_year=None,
            birth_date=None,
            hamlet="",
            address="",
            phone="",
            id_number="",
            poor_cert_number="",
            poor_cert_year=None,
            circumstances="",
            health="",
            status=BeneficiaryStatus.ERASED.value,
            review_until=None,
            name_key="",
            sort_key=sort_key(code),
            search_basic="",
            search_text="",
            updated_at=now,
            erased_at=now,
        )
    )
    await record(
        session,
        actor,
        "beneficiary.erase",
        object_type="beneficiary",
        object_id=beneficiary_id,
        unit_id=beneficiary.unit_id,
        before={"status": before},
        after={"status": BeneficiaryStatus.ERASED.value, "code": code, "reason": reason},
    )
    session.expire(beneficiary)
    return (await seen_records(session, scopes, [beneficiary_id]))[0]


# ---------------------------------------------------------------------------- the public


async def public_counts(session: AsyncSession, unit_id: int) -> PublicCounts:
    """What anyone may know of a unit's registry (units below included): how many are verified, by
    category, and the masked names of those who consented to be listed."""
    unit = (await session.execute(select(Unit).where(Unit.id == unit_id))).scalar_one_or_none()
    if unit is None:
        raise NotFound("Không có đơn vị này.")
    verified = and_(
        Beneficiary.unit_id.in_(units_below((unit.id,))), Beneficiary.status == BeneficiaryStatus.VERIFIED
    )
    total = (await session.execute(select(func.count()).where(verified))).scalar_one()
    by_category = dict(
        (
            await session.execute(
                select(HardshipCategory.name, func.count())
                .join(BeneficiaryCategory, BeneficiaryCategory.category_id == HardshipCategory.id)
                .join(Beneficiary, Beneficiary.id == BeneficiaryCategory.beneficiary_id)
                .where(verified)
                .group_by(HardshipCategory.name)
                .order_by(HardshipCategory.name)
            )
        ).all()
    )
    listed = await session.execute(
        select(Beneficiary.id, Beneficiary.name, Unit.name)
        .join(Unit, Unit.id == Beneficiary.unit_id)
        .where(
            verified,
            Beneficiary.id.in_(
                select(Consent.beneficiary_id).where(
                    Consent.for_public_listing, Consent.withdrawn_on.is_(None)
                )
            ),
        )
        .order_by(Beneficiary.sort_key, Beneficiary.id)
        .limit(1000)
    )
    return PublicCounts(
        unit_id=unit.id,
        unit_name=unit.name,
        verified=total,
        by_category=by_category,
        listed=[PublicListing(code_of(i), mask_name(name), unit_name) for i, name, unit_name in listed],
    )
