"""JSON API: distributions (trao tặng) and rounds (đợt trao)."""

from __future__ import annotations

from datetime import date

from litestar import Controller, get, post
from litestar.pagination import OffsetPagination
from litestar.params import FromQuery, JSONBody
from litestar.response import Stream
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from charity.access import allow
from charity.distributions import papers, rounds, service
from charity.distributions.schemas import (
    CancelIn,
    DistributionIn,
    DistributionOut,
    HandOverIn,
    RoundHandOverIn,
    RoundIn,
    RoundOut,
    VoidIn,
)
from charity.fields import DEFAULT_PAGE, Limit, Offset, PathId, QueryId
from charity.models import DistributionStatus, Role, RoundStatus
from charity.requests import RECORDS_ITS_USE, Acting, Caller, DbSession

READ = allow(Role.COORDINATOR, Role.AUDITOR)
GIVE = allow(Role.COORDINATOR)
# Printing a paper is an audit event: the request writes even though it reads.
PRINT = READ | {RECORDS_ITS_USE: True}
PDF = "application/pdf"


class DistributionController(Controller):
    path = "/api/distributions"
    tags = ("distributions",)

    @get(opt=READ, summary="List distributions")
    async def list_distributions(
        self,
        session: DbSession,
        principal: Caller,
        limit: Limit = DEFAULT_PAGE,
        offset: Offset = 0,
        drive_id: QueryId = None,
        round_id: QueryId = None,
        beneficiary_id: QueryId = None,
        status: FromQuery[DistributionStatus | None] = None,
        date_from: FromQuery[date | None] = None,
        date_to: FromQuery[date | None] = None,
    ) -> OffsetPagination[DistributionOut]:
        """Distributions of the drives in the caller's scope, latest first; `date_from` and `date_to`
        bound the day they were handed over."""
        wanted = service.DistributionFilter(drive_id, round_id, beneficiary_id, status, date_from, date_to)
        found, total = await service.list_distributions(
            session, principal, wanted, limit=limit, offset=offset
        )
        return OffsetPagination(items=found, total=total, limit=limit, offset=offset)

    @post(opt=GIVE, status_code=HTTP_201_CREATED, summary="Record a distribution")
    async def create_distribution(
        self, session: DbSession, principal: Caller, actor: Acting, data: JSONBody[DistributionIn]
    ) -> DistributionOut:
        """Give money and/or goods from a drive to a verified beneficiary with current consent to
        support, or to a counted group (`group`: place, count). It takes the next number of the
        unit's distribution book ("TT-2026/00012"). With `handed_over_on` it is handed over at once:
        the goods leave at their book value, and if the drive holds less of any asset than asked the
        answer is 409 `short_of_stock` naming the item, what is held and what was asked, and nothing
        is recorded. Without it, it is planned. 422 `not_eligible` for a beneficiary who may not
        receive, 409 `too_soon` inside the drive's limit on how often (unless `override_reason`),
        422 `after_deadline` after an appeal's distribution deadline (unless `late_reason`)."""
        return await service.create_distribution(session, principal, actor, data)

    @get("/{distribution_id:int}", opt=READ, summary="Get a distribution")
    async def get_distribution(
        self, session: DbSession, principal: Caller, distribution_id: PathId
    ) -> DistributionOut:
        """One distribution in the caller's scope, with what it gave and to whom (as the caller's role
        may see the beneficiary)."""
        return await service.get_distribution(session, principal, distribution_id)

    @get(
        "/{distribution_id:int}/pdf",
        opt=PRINT,
        media_type=PDF,
        response_description="The record, on A4 paper.",
        summary="Print a distribution's handover record",
    )
    async def handover_record(
        self, session: DbSession, principal: Caller, actor: Acting, distribution_id: PathId
    ) -> Stream:
        """The handover record (giấy nhận hỗ trợ to a person, biên bản bàn giao hỗ trợ to a group): the
        unit, the number, the drive and purpose, the recipient as the caller may see them, the money
        and goods with the amounts in words, and the signature lines. A void one says "ĐÃ HỦY" with
        its reason; a planned one says it is not yet handed over. Each print is an audit event."""
        return await papers.handover_record(session, principal, actor, distribution_id)

    @post(
        "/{distribution_id:int}/hand-over",
        opt=GIVE,
        status_code=HTTP_200_OK,
        summary="Hand a distribution over",
    )
    async def hand_over(
        self,
        session: DbSession,
        principal: Caller,
        actor: Acting,
        distribution_id: PathId,
        data: JSONBody[HandOverIn],
    ) -> DistributionOut:
        """Hand over a planned distribution: it posts to the drive's books, or answers 409
        `short_of_stock` and changes nothing."""
        return await service.hand_over(
            session, principal, actor, distribution_id, data.handed_over_on, data.late_reason
        )

    @post("/{distribution_id:int}/void", opt=GIVE, status_code=HTTP_200_OK, summary="Void a distribution")
    async def void(
        self,
        session: DbSession,
        principal: Caller,
        actor: Acting,
        distribution_id: PathId,
        data: JSONBody[VoidIn],
    ) -> DistributionOut:
        """Void with a reason: the number stays; a handed-over distribution's entries are reversed
        (dated today), so what it gave is held by the drive again."""
        return await service.void_distribution(session, principal, actor, distribution_id, data.reason)


class RoundController(Controller):
    path = "/api/rounds"
    tags = ("distributions",)

    @get(opt=READ, summary="List rounds")
    async def list_rounds(
        self,
        session: DbSession,
        principal: Caller,
        limit: Limit = DEFAULT_PAGE,
        offset: Offset = 0,
        drive_id: QueryId = None,
        status: FromQuery[RoundStatus | None] = None,
    ) -> OffsetPagination[RoundOut]:
        """Rounds (đợt trao) of the drives in the caller's scope, latest first, each with its lines."""
        found, total = await rounds.list_rounds(
            session, principal, drive_id, status, limit=limit, offset=offset
        )
        return OffsetPagination(items=found, total=total, limit=limit, offset=offset)

    @post(opt=GIVE, status_code=HTTP_201_CREATED, summary="Draft a round")
    async def create_round(
        self, session: DbSession, principal: Caller, actor: Acting, data: JSONBody[RoundIn]
    ) -> RoundOut:
        """A round: beneficiaries and what each gets. Every line is checked as a distribution is; none
        is numbered until another coordinator approves the round."""
        return await rounds.create_round(session, principal, actor, data)

    @get("/{round_id:int}", opt=READ, summary="Get a round")
    async def get_round(self, session: DbSession, principal: Caller, round_id: PathId) -> RoundOut:
        """One round with its lines and what it gives in all."""
        return await rounds.get_round(session, principal, round_id)

    @get(
        "/{round_id:int}/pdf",
        opt=PRINT,
        media_type=PDF,
        response_description="The list, on A4 landscape paper.",
        summary="Print a round's signature list",
    )
    async def signature_list(
        self, session: DbSession, principal: Caller, actor: Acting, round_id: PathId
    ) -> Stream:
        """The signature list (danh sách ký nhận) in the round's order: each recipient with what they
        get and room to sign, the totals with the money in words, and the signatures of who drew it
        up, who hands over, the unit's representative and the local authority's witness. A draft
        round's list is marked as not approved. Each print is an audit event."""
        return await papers.signature_list(session, principal, actor, round_id)

    @post("/{round_id:int}/approve", opt=GIVE, status_code=HTTP_200_OK, summary="Approve a round")
    async def approve(
        self, session: DbSession, principal: Caller, actor: Acting, round_id: PathId
    ) -> RoundOut:
        """By a coordinator who did not draft it (403 for the drafter). The drive must hold all the
        round gives (409 `short_of_stock`); each line takes its number in the list's order."""
        return await rounds.approve_round(session, principal, actor, round_id)

    @post("/{round_id:int}/hand-over", opt=GIVE, status_code=HTTP_200_OK, summary="Hand a round over")
    async def hand_over(
        self,
        session: DbSession,
        principal: Caller,
        actor: Acting,
        round_id: PathId,
        data: JSONBody[RoundHandOverIn],
    ) -> RoundOut:
        """Mark the approved round handed over in one step: every line but the `exceptions` is handed
        over; an absent one stays planned, a refused one is voided. If the drive does not hold all
        the round gives, the answer is 409 `short_of_stock` and nothing is handed over."""
        return await rounds.hand_over_round(session, principal, actor, round_id, data)

    @post("/{round_id:int}/cancel", opt=GIVE, status_code=HTTP_200_OK, summary="Cancel a round")
    async def cancel(
        self, session: DbSession, principal: Caller, actor: Acting, round_id: PathId, data: JSONBody[CancelIn]
    ) -> RoundOut:
        """Cancel a round not yet handed over, with a reason; an approved round's numbers stay, void."""
        return await rounds.cancel_round(session, principal, actor, round_id, data)
