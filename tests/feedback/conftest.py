import pytest

from feedback.models import Unit
from feedback.services import ReportData, report_submit


@pytest.fixture
def police(ward_a, ward_officer):
    unit = Unit.objects.create(
        ward=ward_a, name="Công an phường (CSKV)", kind="police", handles_tips=True, head=ward_officer
    )
    unit.members.add(ward_officer)
    return unit


@pytest.fixture
def ward_officer(ward_a):
    from tests.factories import staff_user

    return staff_user("cskv@an-binh.vn", ward=ward_a, role="ward_staff")


# A tip (tố giác): its reporter must never be seen but by the designated officers.
TIP = {
    "category": "tip",
    "description": "Có người buôn bán ma túy ở hẻm 3 vào ban đêm",
    "name": "Trần Văn Tố",
    "phone": "0977 111 222",
}


def submitted(ward, **overrides):
    values = {
        "category": "environment",
        "description": "Rác thải để ở đầu hẻm 12 ba tuần chưa ai thu gom.",
        "name": "Nguyễn Thị Lan",
        "phone": "0912 345 678",
    }
    values.update(overrides)
    report, _created = report_submit(ward=ward, data=ReportData(**values))
    return report


def accepted(report):
    """The report as staff accepted it: from then on anyone may read it (Report.objects.public())."""
    from django.utils import timezone

    from feedback.models import Report

    Report.objects.filter(pk=report.pk).update(status="triaged", accepted_at=timezone.now())
    report.refresh_from_db()
    return report
