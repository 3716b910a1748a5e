"""Importing a commune's beneficiary list: each row becomes a proposed beneficiary of one unit, checked
by the registry's own rules (`cleaning.clean_fields`) and compared with the one duplicate check
(`matching.Matcher`), with the registered records and with the rows above it in the same file.

- A row is created; or created as a likely duplicate of the records or rows it names (an open
  suspicion for each, for a coordinator to judge); or not created because the same person is there
  already (the same CCCD number; without one, the same name, year of birth and hamlet in the unit),
  so that importing a file twice creates nothing new; or refused, with what is wrong in its cells.
- A dry run and the import decide through the same `_plan`; the dry run stops before writing.
- CCCD numbers and health details are sensitive data (Decree 13/2023/NĐ-CP): a file that maps such a
  column is refused whole unless the unit declares it holds every row's signed consent form (to
  support and to sensitive data), which is then recorded as each created record's consent.
- The import is one transaction, and one audit event with its counts and file name.

A list uploaded through the pages is kept (`BeneficiaryImport`) between its dry run and its import,
which may be served by another app process, and deleted once imported or a day after its upload.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from charity.access import Principal
from charity.audit.service import Actor, record
from charity.beneficiaries import cleaning, duplicates, import_file, registry
from charity.beneficiaries.import_file import SENSITIVE_COLUMNS, BadCell, Sheet
from charity.beneficiaries.import_schemas import (
    ImportCounts,
    ImportMatchOut,
    ImportOutcome,
    ImportReport,
    ImportRowOut,
    RowError,
)
from charity.beneficiaries.matching import Match, Matcher
from charity.beneficiaries.privacy import code_of
from charity.beneficiaries.schemas import ConsentIn
from charity.errors import Invalid, NotFound, TooLarge
from charity.models import (
    Beneficiary,
    BeneficiaryCategory,
    BeneficiaryImport,
    BeneficiaryKind,
    BeneficiaryStatus,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    DuplicateSuspicion,
    HardshipCategory,
    Sex,
    Unit,
    utcnow,
)
from charity.text import clean, fold, typed

# What the declared signed forms consented to: support, and keeping the CCCD number and health details.
DECLARED_PURPOSES = [ConsentPurpose.SUPPORT, ConsentPurpose.SENSITIVE_DATA]
# Candidates looked up at once: each brings its CCCD number and phone as bound parameters, which
# SQLite and PostgreSQL both cap at 32,766 a statement.
KEPT_FOR = timedelta(days=1)
NO_UPLOAD = "Không có tệp tải lên này (tệp đã được nhập, hoặc đã quá một ngày): hãy tải tệp lên lại."


@dataclass(frozen=True, slots=True)
class Upload:
    """A list to import: the file, the column mapping (None: found from the headers) and the day of
    the signed consent forms the unit declared it holds for every row (None: no declaration)."""

    file_name: str
    content: bytes
    mapping: dict[str, str] | None
    consent_given_on: date | None


def file_name_of(name: str | None) -> str:
    """A file name as the report and the audit log say it."""
    name = clean(name or "")
    return name[:255] if name and typed(name) else "(không tên)"


def parse_mapping(text: str) -> dict[str, str] | None:
    """A mapping sent as JSON text ({"name": "Họ và tên", …}); empty: found from the headers."""
    if not text.strip():
        return None
    try:
        mapping = json.loads(text)
    except ValueError:
        mapping = None
    if not isinstance(mapping, dict):
        raise Invalid(
            'Cách ghép cột phải là JSON dạng {"name": "Họ và tên", "birth_year": "Năm sinh"}.',
            field="mapping",
        )
    return mapping


# ---------------------------------------------------------------------------- deciding


@dataclass(frozen=True, slots=True)
class Prepared:
    """What an import refuses or accepts as a whole, checked before any row is."""

    unit: Unit
    sheet: Sheet
    mapping: dict[str, str]
    consent: cleaning.CleanConsent | None
    file_name: str


@dataclass(slots=True)
class Planned:
    row: int
    name: str
    outcome: ImportOutcome
    fields: cleaning.CleanBeneficiary | None = None
    # Others are registered records (their ids) or rows of the file (minus their row numbers).
    matches: list[Match] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


async def prepare(session: AsyncSession, principal: Principal, unit_id: int, upload: Upload) -> Prepared:
    """The unit (a coordinator's), the file read, the columns mapped and the consent declared."""
    unit = await registry.unit_in(
        session, (await registry.scopes_of(session, principal)).coordinator, unit_id
    )
    if len(upload.content) > import_file.MAX_BYTES:
        raise TooLarge(
            f"Tệp lớn hơn {import_file.MAX_BYTES_TEXT}: chia danh sách thành nhiều tệp.", field="file"
        )
    sheet = import_file.read_sheet(upload.content, upload.file_name)
    mapping = (
        import_file.detect_mapping(sheet.headers)
        if upload.mapping is None
        else import_file.check_mapping(upload.mapping, sheet.headers)
    )
    if "name" not in mapping:
        raise Invalid(
            "Không thấy cột họ và tên (ví dụ “Họ và tên” hay “Họ tên chủ hộ”): đặt tên cột như vậy,"
            " hoặc ghép cột cho trường Họ và tên.",
            field="mapping",
        )
    consent = (
        cleaning.clean_consent(
            ConsentIn(
                purposes=DECLARED_PURPOSES, method=ConsentMethod.SIGNED_FORM, given_on=upload.consent_given_on
            ),
            "consent_",
        )
        if upload.consent_given_on is not None
        else None
    )
    sensitive = [mapping[name] for name in SENSITIVE_COLUMNS if name in mapping]
    if sensitive and consent is None:
        raise Invalid(
            f"Tệp có cột “{sensitive[0]}”. {cleaning.SENSITIVE_REFUSAL} Khi nhập từ tệp: xác nhận đơn vị"
            " giữ phiếu đồng ý có chữ ký của từng người trong danh sách (kèm ngày ký), hoặc bỏ cột này"
            " khỏi tệp.",
            field="signed_consent",
            code="consent_required",
        )
    return Prepared(unit, sheet, mapping, consent, file_name_of(upload.file_name))


def _read_row(
    number: int, values: tuple[Any, ...], columns: dict[str, tuple[str, int]], categories: dict[str, int]
) -> Planned:
    """A row's cells, checked; refused with every cell found wrong, and the registry's first rule broken."""
    errors: list[RowError] = []

    def cell(name: str, convert: Any, default: Any) -> Any:
        if name not in columns:
            return default
        header, index = columns[name]
        try:
            return convert(values[index] if index < len(values) else None)
        except BadCell as error:
            errors.append(RowError(name, header, str(error)))
            return default

    name = cell("name", import_file.typed_text, "")
    birth_year, birth_date = cell("birth_year", import_file.birth_of, (None, None))
    birth_date = cell("birth_date", lambda v: import_file.day_of(v, "Ngày sinh"), None) or birth_date
    try:
        fields = cleaning.clean_fields(
            kind=cell("kind", import_file.kind_of, BeneficiaryKind.HOUSEHOLD),
            name=name,
            sex=cell("sex", import_file.sex_of, Sex.UNKNOWN),
            birth_year=birth_year,
            birth_date=birth_date,
            hamlet=cell("hamlet", import_file.typed_text, ""),
            address=cell("address", import_file.typed_text, ""),
            phone=cell("phone", lambda v: import_file.digits_of(v, 10), ""),
            id_number=cell("id_number", lambda v: import_file.digits_of(v, 12), ""),
            poor_cert_number=cell("poor_cert_number", import_file.typed_text, ""),
            poor_cert_year=cell("poor_cert_year", lambda v: import_file.year_of(v, "Năm cấp"), None),
            circumstances=cell("circumstances", import_file.typed_text, ""),
            health=cell("health", import_file.typed_text, ""),
            category_ids=cell("categories", lambda v: import_file.categories_of(v, categories), []),
            members=(),
        )
    except Invalid as error:
        broken = error.field or ""
        # A date of birth may come from the "Năm sinh" column.
        holder = "birth_year" if broken == "birth_date" and broken not in columns else broken
        errors.append(RowError(broken, columns.get(holder, ("", 0))[0], error.message))
        fields = None
    shown = clean(name)[:200]
    if errors or fields is None:
        return Planned(number, shown, ImportOutcome.REFUSED, errors=errors)
    return Planned(number, fields.name, ImportOutcome.CREATE, fields=fields)


def _same_person(fields: cleaning.CleanBeneficiary) -> tuple[str, int | None, str]:
    """Who a row without a CCCD number is, for telling that the unit has them already."""
    return fields.name_key, fields.birth_year, fold(fields.hamlet)


async def _plan(session: AsyncSession, prepared: Prepared) -> list[Planned]:
    """What happens to each row: the one decision that both the dry run and the import carry out."""
    headers = prepared.sheet.headers
    columns = {name: (header, headers.index(header)) for name, header in prepared.mapping.items()}
    categories = dict((await session.execute(select(HardshipCategory.key, HardshipCategory.id))).all())
    plans = [_read_row(number, values, columns, categories) for number, values in prepared.sheet.rows]
    unit_id = prepared.unit.id
    accepted = [(p, p.fields) for p in plans if p.fields is not None]
    candidates = [fields.known(-p.row, unit_id) for p, fields in accepted]
    registered = await duplicates.known_like(session, candidates)
    matcher = Matcher(registered)
    by_id_number = {known.id_number: known.id for known in registered if known.id_number}
    by_person: dict[tuple[str, int | None, str], int] = {}
    for record_id, name_key, birth_year, hamlet in await session.execute(
        select(Beneficiary.id, Beneficiary.name_key, Beneficiary.birth_year, Beneficiary.hamlet).where(
            Beneficiary.unit_id == unit_id, Beneficiary.status != BeneficiaryStatus.ERASED
        )
    ):
        by_person.setdefault((name_key, birth_year, fold(hamlet)), record_id)
    for (planned, fields), candidate in zip(accepted, candidates, strict=True):
        if fields.id_number:
            there = by_id_number.get(fields.id_number)
            match = Match(there, on_id_number=True) if there is not None else None
        else:
            there = by_person.get(_same_person(fields))
            match = Match(there, on_name=True, name_score=100) if there is not None else None
        if match is not None:
            planned.outcome, planned.matches = ImportOutcome.EXISTS, [match]
            continue
        planned.matches = matcher.find(candidate)
        if planned.matches:
            planned.outcome = ImportOutcome.DUPLICATE
        matcher.add(candidate)
        if fields.id_number:
            by_id_number[fields.id_number] = candidate.id
        by_person.setdefault(_same_person(fields), candidate.id)
    return plans


# ---------------------------------------------------------------------------- writing


async def _write(
    session: AsyncSession, principal: Principal, prepared: Prepared, plans: list[Planned]
) -> dict[int, int]:
    """Insert the rows to create, in bulk, with their categories, consents and suspicions; the id
    each row was given, by row number."""
    created = [p for p in plans if p.outcome in (ImportOutcome.CREATE, ImportOutcome.DUPLICATE)]
    if not created:
        return {}
    now = utcnow()
    base = {
        "unit_id": prepared.unit.id,
        "status": BeneficiaryStatus.PROPOSED.value,
        "proposed_by": principal.user_id,
        "proposed_at": now,
        "updated_at": now,
    }
    fields = [p.fields for p in created if p.fields is not None]
    ids = (
        await session.execute(
            insert(Beneficiary).returning(Beneficiary.id, sort_by_parameter_order=True),
            [base | cleaning.columns_of(f) for f in fields],
        )
    ).scalars()
    id_of = {p.row: beneficiary_id for p, beneficiary_id in zip(created, ids, strict=True)}
    categories = [
        {"beneficiary_id": id_of[p.row], "category_id": c}
        for p, f in zip(created, fields, strict=True)
        for c in f.category_ids
    ]
    if categories:
        await session.execute(insert(BeneficiaryCategory), categories)
    if prepared.consent is not None:
        await session.execute(
            insert(Consent),
            [cleaning.consent_values(id_of[p.row], prepared.consent, principal.user_id) for p in created],
        )
    suspicions = []
    for p in created:
        for m in p.matches:
            first, second = duplicates.pair(
                id_of[p.row], id_of[-m.other_id] if m.other_id < 0 else m.other_id
            )
            suspicions.append(
                {
                    "first_id": first,
                    "second_id": second,
                    "on_id_number": m.on_id_number,
                    "on_phone": m.on_phone,
                    "on_name": m.on_name,
                    "name_score": m.name_score,
                    "found_at": now,
                    "dismissed_at": None,
                    "dismissed_by": None,
                    "dismiss_reason": "",
                }
            )
    if suspicions:
        await session.execute(insert(DuplicateSuspicion), suspicions)
    return id_of


def _counts(plans: list[Planned]) -> ImportCounts:
    counted = dict.fromkeys(ImportOutcome, 0)
    for p in plans:
        counted[p.outcome] += 1
    return ImportCounts(
        create=counted[ImportOutcome.CREATE],
        duplicate=counted[ImportOutcome.DUPLICATE],
        exists=counted[ImportOutcome.EXISTS],
        refused=counted[ImportOutcome.REFUSED],
    )


def _match_out(match: Match, id_of: dict[int, int]) -> ImportMatchOut:
    row = -match.other_id if match.other_id < 0 else None
    record_id = match.other_id if row is None else id_of.get(row)
    return ImportMatchOut(
        code=code_of(record_id) if record_id is not None else None,
        row=row,
        on_id_number=match.on_id_number,
        on_phone=match.on_phone,
        on_name=match.on_name,
        name_score=match.name_score,
    )


def _report(
    prepared: Prepared, plans: list[Planned], id_of: dict[int, int], *, dry_run: bool
) -> ImportReport:
    mapped = set(prepared.mapping.values())
    return ImportReport(
        dry_run=dry_run,
        file_name=prepared.file_name,
        unit_id=prepared.unit.id,
        unit_name=prepared.unit.name,
        mapping=prepared.mapping,
        ignored_columns=[h for h in prepared.sheet.headers if h and h not in mapped],
        consent_given_on=prepared.consent.given_on if prepared.consent else None,
        counts=_counts(plans),
        rows=[
            ImportRowOut(
                row=p.row,
                outcome=p.outcome,
                name=p.name,
                code=code_of(id_of[p.row]) if p.row in id_of else None,
                matches=[_match_out(m, id_of) for m in p.matches],
                errors=p.errors,
            )
            for p in plans
        ],
    )


async def check_import(
    session: AsyncSession, principal: Principal, unit_id: int, upload: Upload
) -> ImportReport:
    """What importing a list into a unit the caller coordinates would do, writing nothing."""
    prepared = await prepare(session, principal, unit_id, upload)
    return _report(prepared, await _plan(session, prepared), {}, dry_run=True)


async def run_import(
    session: AsyncSession, principal: Principal, actor: Actor, unit_id: int, upload: Upload
) -> ImportReport:
    """Import a list into a unit the caller coordinates: what `check_import` says, done."""
    prepared = await prepare(session, principal, unit_id, upload)
    await registry.lock_registry(session, prepared.unit.id)
    plans = await _plan(session, prepared)
    id_of = await _write(session, principal, prepared, plans)
    counts = _counts(plans)
    await record(
        session,
        actor,
        "beneficiary.import",
        object_type="unit",
        object_id=prepared.unit.id,
        unit_id=prepared.unit.id,
        after={
            "file_name": prepared.file_name,
            "rows": len(plans),
            "created": counts.create,
            "duplicate": counts.duplicate,
            "exists": counts.exists,
            "refused": counts.refused,
            "consent_given_on": prepared.consent.given_on.isoformat() if prepared.consent else None,
        },
    )
    return _report(prepared, plans, id_of, dry_run=False)


# ---------------------------------------------------------------------------- uploads kept for the pages


async def keep_upload(session: AsyncSession, principal: Principal, unit_id: int, upload: Upload) -> str:
    """Keep a list that is acceptable as a whole until it is imported; its token. Lists kept longer
    than a day are deleted now: they hold personal data nobody went on to import."""
    prepared = await prepare(session, principal, unit_id, upload)
    await session.execute(delete(BeneficiaryImport).where(BeneficiaryImport.created_at < utcnow() - KEPT_FOR))
    token = secrets.token_urlsafe(24)
    await session.execute(
        insert(BeneficiaryImport).values(
            token=token,
            unit_id=prepared.unit.id,
            uploaded_by=principal.user_id,
            file_name=prepared.file_name,
            content=upload.content,
            mapping=json.dumps(upload.mapping, ensure_ascii=False) if upload.mapping is not None else "",
            consent_given_on=upload.consent_given_on,
            created_at=utcnow(),
        )
    )
    return token


async def kept_upload(session: AsyncSession, principal: Principal, token: str) -> tuple[int, Upload]:
    """A list the caller uploaded less than a day ago, and its unit; anyone else's answers 404."""
    kept = (
        await session.execute(
            select(BeneficiaryImport).where(
                BeneficiaryImport.token == token,
                BeneficiaryImport.uploaded_by == principal.user_id,
                BeneficiaryImport.created_at >= utcnow() - KEPT_FOR,
            )
        )
    ).scalar_one_or_none()
    if kept is None:
        raise NotFound(NO_UPLOAD)
    mapping = json.loads(kept.mapping) if kept.mapping else None
    return kept.unit_id, Upload(kept.file_name, kept.content, mapping, kept.consent_given_on)


async def remap_kept(
    session: AsyncSession, principal: Principal, token: str, mapping: dict[str, str]
) -> None:
    """Change the column mapping of a kept list, once the list is acceptable with it."""
    unit_id, upload = await kept_upload(session, principal, token)
    prepared = await prepare(
        session,
        principal,
        unit_id,
        Upload(upload.file_name, upload.content, mapping, upload.consent_given_on),
    )
    await session.execute(
        update(BeneficiaryImport)
        .where(BeneficiaryImport.token == token)
        .values(mapping=json.dumps(prepared.mapping, ensure_ascii=False))
    )


async def import_kept(session: AsyncSession, principal: Principal, actor: Actor, token: str) -> ImportReport:
    """Import a kept list, then forget it."""
    unit_id, upload = await kept_upload(session, principal, token)
    report = await run_import(session, principal, actor, unit_id, upload)
    await session.execute(delete(BeneficiaryImport).where(BeneficiaryImport.token == token))
    return report
