"""JSON API: beneficiaries in special hardship, their review, consents, duplicates and erasure."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, patch, post
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.openapi import ResponseSpec
from litestar.pagination import OffsetPagination
from litestar.params import FromQuery, JSONBody, QueryParameter
from litestar.response import Stream
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from charity.access import allow, public
from charity.beneficiaries import cleaning, consent_form, duplicates, hardship_categories, registry, service
from charity.beneficiaries.export import beneficiary_file
from charity.beneficiaries.schemas import (
    BeneficiaryIn,
    BeneficiaryOut,
    BeneficiaryUpdate,
    CategoryIn,
    CategoryOut,
    ConsentIn,
    DismissIn,
    EraseIn,
    PublicCounts,
    RejectIn,
    SuspicionOut,
    VerifyIn,
    WithdrawIn,
)
from charity.exports.report import Format
from charity.fields import DEFAULT_PAGE, MAX_PAGE, Limit, Offset, PathId, QueryId, QueryText
from charity.models import BeneficiaryStatus, Role
from charity.requests import EMPTY_IS_NO_FILTER, RECORDS_ITS_USE, Acting, Caller, DbSession, database_of

READ = allow(Role.VOLUNTEER, Role.COORDINATOR, Role.AUDITOR)
PROPOSE = allow(Role.VOLUNTEER, Role.COORDINATOR)
COORDINATE = allow(Role.COORDINATOR)


def fields_from(data: BeneficiaryIn) -> cleaning.CleanBeneficiary:
    return cleaning.clean_fields(
        kind=data.kind,
        name=data.name,
        sex=data.sex,
        birth_year=data.birth_year,
        birth_date=data.birth_date,
        hamlet=data.hamlet,
        address=data.address,
        phone=data.phone,
        id_number=data.id_number,
        poor_cert_number=data.poor_cert_number,
        poor_cert_year=data.poor_cert_year,
        circumstances=data.circumstances,
        health=data.health,
        category_ids=data.category_ids,
        members=data.members,
    )


def provide_filter(
    q: QueryText = "",
    unit_id: QueryId = None,
    category_id: QueryId = None,
    status: FromQuery[BeneficiaryStatus | None] = None,
    review_due: FromQuery[bool] = False,
) -> registry.BeneficiaryFilter:
    return registry.BeneficiaryFilter(
        query=q[:200], unit_id=unit_id, category_id=category_id, status=status, review_due=review_due
    )


Wanted = NamedDependency[registry.BeneficiaryFilter]
FILTERED = {"wanted": Provide(provide_filter, sync_to_thread=False)}
FILTER = (
    "`q` matches any part of the name, hamlet, phone, CCCD number, address or members' names, "
    "ignoring case and diacritics (a volunteer's only the name and hamlet); `unit_id` includes the "
    "units below it; `review_due` keeps verified records whose verification has run out."
)
PDF = "application/pdf"


class BeneficiaryController(Controller):
    path = "/api/beneficiaries"
    tags = ("beneficiaries",)

    @get(
        opt=READ | {EMPTY_IS_NO_FILTER: True},
        dependencies=FILTERED,
        summary="Find beneficiaries",
        description="Beneficiaries of the caller's scope in the Vietnamese order of names, each as the "
        f"caller's role may see it. {FILTER}",
    )
    async def list_beneficiaries(
        self,
        session: DbSession,
        principal: Caller,
        wanted: Wanted,
        limit: Limit = DEFAULT_PAGE,
        offset: Offset = 0,
    ) -> OffsetPagination[BeneficiaryOut]:
        items, total = await registry.list_beneficiaries(
            session, principal, wanted, limit=limit, offset=offset
        )
        return OffsetPagination(items=items, total=total, limit=limit, offset=offset)

    @get(
        "/export",
        # An export is an audit event: the request writes even though it reads.
        opt=READ | {EMPTY_IS_NO_FILTER: True, RECORDS_ITS_USE: True},
        dependencies=FILTERED,
        # The file's type is the one `format` asks for, which the answer names itself.
        responses={
            HTTP_200_OK: ResponseSpec(
                bytes,
                generate_examples=False,
                media_type="application/octet-stream",
                description="The file to download: CSV (UTF-8), XLSX or PDF, as `format` asks.",
            )
        },
        summary="Export beneficiaries as a file",
        description="The beneficiaries the list would give for the same filter, all of them, as a "
        "`csv`, `xlsx` or `pdf` file: each as the caller's role may see it, without the columns the "
        f"caller's roles never see (a volunteer's file has no phone or CCCD number). {FILTER} Each "
        "export is an audit event.",
    )
    async def export_beneficiaries(
        self,
        state: State,
        session: DbSession,
        principal: Caller,
        actor: Acting,
        wanted: Wanted,
        format: Annotated[Format, QueryParameter(description="csv, xlsx or pdf")],
    ) -> Stream:
        return await beneficiary_file(database_of(state), session, actor, principal, wanted, format)

    @get(
        "/consent-form",
        opt=PROPOSE,
        media_type=PDF,
        response_description="The form, on A4 paper.",
        summary="Print a blank consent form",
        description="The consent form (phiếu đồng ý xử lý dữ liệu cá nhân, Decree 13/2023/NĐ-CP) as an "
        "A4 PDF to fill in by hand: with the unit's name, address and review period when `unit_id` "
        "names a unit where the caller collects consent.",
    )
    async def blank_consent_form(
        self, session: DbSession, principal: Caller, unit_id: QueryId = None
    ) -> Stream:
        return await consent_form.blank_form(session, principal, unit_id)

    @get(
        "/{beneficiary_id:int}/consent-form",
        # Printing a filled form is an export of personal data, an audit event.
        opt=PROPOSE | {RECORDS_ITS_USE: True},
        media_type=PDF,
        response_description="The form, on A4 paper.",
        summary="Print a beneficiary's consent form",
        description="The consent form with the beneficiary written in, as the caller may see them: a "
        "volunteer's has what a volunteer sees, and only a coordinator's has the CCCD number. Each "
        "print is an audit event; an erased record answers 409.",
    )
    async def consent_form(
        self, session: DbSession, principal: Caller, actor: Acting, beneficiary_id: PathId
    ) -> Stream:
        return await consent_form.filled_form(session, principal, actor, beneficiary_id)

    @post(opt=PROPOSE, status_code=HTTP_201_CREATED, summary="Propose a beneficiary")
    async def create_beneficiary(
        self, session: DbSession, principal: Caller, actor: Acting, data: JSONBody[BeneficiaryIn]
    ) -> BeneficiaryOut:
        """A new record starts proposed. One that may be someone already registered (same CCCD or
        phone, or a like name with the same birth year in the unit) answers 409 `possible_duplicates`
        with them in `extra.duplicates`, unless `not_duplicate_of` names them all, with
        `not_duplicate_reason`. A CCCD number or health details need `consent` with `sensitive_data`."""
        return await service.create_beneficiary(
            session,
            principal,
            actor,
            unit_id=data.unit_id,
            fields=fields_from(data),
            consent=cleaning.clean_consent(data.consent, "consent.") if data.consent else None,
            not_duplicate_of=data.not_duplicate_of,
            not_duplicate_reason=data.not_duplicate_reason,
        )

    @get("/{beneficiary_id:int}", opt=READ, summary="Get a beneficiary")
    async def get_beneficiary(
        self, session: DbSession, principal: Caller, beneficiary_id: PathId
    ) -> BeneficiaryOut:
        """One beneficiary of the caller's scope, as the caller's role may see it; any other answers 404."""
        return await registry.get_beneficiary(session, principal, beneficiary_id)

    @patch("/{beneficiary_id:int}", opt=COORDINATE, summary="Change a beneficiary")
    async def update_beneficiary(
        self,
        session: DbSession,
        principal: Caller,
        actor: Acting,
        beneficiary_id: PathId,
        data: JSONBody[BeneficiaryUpdate],
    ) -> BeneficiaryOut:
        """Only the fields sent change (coordinators of the unit). A change to what the review judged
        sends the record back to review; a change that makes it look like someone else answers 409 as
        a new record does."""
        changes = {name: getattr(data, name) for name in cleaning.UPDATABLE}
        return await service.update_beneficiary(
            session,
            principal,
            actor,
            beneficiary_id,
            changes,
            clear=data.clear,
            not_duplicate_of=data.not_duplicate_of,
            not_duplicate_reason=data.not_duplicate_reason,
        )

    @post(
        "/{beneficiary_id:int}/verify",
        opt=COORDINATE,
        status_code=HTTP_200_OK,
        summary="Verify a beneficiary",
    )
    async def verify(
        self,
        session: DbSession,
        principal: Caller,
        actor: Acting,
        beneficiary_id: PathId,
        data: JSONBody[VerifyIn],
    ) -> BeneficiaryOut:
        """A coordinator of the beneficiary's unit or above, other than its proposer (403
        `own_proposal`), verifies it after the review meeting (`meeting_date` or `minutes_number`). It
        holds for the unit's `review_months`; verifying again renews it."""
        return await service.verify(
            session,
            principal,
            actor,
            beneficiary_id,
            meeting_date=data.meeting_date,
            minutes_number=data.minutes_number,
            note=data.note,
        )

    @post(
        "/{beneficiary_id:int}/reject",
        opt=COORDINATE,
        status_code=HTTP_200_OK,
        summary="Reject a beneficiary",
    )
    async def reject(
        self,
        session: DbSession,
        principal: Caller,
        actor: Acting,
        beneficiary_id: PathId,
        data: JSONBody[RejectIn],
    ) -> BeneficiaryOut:
        """Not recognised (or no longer), with the `reason` and the review meeting; the proposer may
        not decide. A rejected record goes back to review once changed."""
        return await service.reject(
            session,
            principal,
            actor,
            beneficiary_id,
            reason=data.reason,
            meeting_date=data.meeting_date,
            minutes_number=data.minutes_number,
        )

    @post(
        "/{beneficiary_id:int}/consents", opt=PROPOSE, status_code=HTTP_201_CREATED, summary="Record consent"
    )
    async def add_consent(
        self,
        session: DbSession,
        principal: Caller,
        actor: Acting,
        beneficiary_id: PathId,
        data: JSONBody[ConsentIn],
    ) -> BeneficiaryOut:
        """What the person (or their guardian, for a child) consented to, how and when: a signed form,
        or in person before a `witness`. Volunteers and coordinators of the unit record it."""
        return await service.add_consent(
            session, principal, actor, beneficiary_id, cleaning.clean_consent(data)
        )

    @post(
        "/{beneficiary_id:int}/consents/{consent_id:int}/withdraw",
        opt=COORDINATE,
        status_code=HTTP_200_OK,
        summary="Withdraw consent",
    )
    async def withdraw_consent(
        self,
        session: DbSession,
        principal: Caller,
        actor: Acting,
        beneficiary_id: PathId,
        consent_id: PathId,
        data: JSONBody[WithdrawIn],
    ) -> BeneficiaryOut:
        """Once no current consent covers sensitive data, the CCCD number and health details are
        blanked; without a current consent to support, no new support is given."""
        return await service.withdraw_consent(
            session, principal, actor, beneficiary_id, consent_id, data.withdrawn_on
        )

    @post("/{beneficiary_id:int}/erase", opt=COORDINATE, status_code=HTTP_200_OK, summary="Erase (forget)")
    async def erase(
        self,
        session: DbSession,
        principal: Caller,
        actor: Acting,
        beneficiary_id: PathId,
        data: JSONBody[EraseIn],
    ) -> BeneficiaryOut:
        """At the person's request: consents are withdrawn, what identifies them is blanked and the
        name becomes the code (ĐT-000123), under which what they received stays in the books."""
        return await service.erase(session, principal, actor, beneficiary_id, data.reason)

    @get("/duplicates", opt=READ, summary="Open duplicate suspicions")
    async def list_duplicates(
        self, session: DbSession, principal: Caller, limit: Limit = DEFAULT_PAGE, offset: Offset = 0
    ) -> OffsetPagination[SuspicionOut]:
        """Pairs of records found alike by an import or a change, not yet judged, newest first."""
        items, total = await duplicates.list_suspicions(session, principal, limit=limit, offset=offset)
        return OffsetPagination(items=items, total=total, limit=limit, offset=offset)

    @post(
        "/duplicates/{suspicion_id:int}/dismiss",
        opt=COORDINATE,
        status_code=HTTP_200_OK,
        summary="Not a duplicate",
    )
    async def dismiss_duplicate(
        self,
        session: DbSession,
        principal: Caller,
        actor: Acting,
        suspicion_id: PathId,
        data: JSONBody[DismissIn],
    ) -> None:
        """The two records are two people, with the `reason` (coordinators of either record)."""
        await duplicates.dismiss_suspicion(session, principal, actor, suspicion_id, data.reason)


class CategoryController(Controller):
    path = "/api/hardship-categories"
    tags = ("beneficiaries",)

    @get(opt=READ, summary="List hardship categories")
    async def list_categories(
        self, session: DbSession, limit: Limit = MAX_PAGE, offset: Offset = 0
    ) -> OffsetPagination[CategoryOut]:
        """The shared list of hardship categories (hộ nghèo, người khuyết tật, …) in alphabetical order."""
        items, total = await hardship_categories.list_categories(session, limit=limit, offset=offset)
        return OffsetPagination(items=items, total=total, limit=limit, offset=offset)

    @post(opt=COORDINATE, status_code=HTTP_201_CREATED, summary="Add a hardship category")
    async def add_category(
        self, session: DbSession, principal: Caller, actor: Acting, data: JSONBody[CategoryIn]
    ) -> CategoryOut:
        """A new category for every unit (coordinators); one already there in any spelling answers 409."""
        return await hardship_categories.add_category(session, principal, actor, data.name)


@get(
    "/api/public/units/{unit_id:int}/beneficiaries",
    opt=public(),
    tags=["beneficiaries"],
    summary="What the public may know of a unit's beneficiaries",
    description="Counts of verified beneficiaries (units below included), by category, and the people "
    "who consented to public listing, by masked name (“Nguyễn T. H.”) and commune: nothing else.",
)
async def public_beneficiaries(session: DbSession, unit_id: PathId) -> PublicCounts:
    return await service.public_counts(session, unit_id)


routes = [BeneficiaryController, CategoryController, public_beneficiaries]
