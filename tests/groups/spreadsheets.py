import io

from openpyxl import Workbook


def xlsx(rows: list[list[object]], *, title: str | None = None) -> bytes:
    """A real .xlsx file as Excel writes it, optionally with a title row above the header."""
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
