"""Pages: the beneficiary list with its search, filters and export, and the consent form to print."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.datastructures import State
from litestar.response import Stream, Template

from charity import forms
from charity.beneficiaries import consent_form, hardship_categories, registry
from charity.beneficiaries.api import PROPOSE, READ
from charity.beneficiaries.export import beneficiary_file
from charity.beneficiaries.page_parts import LIST_PAGE
from charity.beneficiaries.schemas import (
    BeneficiaryOut,
)
from charity.exports.pdf import MAX_PDF_LINES
from charity.exports.report import Format
from charity.fields import MAX_PAGE, Offset, PathId, QueryId, QueryText
from charity.labels import (
    BENEFICIARY_STATUSES,
)
from charity.models import (
    BeneficiaryStatus,
)
from charity.pages import page, pager
from charity.requests import Acting, Caller, DbSession, database_of
from charity.units.tree import tree_of


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


routes = [
    export_beneficiaries,
    blank_consent_form,
    filled_consent_form,
    beneficiaries_page,
]
