"""Reading the spreadsheets wards keep (XLSX or CSV, UTF-8 or the old Vietnamese code page): every cell as
cleaned text, refused in words when the file is not a spreadsheet. The member and the campaign imports read
their lists through here."""

import csv
import io
import zipfile
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from portal.text import normalize_spaces


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize_spaces(str(value))


def read_table(*, name: str, content: bytes) -> list[list[str]]:
    lower = name.lower()
    if lower.endswith(".xls"):
        raise ValidationError(
            _("The old .xls format is not supported. In Excel, choose Save As → .xlsx and try again.")
        )
    if lower.endswith(".xlsx"):
        if not content.startswith(b"PK"):
            raise ValidationError(_("This file is not a spreadsheet. Please choose an .xlsx or .csv file."))
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError):
            raise ValidationError(_("This file is not a spreadsheet. Please choose an .xlsx or .csv file.")) from None
        try:
            sheet = workbook.worksheets[0]
            rows = []
            for row in sheet.iter_rows(values_only=True):
                rows.append([cell_text(v) for v in row])
                if len(rows) > settings.IMPORT_MAX_ROWS + 20:
                    break
            return rows
        finally:
            workbook.close()
    if lower.endswith(".csv"):
        for encoding in ("utf-8-sig", "cp1258"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - cp1258 decodes nearly anything
            raise ValidationError(_("This file is not a spreadsheet. Please choose an .xlsx or .csv file."))
        if "\x00" in text:
            raise ValidationError(_("This file is not a spreadsheet. Please choose an .xlsx or .csv file."))
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel  # type: ignore[assignment]
        return [[cell_text(v) for v in row] for row in csv.reader(io.StringIO(text), dialect)]
    raise ValidationError(_("This file is not a spreadsheet. Please choose an .xlsx or .csv file."))
