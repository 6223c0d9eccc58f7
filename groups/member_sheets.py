"""The spreadsheets a group's members go out in: the import template a leader fills in, and the export of a group's
members (cells that a spreadsheet would run as a formula are made plain text)."""

import io
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook

from groups.models import Membership, Ward
from groups.services.imports import EXPORT_HEADERS, ROLE_EXPORT_WORDS
from portal.common.audit import audit_record
from portal.common.phones import national_format
from portal.common.sheets import cell_safe
from portal.models import AuditEvent

# The columns of our export, which the import reads back; Vietnamese, because that is the file's language.


CHANNEL_WORDS = {"sms": "SMS", "zalo": "Zalo", "email": "Email"}


def import_template_xlsx(*, group_name: str) -> bytes:
    """An empty list to fill in: the header the import reads, one example row, and a sheet with the roles and
    channels it understands, so a leader starts from something that imports."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Danh sách")
    sheet.append(EXPORT_HEADERS)
    sheet.append(
        ["Nguyễn Thị Lan (ví dụ, xóa dòng này)", "0912345678", "12 Lê Lợi", cell_safe(group_name), "Cư dân", "", ""]
    )
    values = workbook.create_sheet(title="Giá trị hợp lệ")
    values.append(["Vai trò", "Kênh nhận tin"])
    channels = list(CHANNEL_WORDS.values())
    for index, role in enumerate(ROLE_EXPORT_WORDS.values()):
        values.append([role, channels[index] if index < len(channels) else ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def members_export_xlsx(*, memberships: Iterable[Membership], ward: Ward, by: Any, label: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Thành viên")
    sheet.append(EXPORT_HEADERS)
    count = 0
    for membership in memberships:
        member = membership.member
        household = member.household
        sheet.append(
            [
                cell_safe(v)
                for v in (
                    member.full_name,
                    national_format(member.phone).replace(" ", ""),
                    household.address if household else "",
                    membership.group.name,
                    ROLE_EXPORT_WORDS.get(membership.role, ""),
                    membership.organisation,
                    member.email,
                )
            ]
        )
        count += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    audit_record(
        actor=by,
        action=AuditEvent.Action.EXPORT,
        object_type="groups.member",
        ward=ward,
        summary=f"{label}: {count} rows",
    )
    return buffer.getvalue()
