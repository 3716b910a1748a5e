"""Pages: the registry of beneficiaries (đối tượng). The list with its filters; the form a volunteer
proposes a household with on a phone (also the coordinators' edit form), which shows the likely
duplicates beside what was typed; a record as the reader may see it, with its review, consents and
erasure; the open duplicate suspicions; the hardship categories.

Everything a page shows of a person comes from a `BeneficiaryOut` the service made through
`privacy.seen`, so no page shows more than the reader's role may see.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import FormMultiDict, State
from litestar.response import Redirect, Stream, Template
from sqlalchemy.ext.asyncio import AsyncSession

from charity import forms
from charity.access import Principal
from charity.beneficiaries import cleaning, consent_form, duplicates, hardship_categories, registry, service
from charity.beneficiaries.api import COORDINATE, PROPOSE, READ, fields_from
from charity.beneficiaries.export import beneficiary_file
from charity.beneficiaries.privacy import View
from charity.beneficiaries.schemas import (
    BeneficiaryIn,
    BeneficiaryOut,
    BeneficiaryUpdate,
    CategoryIn,
    ConsentIn,
    ConsentOut,
    DismissIn,
    EraseIn,
    MatchOut,
    MemberIn,
    RejectIn,
    ReviewOut,
    SuspicionOut,
    VerifyIn,
)
from charity.clock import VIETNAM, format_date, local_today
from charity.errors import DomainError, Forbidden, Invalid
from charity.exports.pdf import MAX_PDF_LINES
from charity.exports.report import Format
from charity.fields import MAX_PAGE, Offset, PathId, QueryId, QueryText
from charity.labels import (
    BENEFICIARY_KINDS,
    BENEFICIARY_STATUSES,
    CONSENT_GIVERS,
    CONSENT_METHODS,
    CONSENT_PURPOSES,
    REVIEW_DECISIONS,
    SEXES,
)
from charity.models import (
    BeneficiaryKind,
    BeneficiaryStatus,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    ReviewDecision,
    Sex,
)
from charity.pages import page, pager
from charity.requests import Acting, Caller, DbSession, database_of, submit
from charity.units.tree import tree_of

LIST_PAGE = 50
# Rows for household members on a form that has none yet: enough for most households without a
# script, which adds more.
MEMBER_ROWS = 3
HIDDEN = "Không hiển thị với vai trò của bạn"
# The same, where records are compared in narrow columns.
HIDDEN_SHORT = "Không hiển thị"
LIKELY_DUPLICATES = (
    "Có thể đối tượng này đã có trong danh sách: so sánh bên dưới. Mở hồ sơ đã có, hoặc đánh dấu"
    " “Không phải người này” và ghi lý do rồi lưu lại."
)
# What a reader's role may not see, named once for the sentence that says so (`hidden` names).
HIDDEN_LABELS = {
    "sex": "giới tính",
    "birth_year": "năm sinh",
    "address": "địa chỉ",
    "phone": "số điện thoại",
    "id_number": "số CCCD",
    "poor_cert_number": "giấy chứng nhận hộ nghèo",
    "circumstances": "hoàn cảnh",
    "health": "sức khỏe và khuyết tật",
    "members": "thành viên hộ",
    "consents": "các lần đồng ý",
    "reviews": "lịch sử bình xét",
}
DONE = {
    "proposed": "Đã đề xuất đối tượng. Hồ sơ chờ một điều phối viên bình xét và công nhận.",
    "updated": "Đã lưu thay đổi.",
    "verified": "Đã công nhận đối tượng.",
    "rejected": "Đã ghi nhận: không công nhận đối tượng.",
    "consent": "Đã ghi nhận sự đồng ý.",
    "withdrawn": "Đã ghi nhận việc rút lại sự đồng ý.",
    "erased": "Đã xóa hồ sơ theo yêu cầu: chỉ còn mã hồ sơ và những gì đối tượng đã nhận.",
    "dismissed": "Đã ghi nhận: hai hồ sơ là hai người khác nhau.",
    "category": "Đã thêm diện hoàn cảnh.",
}
# What the side-by-side comparison of likely duplicates shows, each as the reader may see it.
COMPARED = (
    ("name", "Họ và tên"),
    ("hamlet", "Thôn, ấp, tổ"),
    ("birth_year", "Năm sinh"),
    ("phone", "Số điện thoại"),
    ("id_number", "Số CCCD"),
)


def _sentence(text: str) -> str:
    """The first letter a capital, the rest as written ("số CCCD" stays so)."""
    return text[:1].upper() + text[1:]


def _at(moment: datetime) -> str:
    return moment.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")


def _why(match: MatchOut | SuspicionOut) -> list[str]:
    """Why two records may be one person (a match or a suspicion)."""
    reasons = []
    if match.on_id_number:
        reasons.append("Trùng số CCCD")
    if match.on_phone:
        reasons.append("Trùng số điện thoại")
    if match.on_name:
        reasons.append(f"Tên gần giống ({match.name_score}%)")
    return reasons


def _compared(out: BeneficiaryOut) -> dict[str, Any]:
    """A record as the comparison of likely duplicates shows it."""
    return {
        "id": out.id,
        "title": out.code,
        "unit": out.unit_name,
        "status": BENEFICIARY_STATUSES[out.status],
        # A record outside the reader's scope (another commune's) opens nowhere for them.
        "link": f"/beneficiaries/{out.id}" if out.view != View.OUTSIDE else "",
        "hidden": set(out.hidden),
        **{name: getattr(out, name) for name, _ in COMPARED},
    }


def _row(out: BeneficiaryOut) -> dict[str, Any]:
    return {
        "id": out.id,
        "code": out.code,
        "name": out.name,
        "hamlet": out.hamlet or "",
        "unit": out.unit_name,
        "categories": ", ".join(c.name for c in out.categories or []),
        "status": out.status.value,
        "status_label": BENEFICIARY_STATUSES[out.status],
        "review_due": out.review_due,
        "eligible": out.eligible,
    }


# ---------------------------------------------------------------------------- the list


def _wanted(
    q: str, unit_id: int | None, category_id: int | None, status: str, review_due: str
) -> registry.BeneficiaryFilter:
    """The list's filter as the page's form sends it, to show or to export."""
    return registry.BeneficiaryFilter(
        query=q[:200],
        unit_id=unit_id,
        category_id=category_id,
        status=forms.choice(BeneficiaryStatus, status),
        review_due=review_due == "1",
    )


@post("/beneficiaries/export", opt=READ, status_code=200)
async def export_beneficiaries(
    request: Request, state: State, session: DbSession, principal: Caller, actor: Acting
) -> Stream:
    """The list as the page filters it, as a file: a form, so that an export is never made by
    following a link."""
    form = await request.form()
    wanted = _wanted(
        forms.text(form, "q"),
        forms.whole_number(forms.text(form, "unit_id")),
        forms.whole_number(forms.text(form, "category_id")),
        forms.text(form, "status"),
        forms.text(form, "review_due"),
    )
    file_format = forms.choice(Format, forms.text(form, "format")) or Format.XLSX
    return await beneficiary_file(database_of(state), session, actor, principal, wanted, file_format)


@get("/beneficiaries/consent-form", opt=PROPOSE)
async def blank_consent_form(session: DbSession, principal: Caller, unit_id: QueryId = None) -> Stream:
    """The consent form to print and have signed, with nobody written in: it records nothing."""
    return await consent_form.blank_form(session, principal, unit_id)


@post("/beneficiaries/{beneficiary_id:int}/consent-form", opt=PROPOSE, status_code=200)
async def filled_consent_form(
    session: DbSession, principal: Caller, actor: Acting, beneficiary_id: PathId
) -> Stream:
    """The consent form with the person written in, as the reader may see them: printing it is an
    export of personal data (an audit event), so it is a form's button, not a link."""
    return await consent_form.filled_form(session, principal, actor, beneficiary_id)


@get("/beneficiaries", opt=READ)
async def beneficiaries_page(
    request: Request,
    session: DbSession,
    principal: Caller,
    q: QueryText = "",
    unit_id: QueryId = None,
    category_id: QueryId = None,
    status: QueryText = "",
    review_due: QueryText = "",
    offset: Offset = 0,
) -> Template:
    wanted = _wanted(q, unit_id, category_id, status, review_due)
    found, total = await registry.list_beneficiaries(
        session, principal, wanted, limit=LIST_PAGE, offset=offset
    )
    categories, _ = await hardship_categories.list_categories(session, limit=MAX_PAGE, offset=0)
    filters = {
        "q": wanted.query,
        "unit_id": wanted.unit_id or "",
        "category_id": wanted.category_id or "",
        "status": wanted.status.value if wanted.status else "",
        "review_due": "1" if wanted.review_due else "",
    }
    return page(
        request,
        "beneficiaries",
        title="Đối tượng thụ hưởng",
        rows=[_row(out) for out in found],
        total=total,
        filters=filters,
        units=tree_of(await registry.units_for(session, principal, registry.READERS)),
        categories=categories,
        statuses=BENEFICIARY_STATUSES,
        can_propose=bool(principal.units_where(registry.PROPOSERS)),
        can_import=bool(principal.units_where(registry.REVIEWERS)),
        max_pdf_lines=MAX_PDF_LINES,
        **pager(
            "/beneficiaries",
            {name: value for name, value in filters.items() if value},
            offset=offset,
            limit=LIST_PAGE,
            total=total,
        ),
    )


# ---------------------------------------------------------------------------- the form


def _values(form: FormMultiDict) -> dict[str, Any]:
    """What was typed, kept as typed so that the form comes back with it."""

    def text(name: str) -> str:
        return forms.text(form, name, checked=False)

    def ids(name: str) -> list[int]:
        return [n for n in (forms.whole_number(raw) for raw in forms.texts(form, name, checked=False)) if n]

    rows = zip(
        forms.texts(form, "member_name", checked=False),
        forms.texts(form, "member_relation", checked=False),
        forms.texts(form, "member_sex", checked=False),
        forms.texts(form, "member_birth_year", checked=False),
        strict=False,
    )
    return {
        "unit_id": forms.whole_number(text("unit_id")),
        "kind": text("kind") or BeneficiaryKind.HOUSEHOLD.value,
        **{
            name: text(name)
            for name in (
                "name",
                "sex",
                "birth_year",
                "hamlet",
                "address",
                "phone",
                "id_number",
                "poor_cert_number",
                "poor_cert_year",
                "circumstances",
                "health",
                "not_duplicate_reason",
            )
        },
        "category_ids": ids("category_ids"),
        # A row left empty is no member.
        "members": [
            {"name": name, "relation": relation, "sex": sex, "birth_year": year}
            for name, relation, sex, year in rows
            if name.strip() or relation.strip() or year.strip()
        ],
        "consent": _consent_values(form),
        "not_duplicate_of": ids("not_duplicate_of"),
    }


def _consent_values(form: FormMultiDict | None) -> dict[str, Any]:
    """A consent as typed; without a form, the consent fields as they open: given today, by the
    person, on a signed form, and no purpose ticked, for consent is never assumed."""
    sent = form if form is not None else FormMultiDict({})

    def text(name: str) -> str:
        return forms.text(sent, name, checked=False)

    return {
        "purposes": forms.texts(sent, "purposes", checked=False),
        "method": text("method") or ConsentMethod.SIGNED_FORM.value,
        "witness": text("witness"),
        "given_by": text("given_by") or ConsentGiver.SELF.value,
        "guardian_name": text("guardian_name"),
        "guardian_relation": text("guardian_relation"),
        "given_on": text("given_on") if form is not None else local_today().isoformat(),
    }


def _year(raw: str, *, field: str, label: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) == 4):
        raise Invalid(f"{label} phải là một năm bốn chữ số, ví dụ 1968.", field=field)
    return int(raw)


def _consent_given(values: dict[str, Any]) -> bool:
    """Whether the propose form's consent fields say anything: a purpose ticked, or someone named."""
    return bool(values["purposes"] or values["witness"].strip() or values["guardian_name"].strip())


def _consent_in(values: dict[str, Any], prefix: str) -> ConsentIn:
    purposes = [p for p in (forms.choice(ConsentPurpose, raw) for raw in values["purposes"]) if p]
    if not purposes:
        raise Invalid("Chọn ít nhất một điều đối tượng đồng ý.", field=f"{prefix}purposes")
    return ConsentIn(
        purposes=purposes,
        method=forms.choice(ConsentMethod, values["method"]) or ConsentMethod.SIGNED_FORM,
        given_on=forms.day(values["given_on"], field=f"{prefix}given_on", label="Ngày đồng ý"),
        witness=values["witness"],
        given_by=forms.choice(ConsentGiver, values["given_by"]) or ConsentGiver.SELF,
        guardian_name=values["guardian_name"],
        guardian_relation=values["guardian_relation"],
    )


def _members_in(values: dict[str, Any]) -> list[MemberIn]:
    return [
        MemberIn(
            name=member["name"],
            relation=member["relation"],
            sex=forms.choice(Sex, member["sex"]) or Sex.UNKNOWN,
            birth_year=_year(member["birth_year"], field=f"members[{index}].birth_year", label="Năm sinh"),
        )
        for index, member in enumerate(values["members"])
    ]


def _common(values: dict[str, Any]) -> dict[str, Any]:
    """The fields the propose and the edit form share, as their request bodies take them."""
    kind = forms.choice(BeneficiaryKind, values["kind"])
    if kind is None:
        raise Invalid("Chọn hộ gia đình hoặc cá nhân.", field="kind")
    return {
        "kind": kind,
        "name": values["name"],
        "sex": forms.choice(Sex, values["sex"]) or Sex.UNKNOWN,
        "birth_year": _year(values["birth_year"], field="birth_year", label="Năm sinh"),
        "hamlet": values["hamlet"],
        "address": values["address"],
        "phone": values["phone"],
        "id_number": values["id_number"],
        "poor_cert_number": values["poor_cert_number"],
        "poor_cert_year": _year(values["poor_cert_year"], field="poor_cert_year", label="Năm cấp"),
        "circumstances": values["circumstances"],
        "health": values["health"],
        "category_ids": values["category_ids"],
        "members": _members_in(values),
        "not_duplicate_of": values["not_duplicate_of"],
        "not_duplicate_reason": values["not_duplicate_reason"],
    }


def _proposal(values: dict[str, Any]) -> BeneficiaryIn:
    if values["unit_id"] is None:
        raise Invalid("Chọn đơn vị đề xuất đối tượng.", field="unit_id")
    return forms.as_decoded(
        BeneficiaryIn(
            unit_id=values["unit_id"],
            consent=_consent_in(values["consent"], "consent.") if _consent_given(values["consent"]) else None,
            **_common(values),
        )
    )


def _changes(values: dict[str, Any], current: BeneficiaryOut) -> BeneficiaryUpdate:
    """The edit form sends every field: an emptied year is cleared, and a birth date the form does
    not show goes when the year typed is not its year."""
    common = _common(values)
    clear = [name for name in ("birth_year", "poor_cert_year") if common[name] is None]
    if current.birth_date is not None and common["birth_year"] != current.birth_date.year:
        clear.append("birth_date")
    return forms.as_decoded(BeneficiaryUpdate(clear=clear, **common))


def _values_of(out: BeneficiaryOut) -> dict[str, Any]:
    """The edit form filled in with a record as its coordinator sees it (everything)."""
    return {
        "unit_id": out.unit_id,
        "kind": out.kind.value,
        "name": out.name or "",
        "sex": out.sex.value if out.sex else "",
        "birth_year": str(out.birth_year or ""),
        "hamlet": out.hamlet or "",
        "address": out.address or "",
        "phone": out.phone or "",
        "id_number": out.id_number or "",
        "poor_cert_number": out.poor_cert_number or "",
        "poor_cert_year": str(out.poor_cert_year or ""),
        "circumstances": out.circumstances or "",
        "health": out.health or "",
        "category_ids": [c.id for c in out.categories or []],
        "members": [
            {
                "name": m.name,
                "relation": m.relation,
                "sex": m.sex.value,
                "birth_year": str(m.birth_year or ""),
            }
            for m in out.members or []
        ],
        "consent": _consent_values(None),
        "not_duplicate_of": [],
        "not_duplicate_reason": "",
    }


async def _form_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    values: dict[str, Any],
    *,
    editing: BeneficiaryOut | None = None,
    errors: dict[str, str] | None = None,
    matches: list[MatchOut] | None = None,
    status_code: int = 200,
) -> Template:
    """The propose form, or with `editing` the edit form of that record; `matches` are the likely
    duplicates of what was typed, shown beside it."""
    categories, _ = await hardship_categories.list_categories(session, limit=MAX_PAGE, offset=0)
    typed = {"title": "Vừa nhập", "hidden": set(), **{name: values[name] for name, _ in COMPARED}}
    return page(
        request,
        "beneficiary_form",
        status_code=status_code,
        title=f"Sửa hồ sơ {editing.code}" if editing else "Đề xuất đối tượng",
        values=values,
        editing=editing,
        errors=errors or {},
        units=[] if editing else tree_of(await registry.units_for(session, principal, registry.PROPOSERS)),
        categories=categories,
        kinds=BENEFICIARY_KINDS,
        sexes=SEXES,
        blank_members=max(MEMBER_ROWS - len(values["members"]), 1),
        consent_form=_consent_form(values["consent"]),
        matches=[
            {
                **_compared(match.beneficiary),
                "why": _why(match),
                "chosen": match.beneficiary.id in values["not_duplicate_of"],
            }
            for match in matches or []
        ],
        typed=typed,
        compared=COMPARED,
        hidden_short=HIDDEN_SHORT,
        action=f"/beneficiaries/{editing.id}/edit" if editing else "/beneficiaries/new",
    )


def _consent_form(values: dict[str, Any]) -> dict[str, Any]:
    """What the consent fields (on the propose form and the consent page) offer and hold."""
    return {
        "values": values,
        "purposes": {purpose: _sentence(label) for purpose, label in CONSENT_PURPOSES.items()},
        "methods": CONSENT_METHODS,
        "givers": CONSENT_GIVERS,
        "today": local_today().isoformat(),
    }


async def _refused(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    values: dict[str, Any],
    error: DomainError,
    *,
    editing: BeneficiaryOut | None = None,
    checked: Callable[[], cleaning.CleanBeneficiary] | None = None,
) -> Template:
    """The form again with why it was refused. Likely duplicates stay beside what was typed while
    the form asks for the reason they are not this person (`checked`: the fields the service had
    checked by then)."""
    matches: list[MatchOut] = []
    errors = forms.errors_of(error)
    if isinstance(error, duplicates.PossibleDuplicates):
        matches = error.matches
        # The service's words name the API's fields; the form shows its own box instead.
        errors = {"": LIKELY_DUPLICATES}
    elif error.field == "not_duplicate_reason" and checked is not None:
        unit_id = editing.unit_id if editing else values["unit_id"]
        matches = await duplicates.likely_duplicates(
            session, principal, unit_id, checked(), editing.id if editing else 0
        )
    return await _form_page(
        request,
        session,
        principal,
        values,
        editing=editing,
        errors=errors,
        matches=matches,
        status_code=error.status_code,
    )


@get("/beneficiaries/new", opt=PROPOSE)
async def new_beneficiary_form(request: Request, session: DbSession, principal: Caller) -> Template:
    return await _form_page(
        request, session, principal, _values(FormMultiDict({})) | {"consent": _consent_values(None)}
    )


@post("/beneficiaries/new", opt=PROPOSE)
async def propose(
    request: Request, session: DbSession, principal: Caller, actor: Acting
) -> Template | Redirect:
    values = _values(await request.form())
    checked: list[cleaning.CleanBeneficiary] = []

    async def save() -> str:
        data = _proposal(values)
        checked.append(fields_from(data))
        created = await service.create_beneficiary(
            session,
            principal,
            actor,
            unit_id=data.unit_id,
            fields=checked[-1],
            consent=cleaning.clean_consent(data.consent, "consent.") if data.consent else None,
            not_duplicate_of=data.not_duplicate_of,
            not_duplicate_reason=data.not_duplicate_reason,
        )
        return f"/beneficiaries/{created.id}?done=proposed"

    async def again(error: DomainError) -> Template:
        return await _refused(
            request, session, principal, values, error, checked=(lambda: checked[-1]) if checked else None
        )

    return await submit(session, save, again)


async def _editable(session: AsyncSession, principal: Principal, beneficiary_id: int) -> BeneficiaryOut:
    """The record a coordinator edits; the service refuses anyone else when they save."""
    out = await registry.get_beneficiary(session, principal, beneficiary_id)
    if out.view != View.COORDINATOR:
        raise Forbidden("Chỉ điều phối viên của đơn vị sửa được hồ sơ đối tượng.")
    return out


@get("/beneficiaries/{beneficiary_id:int}/edit", opt=COORDINATE)
async def edit_beneficiary_form(
    request: Request, session: DbSession, principal: Caller, beneficiary_id: PathId
) -> Template:
    current = await _editable(session, principal, beneficiary_id)
    return await _form_page(request, session, principal, _values_of(current), editing=current)


@post("/beneficiaries/{beneficiary_id:int}/edit", opt=COORDINATE)
async def edit_beneficiary(
    request: Request, session: DbSession, principal: Caller, actor: Acting, beneficiary_id: PathId
) -> Template | Redirect:
    values = _values(await request.form())
    current = await _editable(session, principal, beneficiary_id)
    values["unit_id"] = current.unit_id
    changes: dict[str, Any] = {}

    async def save() -> str:
        data = _changes(values, current)
        changes.update({name: getattr(data, name) for name in cleaning.UPDATABLE})
        await service.update_beneficiary(
            session,
            principal,
            actor,
            beneficiary_id,
            changes,
            clear=data.clear,
            not_duplicate_of=data.not_duplicate_of,
            not_duplicate_reason=data.not_duplicate_reason,
        )
        return f"/beneficiaries/{beneficiary_id}?done=updated"

    async def again(error: DomainError) -> Template:
        # The form sends every field, so its changes are the whole record the service checked.
        return await _refused(
            request,
            session,
            principal,
            values,
            error,
            editing=current,
            checked=(lambda: cleaning.clean_fields(**changes)) if changes else None,
        )

    return await submit(session, save, again)


# ---------------------------------------------------------------------------- one record


def _born(out: BeneficiaryOut) -> str:
    if out.birth_date is not None:
        return format_date(out.birth_date)
    return str(out.birth_year or "")


def _facts(out: BeneficiaryOut) -> list[tuple[str, str]]:
    """What the reader may see of the record and it holds, in the order a record is read; what the
    reader's role may not see is None in `out` and left out here."""
    poor_cert = ""
    if out.poor_cert_number or out.poor_cert_year:
        poor_cert = ", ".join(
            part
            for part in (
                f"số {out.poor_cert_number}" if out.poor_cert_number else "",
                f"năm {out.poor_cert_year}" if out.poor_cert_year else "",
            )
            if part
        )
    facts = [
        ("Đơn vị", out.unit_name),
        ("Là", BENEFICIARY_KINDS[out.kind]),
        ("Thôn, ấp, tổ", out.hamlet or ""),
        # Sex.UNKNOWN is "": nothing to say.
        ("Giới tính", SEXES[out.sex] if out.sex else ""),
        ("Ngày sinh" if out.birth_date else "Năm sinh", _born(out)),
        ("Địa chỉ", out.address or ""),
        ("Số điện thoại", out.phone or ""),
        ("Số CCCD", out.id_number or ""),
        ("Diện hoàn cảnh", ", ".join(c.name for c in out.categories or [])),
        ("Giấy chứng nhận hộ nghèo", poor_cert),
        ("Người đề xuất", out.proposed_by_name or ""),
        ("Ngày đề xuất", _at(out.proposed_at)),
        ("Công nhận đến", format_date(out.review_until) if out.review_until else ""),
    ]
    return [(label, value) for label, value in facts if value]


def _not_eligible_because(out: BeneficiaryOut) -> list[str]:
    """Why `eligible` is false, in the words of its three conditions."""
    reasons = []
    if out.status != BeneficiaryStatus.VERIFIED:
        reasons.append("chưa được công nhận")
    elif out.review_due:
        reasons.append("đã đến hạn bình xét lại")
    if ConsentPurpose.SUPPORT not in out.consented_to:
        reasons.append("chưa có sự đồng ý nhận hỗ trợ còn hiệu lực")
    return reasons


def _consent_row(consent: ConsentOut) -> dict[str, Any]:
    by = CONSENT_GIVERS[consent.given_by]
    if consent.given_by is ConsentGiver.GUARDIAN:
        relation = f", {consent.guardian_relation}" if consent.guardian_relation else ""
        by = f"{by}: {consent.guardian_name}{relation}"
    method = CONSENT_METHODS[consent.method]
    if consent.witness:
        method = f"{method} (người làm chứng: {consent.witness})"
    return {
        "id": consent.id,
        "purposes": _sentence("; ".join(CONSENT_PURPOSES[p] for p in consent.purposes)),
        "method": method,
        "by": by,
        "given_on": format_date(consent.given_on),
        "given_on_iso": consent.given_on.isoformat(),
        "recorded": f"{consent.recorded_by_name}, {_at(consent.recorded_at)}",
        "withdrawn": f"{format_date(consent.withdrawn_on)} ({consent.withdrawn_by_name})"
        if consent.withdrawn_on
        else "",
        "current": consent.current,
    }


def _review_row(review: ReviewOut) -> dict[str, Any]:
    meeting = ", ".join(
        part
        for part in (
            f"họp ngày {format_date(review.meeting_date)}" if review.meeting_date else "",
            f"biên bản số {review.minutes_number}" if review.minutes_number else "",
        )
        if part
    )
    return {
        "decision": REVIEW_DECISIONS[ReviewDecision(review.decision)],
        "verified": review.decision == ReviewDecision.VERIFIED,
        "by": review.decided_by_name,
        "at": _at(review.decided_at),
        "meeting": meeting,
        "reason": review.reason,
        "valid_until": format_date(review.valid_until) if review.valid_until else "",
    }


def _hidden_labels(out: BeneficiaryOut) -> list[str]:
    return [label for name, label in HIDDEN_LABELS.items() if name in out.hidden]


async def _record_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    beneficiary_id: int,
    *,
    notice: str = "",
    form: str = "",
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    """A record as the reader may see it, with what their role may do to it; `form` names the
    action form shown again with `values` and `errors`."""
    out = await registry.get_beneficiary(session, principal, beneficiary_id)
    live = out.status != BeneficiaryStatus.ERASED
    coordinates = out.view == View.COORDINATOR
    return page(
        request,
        "beneficiary",
        status_code=status_code,
        title=f"{out.name or out.code} ({out.code})" if out.name != out.code else out.code,
        b=out,
        status=BENEFICIARY_STATUSES[out.status],
        facts=_facts(out),
        hidden=_hidden_labels(out),
        hidden_note=HIDDEN,
        circumstances=out.circumstances or "",
        health=out.health or "",
        members=out.members,
        sexes=SEXES,
        consented=_sentence("; ".join(CONSENT_PURPOSES[p] for p in out.consented_to)),
        consents=[_consent_row(c) for c in out.consents] if out.consents is not None else None,
        reviews=[_review_row(r) for r in out.reviews] if out.reviews is not None else None,
        not_eligible=_not_eligible_because(out),
        can_review=await service.may_review(session, principal, beneficiary_id),
        can_edit=coordinates and live,
        # Those who record consent record its withdrawal (a volunteer sees no consent to withdraw).
        can_consent=out.view in (View.COORDINATOR, View.VOLUNTEER) and live,
        notice=notice,
        form=form,
        values=values or {},
        errors=errors or {},
        today=local_today().isoformat(),
    )


@get("/beneficiaries/{beneficiary_id:int}", opt=READ)
async def beneficiary_page(
    request: Request, session: DbSession, principal: Caller, beneficiary_id: PathId, done: QueryText = ""
) -> Template:
    return await _record_page(request, session, principal, beneficiary_id, notice=DONE.get(done, ""))


def _meeting_date(raw: str) -> date | None:
    return forms.day(raw, field="meeting_date", label="Ngày họp bình xét") if raw.strip() else None


async def _decide(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    beneficiary_id: int,
    form: str,
    names: tuple[str, ...],
    change: Callable[[dict[str, str]], Awaitable[None]],
) -> Template | Redirect:
    """An action form of the record's page: done, back to the page with its notice; refused, the
    page again with the form as it was sent."""
    sent = await request.form()
    values = {name: forms.text(sent, name, checked=False) for name in names}

    async def save() -> str:
        await change(values)
        return f"/beneficiaries/{beneficiary_id}?done={form}"

    async def again(error: DomainError) -> Template:
        return await _record_page(
            request,
            session,
            principal,
            beneficiary_id,
            form=form,
            values=values,
            errors=forms.errors_of(error),
            status_code=error.status_code,
        )

    return await submit(session, save, again)


@post("/beneficiaries/{beneficiary_id:int}/verify", opt=COORDINATE)
async def verify(
    request: Request, session: DbSession, principal: Caller, actor: Acting, beneficiary_id: PathId
) -> Template | Redirect:
    async def change(values: dict[str, str]) -> None:
        data = forms.as_decoded(
            VerifyIn(
                meeting_date=_meeting_date(values["meeting_date"]),
                minutes_number=values["minutes_number"],
                note=values["note"],
            )
        )
        await service.verify(
            session,
            principal,
            actor,
            beneficiary_id,
            meeting_date=data.meeting_date,
            minutes_number=data.minutes_number,
            note=data.note,
        )

    return await _decide(
        request,
        session,
        principal,
        beneficiary_id,
        "verified",
        ("meeting_date", "minutes_number", "note"),
        change,
    )


@post("/beneficiaries/{beneficiary_id:int}/reject", opt=COORDINATE)
async def reject(
    request: Request, session: DbSession, principal: Caller, actor: Acting, beneficiary_id: PathId
) -> Template | Redirect:
    async def change(values: dict[str, str]) -> None:
        data = forms.as_decoded(
            RejectIn(
                reason=values["reason"],
                meeting_date=_meeting_date(values["meeting_date"]),
                minutes_number=values["minutes_number"],
            )
        )
        await service.reject(
            session,
            principal,
            actor,
            beneficiary_id,
            reason=data.reason,
            meeting_date=data.meeting_date,
            minutes_number=data.minutes_number,
        )

    return await _decide(
        request,
        session,
        principal,
        beneficiary_id,
        "rejected",
        ("reason", "meeting_date", "minutes_number"),
        change,
    )


@post("/beneficiaries/{beneficiary_id:int}/consents/{consent_id:int}/withdraw", opt=COORDINATE)
async def withdraw_consent(
    request: Request,
    session: DbSession,
    principal: Caller,
    actor: Acting,
    beneficiary_id: PathId,
    consent_id: PathId,
) -> Template | Redirect:
    async def change(values: dict[str, str]) -> None:
        raw = values["withdrawn_on"]
        withdrawn_on = forms.day(raw, field="withdrawn_on", label="Ngày rút lại") if raw.strip() else None
        await service.withdraw_consent(session, principal, actor, beneficiary_id, consent_id, withdrawn_on)

    return await _decide(request, session, principal, beneficiary_id, "withdrawn", ("withdrawn_on",), change)


# ---------------------------------------------------------------------------- consent and erasure


def _consent_page(
    request: Request,
    out: BeneficiaryOut,
    values: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    return page(
        request,
        "beneficiary_consent",
        status_code=status_code,
        title=f"Ghi nhận sự đồng ý của {out.name or out.code}",
        b=out,
        consent_form=_consent_form(values),
        errors=errors or {},
    )


async def _consentable(session: AsyncSession, principal: Principal, beneficiary_id: int) -> BeneficiaryOut:
    out = await registry.get_beneficiary(session, principal, beneficiary_id)
    if out.view not in (View.COORDINATOR, View.VOLUNTEER):
        raise Forbidden("Chỉ tình nguyện viên và điều phối viên của đơn vị ghi nhận được sự đồng ý.")
    return out


@get("/beneficiaries/{beneficiary_id:int}/consents/new", opt=PROPOSE)
async def new_consent_form(
    request: Request, session: DbSession, principal: Caller, beneficiary_id: PathId
) -> Template:
    out = await _consentable(session, principal, beneficiary_id)
    return _consent_page(request, out, _consent_values(None))


@post("/beneficiaries/{beneficiary_id:int}/consents/new", opt=PROPOSE)
async def add_consent(
    request: Request, session: DbSession, principal: Caller, actor: Acting, beneficiary_id: PathId
) -> Template | Redirect:
    values = _consent_values(await request.form())
    out = await _consentable(session, principal, beneficiary_id)

    async def save() -> str:
        data = forms.as_decoded(_consent_in(values, ""))
        await service.add_consent(session, principal, actor, beneficiary_id, cleaning.clean_consent(data))
        return f"/beneficiaries/{beneficiary_id}?done=consent"

    async def again(error: DomainError) -> Template:
        return _consent_page(
            request, out, values, errors=forms.errors_of(error), status_code=error.status_code
        )

    return await submit(session, save, again)


def _erase_page(
    request: Request,
    out: BeneficiaryOut,
    *,
    reason: str = "",
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    return page(
        request,
        "beneficiary_erase",
        status_code=status_code,
        title=f"Xóa hồ sơ {out.code} theo yêu cầu?",
        b=out,
        reason=reason,
        errors=errors or {},
    )


@get("/beneficiaries/{beneficiary_id:int}/erase", opt=COORDINATE)
async def erase_form(
    request: Request, session: DbSession, principal: Caller, beneficiary_id: PathId
) -> Template:
    return _erase_page(request, await _editable(session, principal, beneficiary_id))


@post("/beneficiaries/{beneficiary_id:int}/erase", opt=COORDINATE)
async def erase(
    request: Request, session: DbSession, principal: Caller, actor: Acting, beneficiary_id: PathId
) -> Template | Redirect:
    reason = forms.text(await request.form(), "reason", checked=False)
    out = await _editable(session, principal, beneficiary_id)

    async def save() -> str:
        data = forms.as_decoded(EraseIn(reason=reason))
        await service.erase(session, principal, actor, beneficiary_id, data.reason)
        return f"/beneficiaries/{beneficiary_id}?done=erased"

    async def again(error: DomainError) -> Template:
        return _erase_page(
            request, out, reason=reason, errors=forms.errors_of(error), status_code=error.status_code
        )

    return await submit(session, save, again)


# ---------------------------------------------------------------------------- duplicates, categories


async def _duplicates_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    *,
    offset: int = 0,
    notice: str = "",
    failed: int | None = None,
    reason: str = "",
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    """The open suspicions; `failed` is the one whose "not a duplicate" form is shown again."""
    found, total = await duplicates.list_suspicions(session, principal, limit=LIST_PAGE, offset=offset)
    return page(
        request,
        "beneficiary_duplicates",
        status_code=status_code,
        title="Nghi vấn trùng đối tượng",
        pairs=[
            {
                "id": s.id,
                "columns": [_compared(s.first), _compared(s.second)],
                "why": _why(s),
                "found": _at(s.found_at),
                # A coordinator of either record decides (the service's rule).
                "can_dismiss": View.COORDINATOR in (s.first.view, s.second.view),
            }
            for s in found
        ],
        total=total,
        compared=COMPARED,
        hidden_short=HIDDEN_SHORT,
        notice=notice,
        failed=failed,
        reason=reason,
        errors=errors or {},
        **pager("/beneficiaries/duplicates", {}, offset=offset, limit=LIST_PAGE, total=total),
    )


@get("/beneficiaries/duplicates", opt=READ)
async def duplicates_page(
    request: Request, session: DbSession, principal: Caller, offset: Offset = 0, done: QueryText = ""
) -> Template:
    return await _duplicates_page(request, session, principal, offset=offset, notice=DONE.get(done, ""))


@post("/beneficiaries/duplicates/{suspicion_id:int}/dismiss", opt=COORDINATE)
async def dismiss_duplicate(
    request: Request, session: DbSession, principal: Caller, actor: Acting, suspicion_id: PathId
) -> Template | Redirect:
    reason = forms.text(await request.form(), "reason", checked=False)

    async def save() -> str:
        data = forms.as_decoded(DismissIn(reason=reason))
        await duplicates.dismiss_suspicion(session, principal, actor, suspicion_id, data.reason)
        return "/beneficiaries/duplicates?done=dismissed"

    async def again(error: DomainError) -> Template:
        return await _duplicates_page(
            request,
            session,
            principal,
            failed=suspicion_id,
            reason=reason,
            errors=forms.errors_of(error),
            status_code=error.status_code,
        )

    return await submit(session, save, again)


async def _categories_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    *,
    offset: int = 0,
    notice: str = "",
    name: str = "",
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    categories, total = await hardship_categories.list_categories(session, limit=LIST_PAGE, offset=offset)
    return page(
        request,
        "beneficiary_categories",
        status_code=status_code,
        title="Diện hoàn cảnh",
        categories=categories,
        total=total,
        can_add=bool(principal.units_where(registry.REVIEWERS)),
        notice=notice,
        typed_name=name,
        errors=errors or {},
        **pager("/beneficiaries/categories", {}, offset=offset, limit=LIST_PAGE, total=total),
    )


@get("/beneficiaries/categories", opt=READ)
async def categories_page(
    request: Request, session: DbSession, principal: Caller, offset: Offset = 0, done: QueryText = ""
) -> Template:
    return await _categories_page(request, session, principal, offset=offset, notice=DONE.get(done, ""))


@post("/beneficiaries/categories", opt=COORDINATE)
async def add_category(
    request: Request, session: DbSession, principal: Caller, actor: Acting
) -> Template | Redirect:
    name = forms.text(await request.form(), "name", checked=False)

    async def save() -> str:
        data = forms.as_decoded(CategoryIn(name=name))
        await hardship_categories.add_category(session, principal, actor, data.name)
        return "/beneficiaries/categories?done=category"

    async def again(error: DomainError) -> Template:
        return await _categories_page(
            request,
            session,
            principal,
            name=name,
            errors=forms.errors_of(error),
            status_code=error.status_code,
        )

    return await submit(session, save, again)


routes = [
    beneficiaries_page,
    export_beneficiaries,
    blank_consent_form,
    filled_consent_form,
    new_beneficiary_form,
    propose,
    beneficiary_page,
    edit_beneficiary_form,
    edit_beneficiary,
    verify,
    reject,
    withdraw_consent,
    new_consent_form,
    add_consent,
    erase_form,
    erase,
    duplicates_page,
    dismiss_duplicate,
    categories_page,
    add_category,
]
