"""Reading and writing the spreadsheets wards keep (XLSX or CSV, UTF-8 or the old Vietnamese code page).

Reading gives every cell as cleaned text and refuses in words a file that is not a spreadsheet, or one too large
to read: the member and the campaign imports read their lists through here, and any group leader can upload, so
every read is bounded before its cells are read. An XLSX declares its size (the `<dimension>` of the sheet, the
uncompressed size of each part of the archive); those are checked first, then the rows are streamed with a cap
on columns and lines, so a sheet of one cell in column XFD on 20,000 rows is refused at once instead of being
expanded to 300 million empty cells.

An import's life is the same for every list: upload (upload_read bounds the file before it is read), read, find
the header among the first rows (header_find), check every row and keep the checked rows as a preview, commit
them in one transaction, or let the preview expire after IMPORT_KEEP: a preview holds residents' names and phone
numbers, which nobody should keep who did not import them.

Writing makes what a resident or an officer typed safe for a spreadsheet: no formula run from a cell, no
character openpyxl refuses, sheet titles without the characters Excel forbids."""

import csv
import io
import re
import zipfile
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from portal.common.text import normalize_spaces

# No ward list has more columns than this; anything past it is not part of the table.
MAX_COLUMNS = 64
# Declared rows × columns above this is refused before a cell is read (a real list: 20,000 rows of 10 columns).
CELL_BUDGET = 2_000_000
# Uncompressed parts of an XLSX above this are refused before they are parsed (a zip of repeated XML packs
# a thousand to one, so the file's own size says little).
XML_BUDGET = 64 * 1024 * 1024
# How long a preview nobody committed is kept before its rows are dropped.
IMPORT_KEEP = timedelta(hours=24)
# Lists often start with a title and a date: the header is looked for among this many first rows.
HEADER_ROWS = 10
# Lines read at the most, empty ones included (a list's data rows plus a title and a few blank lines).
_LINE_MARGIN = 1000


def _not_a_sheet() -> ValidationError:
    return ValidationError(_("This file is not a spreadsheet. Please choose an .xlsx or .csv file."))


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize_spaces(str(value))


def _too_many_rows() -> ValidationError:
    return ValidationError(
        _("The sheet has more than %(max)s rows; at most %(max)s can be imported at once. Split it into smaller files.")
        % {"max": settings.IMPORT_MAX_ROWS}
    )


def _too_wide(columns: int) -> ValidationError:
    return ValidationError(
        _(
            "The sheet reaches column %(columns)s; a list has at most %(max)s columns. Delete the columns to the "
            "right of the table (or copy the table into a new sheet) and try again."
        )
        % {"columns": columns, "max": MAX_COLUMNS}
    )


def _trimmed(values: Any) -> list[str]:
    row = [cell_text(v) for v in values]
    while row and not row[-1]:
        row.pop()
    return row


def _max_lines() -> int:
    return settings.IMPORT_MAX_ROWS + _LINE_MARGIN


def _read_xlsx(content: bytes) -> list[list[str]]:
    if not content.startswith(b"PK"):
        raise _not_a_sheet()
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _not_a_sheet() from None
    if unpacked > XML_BUDGET:
        raise ValidationError(
            _("The file unpacks to more than %(max)s MB; a list of residents is far smaller. Please check the file.")
            % {"max": XML_BUDGET // (1024 * 1024)}
        )
    try:
        # Formulas are read as they are written ("=1+1"), never as a value someone else's Excel worked out:
        # a number that is not written is not a number the portal records.
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # openpyxl raises anything from KeyError to TypeError on a broken file
        raise _not_a_sheet() from None
    try:
        if not workbook.worksheets:
            raise _not_a_sheet()
        sheet = workbook.worksheets[0]
        columns = getattr(sheet, "max_column", None) or 0
        lines = getattr(sheet, "max_row", None) or 0
        if lines > _max_lines():
            raise _too_many_rows()
        if columns > MAX_COLUMNS and columns * max(lines, 1) > CELL_BUDGET:
            raise _too_wide(columns)
        rows = []
        # max_col bounds what each line is expanded to, whatever the sheet declares or leaves undeclared.
        for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            rows.append(_trimmed(values))
            if len(rows) > _max_lines():
                raise _too_many_rows()
        return rows
    except ValidationError:
        raise
    except Exception:  # a part of the archive that is not what it says
        raise _not_a_sheet() from None
    finally:
        workbook.close()


def _read_csv(content: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1258 decodes nearly anything
        raise _not_a_sheet()
    if "\x00" in text:
        raise _not_a_sheet()
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    rows = []
    try:
        for values in csv.reader(io.StringIO(text), dialect):
            row = _trimmed(values[: MAX_COLUMNS * 4])
            if len(row) > MAX_COLUMNS:
                raise _too_wide(len(row))
            rows.append(row)
            if len(rows) > _max_lines():
                raise _too_many_rows()
    except csv.Error:
        raise _not_a_sheet() from None
    return rows


def read_table(*, name: str, content: bytes) -> list[list[str]]:
    """The first sheet's lines, each a list of cell texts without its empty cells at the end. Refused in words:
    not a spreadsheet, larger than PORTAL_IMPORT_MAX_BYTES, more lines than the import takes, too wide."""
    if len(content) > settings.IMPORT_MAX_BYTES:
        raise _too_large()
    if not content:
        raise ValidationError(_("The file is empty."))
    lower = (name or "").lower()
    if lower.endswith(".xls"):
        raise ValidationError(
            _("The old .xls format is not supported. In Excel, choose Save As → .xlsx and try again.")
        )
    if lower.endswith(".xlsx"):
        return _read_xlsx(content)
    if lower.endswith(".csv"):
        return _read_csv(content)
    raise _not_a_sheet()


def _too_large() -> ValidationError:
    return ValidationError(
        _("The file is too large (%(max)s MB at most).") % {"max": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
    )


def upload_read(upload: Any) -> tuple[str, bytes]:
    """The name and content of an uploaded list, refused in words when none was chosen or when it is larger
    than PORTAL_IMPORT_MAX_BYTES, before a byte of it is read."""
    if upload is None:
        raise ValidationError(_("Please choose the file (.xlsx or .csv)."))
    if upload.size and upload.size > settings.IMPORT_MAX_BYTES:
        raise _too_large()
    return upload.name or "", upload.read(settings.IMPORT_MAX_BYTES + 1)


def header_find(
    table: list[list[str]], column_for: Callable[[str], str | None], required: set[str], missing: str
) -> tuple[dict[str, int], int, list[list[str]]]:
    """The header of a list: the first of its first rows where `column_for` (a header's text → the column's name,
    or None) names every required column. Returns each named column's position (the first cell naming it), the
    header's index in the table, and the rows under it; refused with `missing` when no row will do."""
    for index, row in enumerate(table[:HEADER_ROWS]):
        found: dict[str, int] = {}
        for position, header in enumerate(row):
            name = column_for(header)
            if name and name not in found:
                found[name] = position
        if required <= found.keys():
            return found, index, table[index + 1 :]
    raise ValidationError(missing)


def rows_bound(count: int) -> None:
    """Refuses a list with more rows than one import takes (PORTAL_IMPORT_MAX_ROWS), saying how many it has."""
    if count > settings.IMPORT_MAX_ROWS:
        raise ValidationError(
            _("The file has %(count)s rows; at most %(max)s can be imported at once.")
            % {"count": count, "max": settings.IMPORT_MAX_ROWS}
        )


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def xml_text(value: str) -> str:
    """Text an Office file's XML can carry: the control characters it cannot (pasted from a chat) are dropped."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def cell_safe(value: str) -> str:
    """A text cell that a spreadsheet shows as written: "=HYPERLINK(...)" stays text, and the control characters
    XML cannot carry are dropped."""
    value = xml_text(value)
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str, *, fallback: str = "Danh sách") -> str:
    """A sheet's title from a group's name: Excel forbids []:*?/\\ and a leading or trailing apostrophe, and
    takes 31 characters at most ("Tổ 7/8" → "Tổ 7-8")."""
    title = ILLEGAL_CHARACTERS_RE.sub("", _TITLE_FORBIDDEN.sub("-", name or ""))
    title = normalize_spaces(title)[:31].strip("' ")
    return title or fallback
