"""The beneficiary lists communes already keep, read from an Excel (XLSX) or CSV file, with no web or
database knowledge: the sheet's rows, which column holds which field (told, or found from the
headers people write: "Họ và tên", "Năm sinh", "Thôn/Ấp", "SĐT", "Số CCCD", "Diện"…), and each cell
turned into what the registry's own checks take."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import openpyxl

from charity.errors import Invalid
from charity.fields import UNTYPED
from charity.models import BeneficiaryKind, Sex
from charity.text import clean, fold, typed

MAX_BYTES = 5 * 1024 * 1024
MAX_BYTES_TEXT = "5 MB"
MAX_ROWS = 20_000
# Columns read from a sheet: a commune's list has a dozen; a sheet with thousands is not one.
MAX_COLUMNS = 60
XLSX_MAGIC = b"PK\x03\x04"
# The compound file of Excel 97–2003 (.xls), which openpyxl does not read.
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CSV_DELIMITERS = ",;\t"
SAVE_AS_CSV_UTF8 = "trong Excel chọn Tệp → Lưu thành → “CSV UTF-8 (Comma delimited) (*.csv)”"


@dataclass(frozen=True, slots=True)
class Column:
    """A field an import fills, what it is called on the page, and the headers (folded, punctuation
    as spaces) that name it in the lists people keep."""

    label: str
    headers: tuple[str, ...]


COLUMNS: dict[str, Column] = {
    "name": Column(
        "Họ và tên",
        (
            "ho va ten",
            "ho ten",
            "ho va ten chu ho",
            "ho ten chu ho",
            "ten chu ho",
            "chu ho",
            "ho va ten doi tuong",
            "ho ten doi tuong",
        ),
    ),
    "kind": Column("Loại (hộ hay cá nhân)", ("loai", "loai doi tuong", "ho ca nhan")),
    "sex": Column("Giới tính", ("gioi tinh", "gioi", "nam nu")),
    "birth_year": Column("Năm sinh", ("nam sinh", "nam sinh chu ho")),
    "birth_date": Column("Ngày sinh", ("ngay sinh", "ngay thang nam sinh")),
    "hamlet": Column(
        "Thôn, ấp, tổ", ("thon ap", "thon", "ap", "thon ap to", "thon to", "to", "khu pho", "thon xom", "xom")
    ),
    "address": Column("Địa chỉ", ("dia chi", "noi o", "dia chi thuong tru", "noi cu tru")),
    "phone": Column("Số điện thoại", ("so dien thoai", "dien thoai", "sdt", "so dt", "dt")),
    "id_number": Column(
        "Số CCCD",
        ("so cccd", "cccd", "so can cuoc", "so can cuoc cong dan", "so dinh danh", "so dinh danh ca nhan"),
    ),
    "categories": Column(
        "Diện hoàn cảnh", ("dien", "dien hoan canh", "dien doi tuong", "dien ho tro", "dien chinh sach")
    ),
    "circumstances": Column("Hoàn cảnh", ("hoan canh", "hoan canh gia dinh", "hoan canh cu the")),
    "health": Column(
        "Sức khỏe, khuyết tật",
        ("suc khoe", "tinh trang suc khoe", "khuyet tat", "suc khoe khuyet tat", "dang tat"),
    ),
    "poor_cert_number": Column(
        "Số giấy chứng nhận hộ nghèo",
        ("so gcn ho ngheo", "so gcn", "so giay chung nhan ho ngheo", "so giay chung nhan", "so so ho ngheo"),
    ),
    "poor_cert_year": Column(
        "Năm cấp giấy chứng nhận", ("nam cap", "nam cap gcn", "nam cap giay chung nhan")
    ),
}
# Whose content is sensitive data (Decree 13/2023/NĐ-CP): kept only with consent to it.
SENSITIVE_COLUMNS = ("id_number", "health")
_PUNCTUATION = re.compile(r"[\s/\\,.;:()\[\]\-–_*#]+")
_YEAR = re.compile(r"\d{4}")
_DAY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_LIST = re.compile(r"[,;\n]")


def header_key(text: str) -> str:
    """A header as detection compares it: "Thôn/Ấp", "Thôn, ấp" and "THÔN ẤP" are one."""
    return _PUNCTUATION.sub(" ", fold(text)).strip()


_BY_HEADER = {header: field for field, column in COLUMNS.items() for header in column.headers}


@dataclass(frozen=True, slots=True)
class Sheet:
    """The header row and the rows below it that hold anything, each with its row number in the sheet."""

    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[Any, ...]], ...]


def _refused(message: str) -> Invalid:
    return Invalid(message, field="file")


def _xlsx_rows(content: bytes) -> Iterator[tuple[Any, ...]]:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        raise _refused(
            "Không đọc được tệp Excel này (tệp hỏng hoặc không phải .xlsx): mở bằng Excel và lưu lại."
        ) from None
    try:
        if not workbook.worksheets:
            return
        yield from workbook.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS)
    except Invalid:
        raise
    except Exception:
        raise _refused("Không đọc hết được tệp Excel này (tệp hỏng): mở bằng Excel và lưu lại.") from None
    finally:
        workbook.close()


def _csv_rows(content: bytes) -> Iterator[tuple[Any, ...]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refused(
            f"Tệp CSV không phải bảng mã UTF-8 (chữ có dấu sẽ bị sai): {SAVE_AS_CSV_UTF8}, rồi tải lên lại."
        ) from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    # Excel writes the list separator of the computer's region: a comma, or a semicolon where the
    # comma is the decimal sign, as in Vietnamese settings.
    delimiter = max(CSV_DELIMITERS, key=first.count)
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            yield tuple(record[:MAX_COLUMNS])
    except csv.Error:
        raise _refused(f"Tệp CSV sai định dạng: {SAVE_AS_CSV_UTF8}, rồi tải lên lại.") from None


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_sheet(content: bytes, file_name: str) -> Sheet:
    """The first sheet of an XLSX file, or a CSV file in UTF-8; its header row is its first row that
    holds anything. Refused (422, field `file`): another format, a damaged file, more than MAX_ROWS rows."""
    if content.startswith(XLS_MAGIC):
        raise _refused(
            "Tệp .xls (Excel 97–2003) không đọc được: mở bằng Excel, lưu thành .xlsx rồi tải lên lại."
        )
    if content.startswith(XLSX_MAGIC):
        rows = _xlsx_rows(content)
    elif file_name.lower().endswith((".xlsx", ".xlsm")):
        raise _refused("Tệp này không phải tệp Excel .xlsx hợp lệ: mở bằng Excel và lưu lại.")
    else:
        rows = _csv_rows(content)
    headers: tuple[str, ...] | None = None
    kept: list[tuple[int, tuple[Any, ...]]] = []
    for number, values in enumerate(rows, start=1):
        if all(_is_empty(value) for value in values):
            continue
        if headers is None:
            headers = tuple(clean(text_of(value)) for value in values)
            continue
        if len(kept) == MAX_ROWS:
            raise _refused(f"Tệp có hơn {MAX_ROWS:,} dòng: chia danh sách thành nhiều tệp.".replace(",", "."))
        kept.append((number, tuple(values)))
    if headers is None:
        raise _refused("Tệp không có dòng nào.")
    return Sheet(headers, tuple(kept))


# ---------------------------------------------------------------------------- the column mapping


def detect_mapping(headers: tuple[str, ...]) -> dict[str, str]:
    """Each field whose usual header the sheet has, with that header; the first of equal headers."""
    found: dict[str, str] = {}
    for header in headers:
        field = _BY_HEADER.get(header_key(header))
        if field and field not in found:
            found[field] = header
    return found


def check_mapping(mapping: Mapping[str, Any], headers: tuple[str, ...]) -> dict[str, str]:
    """A mapping the caller sent ({field: header}, a header left empty maps nothing): every field
    known, every header in the sheet, no header for two fields."""
    checked: dict[str, str] = {}
    for field, header in mapping.items():
        if field not in COLUMNS:
            raise Invalid(f"Không có trường “{field}” để ghép cột.", field="mapping")
        if not isinstance(header, str):
            raise Invalid(f"Cột của trường “{field}” phải là tên cột (chữ).", field="mapping")
        header = clean(header)
        if not header:
            continue
        if header not in headers:
            raise Invalid(f"Tệp không có cột “{header}” ({COLUMNS[field].label}).", field="mapping")
        if header in checked.values():
            raise Invalid(f"Cột “{header}” được ghép cho hai trường.", field="mapping")
        checked[field] = header
    return checked


# ---------------------------------------------------------------------------- cells


class BadCell(ValueError):
    """The message says, in Vietnamese, what is wrong with the cell."""


def text_of(value: Any) -> str:
    """A cell as text: a whole number without ".0", a date as the Vietnamese write it."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def typed_text(value: Any) -> str:
    text = text_of(value)
    if not typed(text):
        raise BadCell(UNTYPED)
    return text


def digits_of(value: Any, length: int) -> str:
    """A number Excel stored as a number (a CCCD number, a phone), which lost its leading zero."""
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        return str(int(value)).zfill(length)
    return typed_text(value)


def year_of(value: Any, label: str) -> int | None:
    if _is_empty(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    text = typed_text(value).strip()
    if _YEAR.fullmatch(text):
        return int(text)
    raise BadCell(f"{label} “{text}” không phải một năm (ví dụ 1968).")


def day_of(value: Any, label: str) -> date | None:
    """A date cell, or a date written 15/06/1968."""
    if _is_empty(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = typed_text(value).strip()
    if found := _DAY.fullmatch(text):
        day, month, year = (int(part) for part in found.groups())
        try:
            return date(year, month, day)
        except ValueError:
            pass
    raise BadCell(f"{label} “{text}” không phải một ngày (ví dụ 15/06/1968).")


def birth_of(value: Any) -> tuple[int | None, date | None]:
    """What a "Năm sinh" column holds: a year, or a whole date of birth."""
    if isinstance(value, datetime | date):
        return None, day_of(value, "Năm sinh")
    if isinstance(value, str) and _DAY.fullmatch(value.strip()):
        return None, day_of(value, "Năm sinh")
    return year_of(value, "Năm sinh"), None


_SEXES = {"": Sex.UNKNOWN, "nam": Sex.MALE, "nu": Sex.FEMALE}
_KINDS = {
    "": BeneficiaryKind.HOUSEHOLD,
    "ho": BeneficiaryKind.HOUSEHOLD,
    "ho gia dinh": BeneficiaryKind.HOUSEHOLD,
    "ca nhan": BeneficiaryKind.PERSON,
}


def sex_of(value: Any) -> Sex:
    text = typed_text(value)
    found = _SEXES.get(fold(text))
    if found is None:
        raise BadCell(f"Giới tính “{clean(text)}” không rõ: ghi Nam, Nữ hoặc để trống.")
    return found


def kind_of(value: Any) -> BeneficiaryKind:
    text = typed_text(value)
    found = _KINDS.get(fold(text))
    if found is None:
        raise BadCell(f"Loại “{clean(text)}” không rõ: ghi Hộ, Cá nhân hoặc để trống (là hộ).")
    return found


def categories_of(value: Any, known: Mapping[str, int]) -> list[int]:
    """Category names separated by commas or semicolons, each matched by its folded name."""
    ids = []
    for name in _LIST.split(typed_text(value)):
        if not clean(name):
            continue
        category_id = known.get(fold(name))
        if category_id is None:
            raise BadCell(
                f"Không có diện hoàn cảnh “{clean(name)}”: sửa cho đúng tên diện đã có, hoặc thêm diện"
                " này trước."
            )
        ids.append(category_id)
    return ids
