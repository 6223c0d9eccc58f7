"""The ward's six-monthly report: the command and the page make the same PDF and XLSX, with every section, the
change over the period, Vietnamese numbers, embedded fonts and charts; bad input is refused in words."""

import io
import re
import zlib
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from docx import Document
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from announcements.models import PersonalMessage
from campaigns import services as campaigns
from groups.models import Membership, Ward
from portal import ward_report
from portal.common.numbers import percent_of, vn_number, vn_percent
from portal.models import WardReportJob
from portal.ward_report.document import default_signing
from tests.campaigns.conftest import give
from tests.factories import HouseholdFactory, member_in
from tests.feedback.conftest import submitted
from tests.waiting import wait_until

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
    assert (row.covered_start, row.covered_end, row.coverage_start, row.coverage_end) == (1, 2, 10.0, 20.0)  # of 10
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
    assert campaigns_sheet["D2"].value == 1_023_000 and campaigns_sheet["D2"].number_format == "#,##0"
    assert book["Tổ chức và độ phủ"]._charts  # a native chart, over the table's cells
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
        "/ward-report/",
        {"start": period[0].isoformat(), "end": period[1].isoformat(), "format": "xlsx", "signer_title": "CHỦ TỊCH"},
    )
    job = WardReportJob.objects.get()
    assert answer["Location"] == f"/ward-report/{job.pk}/"
    wait_until(lambda: WardReportJob.objects.filter(pk=job.pk, status="done").exists(), what="the report to be made")
    job.refresh_from_db()
    assert job.progress == 100
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


# --- The signed document ------------------------------------------------------------------------------------

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _flat(text: str) -> str:
    """Text as read, lines joined: a PDF breaks sentences where the page's width does."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def _pdf_text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    return _flat(" ".join(document[i].get_textpage().get_text_range() for i in range(len(document))))


def _docx_text(data: bytes) -> tuple[str, list[list[list[str]]]]:
    document = Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    texts += [cell for table in tables[:1] + tables[-1:] for row in table for cell in row]  # heading and signature
    return _flat(" ".join(texts)), tables


def _history_at(moment) -> tuple[int, int]:
    """Members and covered households of the demo ward at a moment, read from each membership's own dates in
    Python: the check does not share the report's query."""
    members, covered = 0, set()
    for m in Membership.objects.select_related("member__household").filter(group__ward__code="99001"):
        begun = m.joined_at is not None and m.joined_at < moment
        ended = m.left_at is not None and m.left_at < moment
        if begun and not ended and m.status in {"active", "left"}:
            members += 1
            if m.member.household and m.member.household.group_id == m.group_id:
                covered.add(m.member.household_id)
    return members, len(covered)


def test_the_demo_wards_report_is_a_document_the_committee_signs_in_pdf_and_word(db):
    call_command("seed_demo", stdout=io.StringIO())
    ward = Ward.objects.get(code="99001")
    today = timezone.localdate()  # this half-year: the demo's campaigns, reports and meeting are in it
    start, end = (
        (date(today.year, 7, 1), date(today.year, 12, 31))
        if today.month > 6
        else (date(today.year, 1, 1), date(today.year, 6, 30))
    )
    signing = default_signing(ward)
    signing.number, signing.signer = "12", "Trần Thị Hoa"
    report = ward_report.build(ward=ward, start=start, end=end, signing=signing)

    since = timezone.make_aware(datetime.combine(start, time.min))
    until = min(timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min)), timezone.now())
    (members_start, covered_start), (members_end, covered_end) = _history_at(since), _history_at(until)
    assert (report.whole.members_start, report.whole.covered_start) == (members_start, covered_start)
    assert (report.whole.members_end, report.whole.covered_end) == (members_end, covered_end)
    assert 0 < members_start < members_end  # the demo's members joined over the last year and a half

    households = sum(g.households_total for g in ward.groups.all())
    summary = (
        f"Đến cuối kỳ, {vn_number(covered_end)} trong số {vn_number(households)} hộ đã khai báo "
        f"({_flat(vn_percent(percent_of(covered_end, households)))}) có người kết nối"
    )
    members = f"số thành viên đầu kỳ {vn_number(members_start)} người, cuối kỳ {vn_number(members_end)} người"
    subject = f"Kết quả công tác Mặt trận kết nối với Nhân dân 6 tháng {'đầu' if start.month == 1 else 'cuối'} năm"
    expected = [
        "ỦY BAN MTTQ VIỆT NAM",
        "PHƯỜNG NGỌC HIỆP",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 12/BC-MTTQ",
        f"Ngọc Hiệp, ngày {report.made_at:%d} tháng",
        "BÁO CÁO",
        f"{subject} {start.year}",
        summary,
        members,
        "Cuộc vận động “Quỹ Vì người nghèo năm 2026” đạt",
        "Tiếp nhận 3 phản ánh, kiến nghị của Nhân dân",
        "Tổ chức 1 cuộc họp: mời",
        "Nơi nhận:",
        "- Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh Khánh Hòa;",
        "- Lưu: VT.",
        "TM. BAN THƯỜNG TRỰC",
        "CHỦ TỊCH",
        "Trần Thị Hoa",
    ]
    pdf = ward_report.to_pdf(report)
    text = _pdf_text(pdf)
    assert [words for words in expected if words not in text] == []
    assert text.index("BÁO CÁO") < text.index("Khái quát chung") < text.index("1. Tổ chức") < text.index("TM. BAN")

    word, tables = _docx_text(ward_report.to_docx(report))
    assert [words for words in expected if words not in word] == []
    organisation = next(t for t in tables if t[0][0] == "Tổ" and len(t[0]) == 7)
    whole = organisation[-1]  # the whole-ward row: % under the % columns, and its change
    assert whole == [
        "Toàn phường",
        vn_number(households),
        vn_percent(percent_of(covered_start, households)),
        vn_percent(percent_of(covered_end, households)),
        vn_number(members_start),
        vn_number(members_end),
        f"+{vn_number(members_end - members_start)}",
    ]
    assert organisation[0] == [
        "Tổ",
        "Số hộ đã khai báo",
        "Độ phủ đầu kỳ",
        "Độ phủ cuối kỳ",
        "Thành viên đầu kỳ",
        "Thành viên cuối kỳ",
        "Tăng, giảm",
    ]
    assert " ".join(organisation[0]) in text  # the PDF's headers are the same

    SHOTS.mkdir(parents=True, exist_ok=True)
    pdfium.PdfDocument(pdf)[0].render(scale=1.5).to_pil().save(SHOTS / "ward-report-page-1.png")


def test_the_workbook_opens_on_a_summary_and_its_tables_match_their_headers(busy_ward, period, tmp_path):
    report = ward_report.build(ward=busy_ward, start=period[0], end=period[1])
    book = load_workbook(io.BytesIO(ward_report.to_xlsx(report)))
    summary = book["Tổng hợp"]
    cells = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row[0]}
    assert any(str(text).startswith("Đến cuối kỳ,") for text in cells)
    assert cells["Số hộ đã khai báo"] == report.whole.households and cells["Thành viên cuối kỳ"] == 3
    assert cells["Độ phủ cuối kỳ"] == pytest.approx(report.whole.coverage_end / 100)

    sheet = book["Tổ chức và độ phủ"]
    rows = list(sheet.iter_rows(values_only=True))
    header, whole = rows[0], next(r for r in rows if r[0] == "Toàn phường")
    assert len([h for h in header if h]) == len([v for v in whole if v is not None]) == 7
    assert whole[2] == pytest.approx(report.whole.coverage_start / 100) and whole[3] == pytest.approx(
        report.whole.coverage_end / 100
    )
    assert sheet.cell(row=rows.index(whole) + 1, column=3).number_format == "0.0%"
    assert whole[6] == report.whole.members_end - report.whole.members_start
    assert [type(c).__name__ for c in book["Cuộc vận động"]._charts] == ["BarChart"]


def test_the_admin_sets_number_signer_and_recipients_and_is_told_what_is_wrong(client_for, ward_a, alice, bob):
    client = client_for(alice)
    base = {"start": "2026-01-01", "end": "2026-06-30", "format": "docx", "signer_title": "CHỦ TỊCH"}
    page = client.post("/ward-report/", base | {"number": "12/BC", "recipients": "x\n" * 13}).content.decode()
    assert "Vui lòng ghi tên người ký" in page and "Số văn bản gồm chữ số" in page and "Tối đa 12 nơi nhận" in page
    assert 'value="12/BC"' in page  # what was typed stays
    assert not WardReportJob.objects.exists()

    signed = base | {"number": "12", "signer": "Trần Thị Hoa", "recipients": "- Đảng ủy phường;\nLưu: VT"}
    assert client.post("/ward-report/", signed).status_code == 302
    job = WardReportJob.objects.get()
    assert (job.number, job.signer, job.recipients) == ("12", "Trần Thị Hoa", "- Đảng ủy phường;\nLưu: VT")
    again = client.get("/ward-report/").content.decode()
    assert 'value="Trần Thị Hoa"' in again and "Đảng ủy phường" in again  # offered for the next report
    assert 'name="number" value="12"' not in again  # a new document takes a new number
    assert client_for(bob).post("/ward-report/", signed).status_code == 403


@hypothesis_settings(max_examples=6, deadline=None)
@given(names=st.lists(st.text(min_size=1, max_size=60), min_size=1, max_size=3))
def test_any_group_or_campaign_name_makes_a_word_file_and_a_workbook(names):
    """Names come from staff and from sheets: whatever characters they hold (control characters, "=" at the
    start, any script), the Word file and the workbook are made, never a failed job."""
    from portal.ward_report.data import CampaignRow, GroupRow, MeetingRow

    report = ward_report.WardReport(
        ward=Ward(name="Phường An Bình", code="20001"), start=date(2026, 1, 1), end=date(2026, 6, 30)
    )
    report.groups = [GroupRow(name, 10, 2, 5, 3, 6) for name in names]
    report.campaigns = [CampaignRow(name, "Quỹ", "đ", 1_000_000, 500_000, 3, 50.0) for name in names]
    report.meetings = [MeetingRow(name, date(2026, 3, 1), 10, 7) for name in names]
    report.signing = ward_report.Signing(number="12", signer=names[0], recipients=names)

    words, _tables = _docx_text(ward_report.to_docx(report))
    assert "TM. BAN THƯỜNG TRỰC" in words
    book = load_workbook(io.BytesIO(ward_report.to_xlsx(report)))
    first_column = [row[0] for row in book["Tổ chức và độ phủ"].iter_rows(values_only=True)]
    assert first_column.index("Toàn phường") == len(names) + 1  # the header, a row for each group, the whole ward
