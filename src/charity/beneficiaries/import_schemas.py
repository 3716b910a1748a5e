"""What an import of a beneficiary list answers: what happened, or would happen, to each row."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import msgspec


class ImportOutcome(StrEnum):
    CREATE = "create"  # a new record, proposed
    DUPLICATE = "duplicate"  # a new record, which may be someone already registered: a suspicion is open
    EXISTS = "exists"  # not created: the same person is registered (or an earlier row of the file)
    REFUSED = "refused"  # not created: the row breaks a rule, said in `errors`


class ImportMatchOut(msgspec.Struct):
    """Whom a row may be: a registered record (its `code`) or an earlier row of the same file (its
    `row`; in the real run, with the `code` it was given)."""

    code: str | None
    row: int | None
    on_id_number: bool
    on_phone: bool
    on_name: bool
    name_score: int


class RowError(msgspec.Struct):
    """What is wrong with one cell: the field, the file's column that holds it, and why."""

    field: str
    column: str
    message: str


class ImportRowOut(msgspec.Struct):
    """A row by its number in the sheet (the header is usually row 1); `code` is the created record's."""

    row: int
    outcome: ImportOutcome
    name: str
    code: str | None
    matches: list[ImportMatchOut]
    errors: list[RowError]


class ImportCounts(msgspec.Struct):
    create: int
    duplicate: int
    exists: int
    refused: int


class ImportReport(msgspec.Struct):
    """An import's report: with `dry_run` nothing was written. `mapping` is which column of the file
    filled each field ({field: header}); `ignored_columns` are the file's other columns."""

    dry_run: bool
    file_name: str
    unit_id: int
    unit_name: str
    mapping: dict[str, str]
    ignored_columns: list[str]
    consent_given_on: date | None
    counts: ImportCounts
    rows: list[ImportRowOut]
