"""The ward's six-monthly report: the command and the page make the same PDF and XLSX, with every section, the
change over the period, Vietnamese numbers, embedded fonts and charts; bad input is refused in words."""

import io
import re
import zlib
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import load_workbook

from announcements.models import PersonalMessage
from campaigns import services as campaigns
from groups.models import Membership
from portal import ward_report
from portal.models import WardReportJob
from tests.campaigns.conftest import give
from tests.factories import HouseholdFactory, member_in
from tests.feedback.conftest import submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def period():
    today = timezone.localdate()
    return today - timedelta(days=40), today + timedelta(days=1)


@pytest.fixture
def busy_ward(ward_a, group_a1, group_a2, fund, alice, bob, period):
    """Members who joined before and during the period, a fund at 102,3 % of a 1.000.000 đ group target, a
    report and a meeting."""
    old = member_in(group_a1, household=HouseholdFactory(group=group_a1))
    Membership.objects.filter(member=old).update(joined_at=timezone.now() - timedelta(days=100))
    member_in(group_a1, household=HouseholdFactory(group=group_a1))
    member_in(group_a1)
    campaigns.campaign_targets_set(campaign=fund, targets={group_a1.pk: 1_000_000}, by=alice)
    give(fund, HouseholdFactory(group=group_a1), 1_023_000, "g1", alice)
    submitted(ward_a, group_id=group_a1.pk)
    meeting = campaigns.meeting_create(
        data=campaigns.MeetingData(
            title="Họp tổ quý IV", starts_at=timezone.now(), place="Nhà văn hóa", group_ids=[group_a1.pk]
        ),
        by=bob,
    )
    campaigns.attendance_set(meeting=meeting, member_ids=[old.pk], by=bob)
    return ward_a


def test_the_report_holds_every_section_with_the_change_over_the_period(busy_ward, group_a1, period):
    report = ward_report.build(ward=busy_ward, start=period[0], end=period[1])
    row = {g.name: g for g in report.groups}["Tổ dân phố 1"]
    assert (row.members_start, row.members_end, row.change) == (1, 3, 2)
    assert (row.covered_start, row.covered, row.coverage_start, row.coverage) == (1, 2, 10.0, 20.0)  # of 10 households
    assert sum(m.received for m in report.months) == 1
    assert [(c.name, c.amount) for c in report.campaigns] == [("Quỹ Vì người nghèo 2026", 1_023_000)]
    assert [(m.invited, m.attended) for m in report.meetings] == [(3, 1)]

    html = ward_report.to_html(report)
    assert "1.023.000 đ" in html and "33,3\xa0%" in html  # Vietnamese numbers: 1 of 3 came
    assert "Tổ chức và độ phủ" in html and "Cuộc họp" in html
    pdf = ward_report.to_pdf(report)
    assert pdf.startswith(b"%PDF") and b"/FontFile2" in _inflated(pdf)  # the fonts travel inside the file


def _inflated(pdf: bytes) -> bytes:
    """The PDF with its compressed streams opened, where the font descriptors are."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            parts.append(zlib.decompressobj().decompress(pdf[match.end() :]))
        except zlib.error:
            continue
    return b"".join(parts)


def test_the_command_writes_the_pdf_and_a_workbook_with_one_sheet_per_section(busy_ward, period, tmp_path):
    start, end = (d.isoformat() for d in period)
    out = io.StringIO()
    call_command(
        "ward_report",
        ward=busy_ward.code,
        start=start,
        end=end,
        format="xlsx",
        output=str(tmp_path / "r.xlsx"),
        stdout=out,
    )
    book = load_workbook(tmp_path / "r.xlsx")
    assert book.sheetnames == [
        "Tổng hợp",
        "Tổ chức và độ phủ",
        "Thông báo và tiếp cận",
        "Phản ánh",
        "Cuộc vận động",
        "Cuộc họp",
    ]
    campaigns_sheet = book["Cuộc vận động"]
    assert campaigns_sheet["E2"].value == 1_023_000 and campaigns_sheet["E2"].number_format == "#,##0"
    assert book["Tổ chức và độ phủ"]._images  # the chart is in the sheet
    call_command("ward_report", ward=busy_ward.code, format="pdf", output=str(tmp_path / "r.pdf"), stdout=out)
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")  # the last whole half-year by default


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"ward": "00000"}, "No ward"),
        ({"start": "2026-06-30", "end": "2026-01-01"}, "before"),
        ({"start": "30/06/2026"}, "YYYY-MM-DD"),
        ({"output": "/no/such/folder/r.pdf"}, "does not exist"),
    ],
)
def test_the_command_refuses_what_cannot_be_right(ward_a, tmp_path, options, words):
    values = {"ward": ward_a.code, "format": "pdf", "output": str(tmp_path / "r.pdf")} | options
    with pytest.raises(CommandError, match=words):
        call_command("ward_report", **values)


def test_the_last_whole_half_year_is_the_default():
    assert ward_report.last_half_year(date(2026, 11, 29)) == (date(2026, 1, 1), date(2026, 6, 30))
    assert ward_report.last_half_year(date(2026, 3, 1)) == (date(2025, 7, 1), date(2025, 12, 31))


def test_an_admin_asks_from_the_page_a_worker_makes_it_and_the_admins_are_mailed(
    client_for, busy_ward, alice, bob, celery_worker, period
):
    assert client_for(bob).get("/ward-report/").status_code == 403
    client = client_for(alice)
    refused = client.post("/ward-report/", {"start": "2026-06-30", "end": "2026-01-01", "format": "pdf"})
    assert "không thể trước" in refused.content.decode() and not WardReportJob.objects.exists()

    answer = client.post(
        "/ward-report/", {"start": period[0].isoformat(), "end": period[1].isoformat(), "format": "xlsx"}
    )
    job = WardReportJob.objects.get()
    assert answer["Location"] == f"/ward-report/{job.pk}/"
    for _i in range(150):
        job.refresh_from_db()
        if job.status == "done":
            break
        import time

        time.sleep(0.2)
    assert job.status == "done" and job.progress == 100
    status = client.get(f"/ward-report/{job.pk}/", HTTP_X_REQUESTED_WITH="fetch").content.decode()
    assert "aria-live" not in status and "Tải về" in status  # the page stops polling and offers the file
    download = client.get(f"/ward-report/{job.pk}/download/")
    assert load_workbook(io.BytesIO(b"".join(download.streaming_content))).sheetnames[1] == "Tổ chức và độ phủ"
    assert PersonalMessage.objects.filter(topic=f"ward-report:{job.pk}", delivery__address="alice@an-binh.vn").exists()
    assert client_for(bob).get(f"/ward-report/{job.pk}/download/").status_code == 403


def test_a_report_that_cannot_be_made_stops_the_page_waiting_with_words(ward_a, alice, monkeypatch, client_for):
    from portal.ward_report import jobs

    def broken(**_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(jobs, "build", broken)
    job = WardReportJob.objects.create(
        ward=ward_a, requested_by=alice, start=date(2026, 1, 1), end=date(2026, 6, 30), format="pdf"
    )
    jobs.report_make(job_id=job.pk)
    status = client_for(alice).get(f"/ward-report/{job.pk}/", HTTP_X_REQUESTED_WITH="fetch").content.decode()
    assert "Không tạo được báo cáo" in status and "aria-live" not in status
