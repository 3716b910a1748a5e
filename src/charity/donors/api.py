"""JSON API: donors, with search that ignores case and diacritics."""

from __future__ import annotations

from litestar import Controller, Response, get, patch, post
from litestar.pagination import OffsetPagination
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED

from charity.access import allow
from charity.donors import service
from charity.donors.schemas import DonorCreate, DonorOut, DonorUpdate
from charity.fields import DEFAULT_PAGE, Limit, Offset, PathId, QueryText
from charity.models import Role
from charity.requests import Acting, Caller, DbSession

READ = allow(Role.VOLUNTEER, Role.COORDINATOR, Role.AUDITOR)
RECORD = allow(Role.VOLUNTEER, Role.COORDINATOR)


class DonorController(Controller):
    path = "/api/donors"
    tags = ("donors",)

    @get(opt=READ, summary="Find donors")
    async def list_donors(
        self,
        session: DbSession,
        principal: Caller,
        limit: Limit = DEFAULT_PAGE,
        offset: Offset = 0,
        q: QueryText = "",
    ) -> OffsetPagination[DonorOut]:
        """`q` matches any part of the name, phone or address: "nguyen thi hong" finds "Nguyễn Thị Hồng"."""
        donors, total = await service.list_donors(
            session, principal, query=q[:200], limit=limit, offset=offset
        )
        return OffsetPagination(
            items=[DonorOut.of(donor) for donor in donors], total=total, limit=limit, offset=offset
        )

    @post(opt=RECORD, status_code=HTTP_201_CREATED, summary="Add a donor")
    async def create_donor(
        self, session: DbSession, principal: Caller, actor: Acting, data: JSONBody[DonorCreate]
    ) -> Response[DonorOut]:
        """A donor whose phone is already known answers 409 with those donors (`extra.duplicates`),
        unless `allow_duplicate` is set."""
        fields = service.clean_donor(
            name=data.name,
            kind=data.kind,
            phone=data.phone,
            address=data.address,
            email=data.email,
            tax_code=data.tax_code,
        )
        try:
            donor = await service.create_donor(
                session,
                principal,
                actor,
                unit_id=data.unit_id,
                fields=fields,
                allow_duplicate=data.allow_duplicate,
            )
        except service.PossibleDuplicates as duplicates:
            return Response(
                {
                    "status_code": 409,
                    "detail": duplicates.message,
                    "extra": {"field": "phone", "duplicates": [DonorOut.of(d) for d in duplicates.donors]},
                },
                status_code=409,
            )
        return Response(DonorOut.of(donor), status_code=HTTP_201_CREATED)

    @get(
        "/{donor_id:int}",
        opt=READ,
        summary="Get a donor",
        description="One donor of a unit in the caller's scope; any other donor answers 404.",
    )
    async def get_donor(self, session: DbSession, principal: Caller, donor_id: PathId) -> DonorOut:
        return DonorOut.of(await service.get_donor(session, principal, donor_id))

    @patch(
        "/{donor_id:int}", opt=RECORD, summary="Change a donor", description="Only the fields sent change."
    )
    async def update_donor(
        self,
        session: DbSession,
        principal: Caller,
        actor: Acting,
        donor_id: PathId,
        data: JSONBody[DonorUpdate],
    ) -> DonorOut:
        changes = {f: v for f in data.__struct_fields__ if (v := getattr(data, f)) is not None}
        return DonorOut.of(await service.update_donor(session, principal, actor, donor_id, changes))
