"""Pages: importing a commune's beneficiary list. The coordinator uploads the file once; it is kept
(see `importing.keep_upload`) while the report says what importing it would do to each row, the
column mapping may be corrected, and "Nhập" imports it, from whichever app process serves that."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.datastructures import FormMultiDict, UploadFile
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from charity import forms
from charity.access import Principal
from charity.beneficiaries import import_file, importing, registry
from charity.beneficiaries.api import COORDINATE
from charity.beneficiaries.import_schemas import ImportOutcome, ImportRowOut
from charity.clock import format_date
from charity.errors import DomainError, Invalid
from charity.fields import PathText, QueryText
from charity.models import Role
from charity.pages import page
from charity.requests import Acting, Caller, DbSession, submit
from charity.units.tree import tree_of

# The report lists every row that needs a look, and the first of those that are fine.
SHOWN_PROBLEMS = 1000
SHOWN_FINE = 200
OUTCOMES = {
    ImportOutcome.CREATE: ("Thêm mới", ""),
    ImportOutcome.DUPLICATE: ("Thêm, nghi trùng", "todo"),
    ImportOutcome.EXISTS: ("Đã có, bỏ qua", "draft"),
    ImportOutcome.REFUSED: ("Không nhập được", "void"),
}


async def _upload_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    notice: str = "",
    status_code: int = 200,
) -> Template:
    return page(
        request,
        "beneficiary_import",
        status_code=status_code,
        title="Nhập danh sách đối tượng từ tệp",
        units=tree_of(await registry.units_for(session, principal, [Role.COORDINATOR])),
        columns=import_file.COLUMNS,
        max_rows=f"{import_file.MAX_ROWS:_}".replace("_", "."),
        max_size=import_file.MAX_BYTES_TEXT,
        values=values or {"unit_id": "", "signed_consent": False, "consent_given_on": ""},
        errors=errors or {},
        notice=notice,
    )


def _notice(created: str, duplicate: str) -> str:
    if not created.isdigit():
        return ""
    text = f"Đã nhập {created} đối tượng (trạng thái đề xuất, chờ bình xét)."
    if duplicate.isdigit() and int(duplicate):
        text += (
            f" {duplicate} đối tượng nghi trùng với người đã có: xem và kết luận trong danh sách nghi trùng."
        )
    return text


@get("/beneficiaries/import", opt=COORDINATE)
async def upload_form(
    request: Request,
    session: DbSession,
    principal: Caller,
    created: QueryText = "",
    duplicate: QueryText = "",
) -> Template:
    return await _upload_page(request, session, principal, notice=_notice(created, duplicate))


async def _upload_of(form: FormMultiDict) -> tuple[int, importing.Upload]:
    file = form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        raise Invalid("Chọn tệp danh sách (.xlsx hoặc .csv).", field="file")
    unit_id = forms.whole_number(forms.text(form, "unit_id"))
    if unit_id is None:
        raise Invalid("Chọn đơn vị có danh sách này.", field="unit_id")
    consent_given_on = None
    if forms.text(form, "signed_consent"):
        raw = forms.text(form, "consent_given_on")
        if not raw.strip():
            raise Invalid("Cần ghi ngày ký phiếu đồng ý.", field="consent_given_on")
        consent_given_on = forms.day(raw, field="consent_given_on", label="Ngày ký phiếu đồng ý")
    content = await file.read(import_file.MAX_BYTES + 1)
    return unit_id, importing.Upload(file.filename, content, None, consent_given_on)


@post("/beneficiaries/import", opt=COORDINATE)
async def upload(request: Request, session: DbSession, principal: Caller) -> Template | Redirect:
    form = await request.form()
    values = {
        "unit_id": forms.text(form, "unit_id"),
        "signed_consent": bool(forms.text(form, "signed_consent")),
        "consent_given_on": forms.text(form, "consent_given_on"),
    }

    async def keep() -> str:
        unit_id, kept = await _upload_of(form)
        return f"/beneficiaries/import/{await importing.keep_upload(session, principal, unit_id, kept)}"

    async def again(error: DomainError) -> Template:
        errors = forms.errors_of(error)
        return await _upload_page(
            request, session, principal, values=values, errors=errors, status_code=error.status_code
        )

    return await submit(session, keep, again)


def _match_text(row: ImportRowOut) -> list[str]:
    said = []
    for match in row.matches:
        who = " – ".join(part for part in (match.code, f"dòng {match.row}" if match.row else None) if part)
        why = (
            "cùng số CCCD"
            if match.on_id_number
            else "cùng số điện thoại"
            if match.on_phone
            else f"tên giống {match.name_score}%, cùng năm sinh"
        )
        said.append(f"{who} ({why})")
    return said


def _row(row: ImportRowOut) -> dict[str, Any]:
    label, badge = OUTCOMES[row.outcome]
    return {
        "row": row.row,
        "label": label,
        "badge": badge,
        "name": row.name,
        "matches": _match_text(row),
        "match_prefix": "Đã có" if row.outcome is ImportOutcome.EXISTS else "Có thể trùng",
        "errors": [f"{error.column or error.field}: {error.message}" for error in row.errors],
    }


async def _report_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    token: str,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    unit_id, upload = await importing.kept_upload(session, principal, token)
    report = await importing.check_import(session, principal, unit_id, upload)
    problems = [r for r in report.rows if r.outcome is not ImportOutcome.CREATE]
    fine = [r for r in report.rows if r.outcome is ImportOutcome.CREATE]
    counts = report.counts
    return page(
        request,
        "beneficiary_import_report",
        status_code=status_code,
        title=f"Kiểm tra trước khi nhập: {report.file_name}",
        report=report,
        token=token,
        file_headers=[*report.mapping.values(), *report.ignored_columns],
        columns=import_file.COLUMNS,
        importable=counts.create + counts.duplicate,
        consent_given_on=format_date(report.consent_given_on) if report.consent_given_on else "",
        problems=[_row(r) for r in problems[:SHOWN_PROBLEMS]],
        more_problems=max(len(problems) - SHOWN_PROBLEMS, 0),
        fine=[_row(r) for r in fine[:SHOWN_FINE]],
        more_fine=max(len(fine) - SHOWN_FINE, 0),
        errors=errors or {},
    )


@get("/beneficiaries/import/{token:str}", opt=COORDINATE)
async def report_page(request: Request, session: DbSession, principal: Caller, token: PathText) -> Template:
    return await _report_page(request, session, principal, token)


@post("/beneficiaries/import/{token:str}/mapping", opt=COORDINATE)
async def remap(
    request: Request, session: DbSession, principal: Caller, token: PathText
) -> Template | Redirect:
    form = await request.form()
    mapping = {name: forms.text(form, f"map_{name}") for name in import_file.COLUMNS}

    async def change() -> str:
        await importing.remap_kept(session, principal, token, mapping)
        return f"/beneficiaries/import/{token}"

    async def again(error: DomainError) -> Template:
        return await _report_page(
            request, session, principal, token, errors=forms.errors_of(error), status_code=error.status_code
        )

    return await submit(session, change, again)


@post("/beneficiaries/import/{token:str}", opt=COORDINATE)
async def run(
    request: Request, session: DbSession, principal: Caller, actor: Acting, token: PathText
) -> Template | Redirect:
    async def change() -> str:
        report = await importing.import_kept(session, principal, actor, token)
        created = report.counts.create + report.counts.duplicate
        return f"/beneficiaries/import?created={created}&duplicate={report.counts.duplicate}"

    async def again(error: DomainError) -> Template:
        return await _report_page(
            request, session, principal, token, errors=forms.errors_of(error), status_code=error.status_code
        )

    return await submit(session, change, again)


routes = [upload_form, upload, report_page, remap, run]
