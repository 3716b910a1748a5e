"""Pages: the papers of distributions to print, opened from the distribution and round pages."""

from __future__ import annotations

from litestar import get
from litestar.response import Stream

from charity.distributions import papers
from charity.distributions.api import PRINT
from charity.fields import PathId
from charity.requests import Acting, Caller, DbSession


@get("/distributions/{distribution_id:int}/pdf", opt=PRINT)
async def handover_record(
    session: DbSession, principal: Caller, actor: Acting, distribution_id: PathId
) -> Stream:
    """The handover record to print and have signed; each print is an audit event."""
    return await papers.handover_record(session, principal, actor, distribution_id)


@get("/rounds/{round_id:int}/pdf", opt=PRINT)
async def signature_list(session: DbSession, principal: Caller, actor: Acting, round_id: PathId) -> Stream:
    """The round's signature list to print and have signed; each print is an audit event."""
    return await papers.signature_list(session, principal, actor, round_id)


routes = [handover_record, signature_list]
