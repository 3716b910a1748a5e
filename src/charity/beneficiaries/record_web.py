"""Pages: one beneficiary as the reader may see it, with its review (verify, reject), its consents
(record, withdraw) and its erasure at the person's request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from charity import forms
from charity.access import Principal
from charity.beneficiaries import cleaning, registry, service
from charity.beneficiaries.api import COORDINATE, PROPOSE, READ
from charity.beneficiaries.form_web import consent_form_context, consent_form_values, consent_in, editable
from charity.beneficiaries.page_parts import DONE, at, sentence
from charity.beneficiaries.privacy import View
from charity.beneficiaries.schemas import (
    BeneficiaryOut,
    ConsentOut,
    EraseIn,
    RejectIn,
    ReviewOut,
    VerifyIn,
)
from charity.clock import format_date, local_today
from charity.errors import DomainError, Forbidden
from charity.fields import PathId, QueryText
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
    BeneficiaryStatus,
    ConsentGiver,
    ConsentPurpose,
    ReviewDecision,
)
from charity.pages import page
from charity.requests import Acting, Caller, DbSession, submit

HIDDEN = "Không hiển thị với vai trò của bạn"
# What a beneficiary received, for the record page ("Đã nhận hỗ trợ"): a section made by the
# distributions feature, which sits above this one; the app provides it as the `received` dependency.
ReceivedSection = Callable[[AsyncSession, Principal, int], Awaitable[dict[str, Any] | None]]
Received = NamedDependency[ReceivedSection]


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
        ("Ngày đề xuất", at(out.proposed_at)),
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
        "purposes": sentence("; ".join(CONSENT_PURPOSES[p] for p in consent.purposes)),
        "method": method,
        "by": by,
        "given_on": format_date(consent.given_on),
        "given_on_iso": consent.given_on.isoformat(),
        "recorded": f"{consent.recorded_by_name}, {at(consent.recorded_at)}",
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
        "at": at(review.decided_at),
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
    received: ReceivedSection,
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
        consented=sentence("; ".join(CONSENT_PURPOSES[p] for p in out.consented_to)),
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
        received=await received(session, principal, beneficiary_id),
    )


@get("/beneficiaries/{beneficiary_id:int}", opt=READ)
async def beneficiary_page(
    request: Request,
    session: DbSession,
    principal: Caller,
    received: Received,
    beneficiary_id: PathId,
    done: QueryText = "",
) -> Template:
    return await _record_page(
        request, session, principal, received, beneficiary_id, notice=DONE.get(done, "")
    )


def _meeting_date(raw: str) -> date | None:
    return forms.day(raw, field="meeting_date", label="Ngày họp bình xét") if raw.strip() else None


async def _decide(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    received: ReceivedSection,
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
            received,
            beneficiary_id,
            form=form,
            values=values,
            errors=forms.errors_of(error),
            status_code=error.status_code,
        )

    return await submit(session, save, again)


@post("/beneficiaries/{beneficiary_id:int}/verify", opt=COORDINATE)
async def verify(
    request: Request,
    session: DbSession,
    principal: Caller,
    actor: Acting,
    received: Received,
    beneficiary_id: PathId,
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
        received,
        beneficiary_id,
        "verified",
        ("meeting_date", "minutes_number", "note"),
        change,
    )


@post("/beneficiaries/{beneficiary_id:int}/reject", opt=COORDINATE)
async def reject(
    request: Request,
    session: DbSession,
    principal: Caller,
    actor: Acting,
    received: Received,
    beneficiary_id: PathId,
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
        received,
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
    received: Received,
    beneficiary_id: PathId,
    consent_id: PathId,
) -> Template | Redirect:
    async def change(values: dict[str, str]) -> None:
        raw = values["withdrawn_on"]
        withdrawn_on = forms.day(raw, field="withdrawn_on", label="Ngày rút lại") if raw.strip() else None
        await service.withdraw_consent(session, principal, actor, beneficiary_id, consent_id, withdrawn_on)

    return await _decide(
        request, session, principal, received, beneficiary_id, "withdrawn", ("withdrawn_on",), change
    )


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
        consent_form=consent_form_context(values),
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
    return _consent_page(request, out, consent_form_values(None))


@post("/beneficiaries/{beneficiary_id:int}/consents/new", opt=PROPOSE)
async def add_consent(
    request: Request, session: DbSession, principal: Caller, actor: Acting, beneficiary_id: PathId
) -> Template | Redirect:
    values = consent_form_values(await request.form())
    out = await _consentable(session, principal, beneficiary_id)

    async def save() -> str:
        data = forms.as_decoded(consent_in(values, ""))
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
    return _erase_page(request, await editable(session, principal, beneficiary_id))


@post("/beneficiaries/{beneficiary_id:int}/erase", opt=COORDINATE)
async def erase(
    request: Request, session: DbSession, principal: Caller, actor: Acting, beneficiary_id: PathId
) -> Template | Redirect:
    reason = forms.text(await request.form(), "reason", checked=False)
    out = await editable(session, principal, beneficiary_id)

    async def save() -> str:
        data = forms.as_decoded(EraseIn(reason=reason))
        await service.erase(session, principal, actor, beneficiary_id, data.reason)
        return f"/beneficiaries/{beneficiary_id}?done=erased"

    async def again(error: DomainError) -> Template:
        return _erase_page(
            request, out, reason=reason, errors=forms.errors_of(error), status_code=error.status_code
        )

    return await submit(session, save, again)


routes = [
    beneficiary_page,
    verify,
    reject,
    withdraw_consent,
    new_consent_form,
    add_consent,
    erase_form,
    erase,
]
