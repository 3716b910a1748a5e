"""JSON API: importing a commune's beneficiary list from an XLSX or CSV file, with a dry run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from litestar import post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.status_codes import HTTP_200_OK

from charity.beneficiaries import import_file, importing
from charity.beneficiaries.api import COORDINATE
from charity.beneficiaries.import_schemas import ImportReport
from charity.errors import Invalid
from charity.requests import Acting, Caller, DbSession


@dataclass
class ImportForm:
    """The file (XLSX, first sheet; or CSV in UTF-8), the unit whose list it is, the column mapping as
    JSON text ({"name": "Họ và tên", …}; empty: found from the headers), and whether the unit holds
    every row's consent form signed on `consent_given_on`, to support and to sensitive data."""

    file: UploadFile
    unit_id: int
    mapping: str = ""
    signed_consent: bool = False
    consent_given_on: date | None = None


async def upload_of(form: ImportForm) -> importing.Upload:
    """What the form sent, read up to just past the size limit."""
    if form.signed_consent and form.consent_given_on is None:
        raise Invalid("Cần ghi ngày ký phiếu đồng ý.", field="consent_given_on")
    return importing.Upload(
        file_name=form.file.filename,
        content=await form.file.read(import_file.MAX_BYTES + 1),
        mapping=importing.parse_mapping(form.mapping),
        consent_given_on=form.consent_given_on if form.signed_consent else None,
    )


@post(
    "/api/beneficiaries/import",
    opt=COORDINATE,
    status_code=HTTP_200_OK,
    tags=["beneficiaries"],
    summary="Import beneficiaries from a file",
)
async def import_beneficiaries(
    session: DbSession,
    principal: Caller,
    actor: Acting,
    data: Annotated[ImportForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    dry_run: FromQuery[bool] = True,
) -> ImportReport:
    """A commune's list (at most 5 MB and 20,000 rows) becomes proposed beneficiaries of a unit the
    caller coordinates (404 otherwise). Each row answers `create`, `duplicate` (created, with an open
    suspicion for each record or earlier row it may be), `exists` (not created: the same CCCD number,
    or without one the same name, birth year and hamlet, is registered) or `refused` (with `errors`).
    With `dry_run` (the default) nothing is written; without, the accepted rows are created in one
    transaction. A CCCD or health column needs `signed_consent` with `consent_given_on` (422
    `consent_required`): each created record gets that consent to support and to sensitive data."""
    upload = await upload_of(data)
    if dry_run:
        return await importing.check_import(session, principal, data.unit_id, upload)
    return await importing.run_import(session, principal, actor, data.unit_id, upload)


routes = [import_beneficiaries]
