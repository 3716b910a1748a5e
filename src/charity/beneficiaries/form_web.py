"""Pages: the form that proposes a beneficiary (a volunteer's, on a phone) and changes one, with the
consent given on the spot and the likely duplicates shown beside what was typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from charity import forms
from charity.access import Principal
from charity.beneficiaries import cleaning, duplicates, hardship_categories, registry, service
from charity.beneficiaries.api import COORDINATE, PROPOSE, fields_from
from charity.beneficiaries.page_parts import COMPARED, HIDDEN_SHORT, compared, sentence, why_alike
from charity.beneficiaries.privacy import View
from charity.beneficiaries.schemas import (
    BeneficiaryIn,
    BeneficiaryOut,
    BeneficiaryUpdate,
    ConsentIn,
    MatchOut,
    MemberIn,
)
from charity.clock import local_today
from charity.errors import DomainError, Forbidden, Invalid
from charity.fields import MAX_PAGE, PathId
from charity.labels import (
    BENEFICIARY_KINDS,
    CONSENT_GIVERS,
    CONSENT_METHODS,
    CONSENT_PURPOSES,
    SEXES,
)
from charity.models import (
    BeneficiaryKind,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    Sex,
)
from charity.pages import page
from charity.requests import Acting, Caller, DbSession, submit
from charity.units.tree import tree_of

# Rows for household members on a form that has none yet: enough for most households without a
# script, which adds more.
MEMBER_ROWS = 3


LIKELY_DUPLICATES = (
    "Có thể đối tượng này đã có trong danh sách: so sánh bên dưới. Mở hồ sơ đã có, hoặc đánh dấu"
    " “Không phải người này” và ghi lý do rồi lưu lại."
)


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
        "consent": consent_form_values(form),
        "not_duplicate_of": ids("not_duplicate_of"),
    }


def consent_form_values(form: FormMultiDict | None) -> dict[str, Any]:
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


def consent_in(values: dict[str, Any], prefix: str) -> ConsentIn:
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
            consent=consent_in(values["consent"], "consent.") if _consent_given(values["consent"]) else None,
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
        "consent": consent_form_values(None),
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
        consent_form=consent_form_context(values["consent"]),
        matches=[
            {
                **compared(match.beneficiary),
                "why": why_alike(match),
                "chosen": match.beneficiary.id in values["not_duplicate_of"],
            }
            for match in matches or []
        ],
        typed=typed,
        compared=COMPARED,
        hidden_short=HIDDEN_SHORT,
        action=f"/beneficiaries/{editing.id}/edit" if editing else "/beneficiaries/new",
    )


def consent_form_context(values: dict[str, Any]) -> dict[str, Any]:
    """What the consent fields (on the propose form and the consent page) offer and hold."""
    return {
        "values": values,
        "purposes": {purpose: sentence(label) for purpose, label in CONSENT_PURPOSES.items()},
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
        request, session, principal, _values(FormMultiDict({})) | {"consent": consent_form_values(None)}
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


async def editable(session: AsyncSession, principal: Principal, beneficiary_id: int) -> BeneficiaryOut:
    """The record a coordinator edits; the service refuses anyone else when they save."""
    out = await registry.get_beneficiary(session, principal, beneficiary_id)
    if out.view != View.COORDINATOR:
        raise Forbidden("Chỉ điều phối viên của đơn vị sửa được hồ sơ đối tượng.")
    return out


@get("/beneficiaries/{beneficiary_id:int}/edit", opt=COORDINATE)
async def edit_beneficiary_form(
    request: Request, session: DbSession, principal: Caller, beneficiary_id: PathId
) -> Template:
    current = await editable(session, principal, beneficiary_id)
    return await _form_page(request, session, principal, _values_of(current), editing=current)


@post("/beneficiaries/{beneficiary_id:int}/edit", opt=COORDINATE)
async def edit_beneficiary(
    request: Request, session: DbSession, principal: Caller, actor: Acting, beneficiary_id: PathId
) -> Template | Redirect:
    values = _values(await request.form())
    current = await editable(session, principal, beneficiary_id)
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


routes = [
    new_beneficiary_form,
    propose,
    edit_beneficiary_form,
    edit_beneficiary,
]
