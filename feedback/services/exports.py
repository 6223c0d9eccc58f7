"""Files made from residents' reports for someone to take away: each is recorded in the audit trail."""

from typing import Any

from feedback.monthly import monthly_numbers_xlsx
from groups.selectors import staff_profile_of
from portal.common.audit import audit_record
from portal.models import AuditEvent


def monthly_numbers_export(*, user: Any, year: int, month: int) -> bytes:
    """The month's numbers as a workbook, and a line in the trail that this person took them."""
    content = monthly_numbers_xlsx(user=user, year=year, month=month)
    audit_record(
        actor=user,
        action=AuditEvent.Action.EXPORT,
        object_type="feedback.report",
        ward=staff_profile_of(user).ward,
        summary=f"monthly numbers {year}-{month:02d}",
    )
    return content
