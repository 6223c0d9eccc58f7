"""The province's six-monthly report: the wards' layout with the province's committee, one row per ward and the
province's totals, as PDF, DOCX and XLSX, made by the worker's job."""

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from feedback.services import ReportData, report_change_status, report_submit
from groups import services as groups
from portal.models import WardReportJob
from portal.province import report as province_report
from portal.province.report_jobs import province_report_make
from portal.ward_report.render import pdf_of
from portal.ward_report.word import docx_of
from portal.ward_report.workbook import xlsx_of
from tests.factories import GroupFactory, ProvinceFactory, WardFactory, province_user
from tests.portal.test_ward_report import _docx_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(ward_a, ward_b, group_a1, group_b1, bob):
    """Two wards with people joined and reports answered through the services (so the roll-ups have them)."""
    for n in range(4):
        groups.member_create(
            group=group_a1,
            data=groups.MemberData(full_name=f"Người {n}", phone=f"09120000{n:02d}", address=f"{n} Hẻm 4"),
            by=bob,
        )
    report, _created = report_submit(
        ward=ward_a,
        data=ReportData(category="environment", description="Rác đầu hẻm chưa thu.", name="Lan", phone="0912345678"),
    )
    report_change_status(report=report, by=bob, to="triaged")
    report_change_status(report=report, by=bob, to="resolved", public_text="Đã thu gom.")
    today = timezone.localdate()
    return today - timedelta(days=30), today


def test_the_province_report_has_a_row_per_ward_and_the_totals_in_the_wards_layout(busy, ward_a, ward_b):
    start, end = busy
    WardFactory(code="00070", province=ProvinceFactory(name="Hà Nội", code="01"))  # another province's: not in it
    report = province_report.build(province=ward_a.province, start=start, end=end)
    paper = province_report.printed(report)

    assert paper.heading.committee == ["ỦY BAN MTTQ VIỆT NAM", "TỈNH KHÁNH HÒA"]
    coverage = paper.sections[0].tables[0]
    assert [row[0] for row in coverage.rows] == ["Phường An Bình", "Phường Bến Gỗ"]
    assert coverage.total[0] == "Toàn tỉnh, thành phố"
    assert coverage.rows[0][3] == 4 and coverage.total[3] == 4  # the four households that joined in the period
    feedback = paper.sections[2].tables[0]
    assert feedback.rows[0][1:5] == [1, 1, 1, 1] and feedback.total[1] == 1

    words, tables = _docx_text(docx_of(paper))
    assert "TM. BAN THƯỜNG TRỰC" in words and "BÁO CÁO" in words and "TỈNH KHÁNH HÒA" in words
    assert any(row[0] == "Toàn tỉnh, thành phố" for table in tables for row in table)
    book = load_workbook(io.BytesIO(xlsx_of(paper)))
    sheet = book[paper.sections[0].title[:31]]
    names = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert "Phường An Bình" in names and "Toàn tỉnh, thành phố" in names
    assert pdf_of(paper).startswith(b"%PDF")


def test_the_admin_asks_for_it_the_worker_makes_it_and_only_the_province_downloads_it(client_for, busy, ward_a, alice):
    start, end = busy
    admin = province_user("tinh@khanh-hoa.vn", province=ward_a.province)
    client = client_for(admin)
    answer = client.post(
        "/province/report/",
        {"start": start.isoformat(), "end": end.isoformat(), "format": "xlsx", "signer_title": "CHỦ TỊCH"},
    )
    job = WardReportJob.objects.get()
    assert answer["Location"] == f"/province/report/{job.pk}/" and job.province_id == ward_a.province_id
    province_report_make(job_id=job.pk)  # what the worker does with the task
    job.refresh_from_db()
    assert job.status == "done"
    assert client.get(f"/province/report/{job.pk}/download/").status_code == 200

    viewer, other, ward_admin = Client(), Client(), Client()
    viewer.force_login(province_user("xem@khanh-hoa.vn", province=ward_a.province, role="viewer"))
    other.force_login(province_user("tinh@ha-noi.vn", province=ProvinceFactory(name="Hà Nội", code="01")))
    ward_admin.force_login(alice)
    assert viewer.get(f"/province/report/{job.pk}/download/").status_code == 403
    assert other.get(f"/province/report/{job.pk}/download/").status_code == 404
    assert ward_admin.get(f"/province/report/{job.pk}/download/").status_code == 403
    assert ward_admin.get(f"/ward-report/{job.pk}/download/").status_code == 404  # not a ward's job either


def test_a_province_of_126_wards_reports_in_a_few_queries(django_assert_max_num_queries, ward_a):
    for n in range(20):
        GroupFactory(ward=WardFactory(code=f"4{n:04d}", province=ward_a.province), households_total=100)
    today = timezone.localdate()
    with django_assert_max_num_queries(12):  # from the roll-ups: the same few queries at any number of wards
        province_report.build(province=ward_a.province, start=today - timedelta(days=180), end=today)


def test_the_api_asks_for_the_report_and_follows_its_job(client, busy, ward_a):
    from portal.common.tokens import token_create

    start, end = busy
    admin = province_user("tinh@khanh-hoa.vn", province=ward_a.province)
    auth = {"HTTP_AUTHORIZATION": f"Token {token_create(user=admin, name='tỉnh')[1]}"}
    refused = client.post(
        "/api/province/reports/", {"start": end, "end": start, "format": "pdf"}, content_type="application/json", **auth
    )
    assert refused.status_code == 400 and "end" in refused.json()
    asked = client.post(
        "/api/province/reports/",
        {"start": start, "end": end, "format": "docx", "signer": "Võ Thị Thanh"},
        content_type="application/json",
        **auth,
    ).json()
    assert asked["status"] == "queued" and asked["download"] is None
    province_report_make(job_id=asked["id"])
    done = client.get(f"/api/province/reports/{asked['id']}/", **auth).json()
    assert done["status"] == "done" and done["download"] == f"/province/report/{asked['id']}/download/"
