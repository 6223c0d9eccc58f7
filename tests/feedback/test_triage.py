"""Staff triage the queue: filters, search without diacritics, keyset pages, the report's states and deadlines."""

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from feedback import services
from feedback.models import Holiday, Report, ReportEvent
from feedback.workcalendar import WorkCalendar, holidays_forget
from portal.models import AuditEvent
from tests.factories import send_personal
from tests.feedback.conftest import submitted

pytestmark = pytest.mark.django_db


def _codes(page: str) -> list[str]:
    import re

    return re.findall(r'data-report="(PA-[^"]+)"', page)


def test_rac_thai_finds_rac_thai_with_its_diacritics(ward_a, bob, client_for):
    hit = submitted(ward_a, description="Rác thải đổ trộm ở bãi đất trống")
    submitted(ward_a, description="Đèn đường hỏng ở ngõ 4", category="utilities")

    page = client_for(bob).get("/reports/", {"q": "rac thai"}).content.decode()

    assert _codes(page) == [hit.tracking_code]


def test_keyset_pages_cover_every_report_once(ward_a, bob, client_for):
    made = {
        submitted(ward_a, description=f"Vỉa hè bị lấn chiếm số {n}", category="urban_order").tracking_code
        for n in range(120)
    }
    client = client_for(bob)
    seen: list[str] = []
    url, params = "/reports/", {"category": "urban_order"}
    while True:
        response = client.get(url, params)
        seen += _codes(response.content.decode())
        next_link = response.context["page"].next_cursor
        if not next_link:
            break
        params = {**params, "after": next_link}

    assert len(seen) == 120 and set(seen) == made


def test_filters_narrow_the_queue(ward_a, group_a1, bob, client_for):
    in_group = submitted(ward_a, group_id=group_a1.pk)
    submitted(ward_a)
    late = submitted(ward_a, description="Cống bị tắc gây ngập khi mưa")
    Report.objects.filter(pk=late.pk).update(resolve_due_at=timezone.now() - timedelta(hours=1))
    client = client_for(bob)

    assert _codes(client.get("/reports/", {"group": group_a1.pk}).content.decode()) == [in_group.tracking_code]
    assert _codes(client.get("/reports/", {"overdue": "1"}).content.decode()) == [late.tracking_code]


def test_a_change_not_allowed_from_the_current_state_is_refused_and_nothing_changes(ward_a, bob, client_for):
    report = submitted(ward_a)

    response = client_for(bob).post(f"/reports/{report.pk}/status/", {"to": "closed"}, follow=True)

    assert "không thể chuyển thành" in response.content.decode()
    assert Report.objects.get().status == "new"


def test_rejecting_needs_a_reason(ward_a, bob):
    report = submitted(ward_a)

    with pytest.raises(ValidationError):
        services.report_change_status(report=report, by=bob, to="rejected")
    assert (
        services.report_change_status(report=report, by=bob, to="rejected", reason="Ngoài địa bàn").status == "rejected"
    )


def test_assigning_tells_the_unit_by_mail_without_the_reporter(ward_a, bob, police):
    report = submitted(ward_a, category="security", description="Có nhóm thanh niên tụ tập gây ồn ào lúc nửa đêm")
    services.report_assign(report=report, by=bob, unit=police)
    send_personal()

    assert Report.objects.get().status == "assigned"
    assert [m.to for m in mail.outbox] == [["cskv@an-binh.vn"]]
    assert report.tracking_code in mail.outbox[0].body and "Lan" not in mail.outbox[0].body


def test_a_public_reply_reaches_the_status_page_and_a_note_does_not(ward_a, bob, client):
    report = submitted(ward_a)
    services.report_reply(report=report, by=bob, text="Đã báo đội vệ sinh, sáng mai thu gom.", public=True)
    services.report_reply(report=report, by=bob, text="Nhắc anh Tùng kiểm tra", public=False)

    page = client.get("/report/status/", {"code": report.tracking_code}).content.decode()

    assert "Đã báo đội vệ sinh" in page and "Nhắc anh Tùng" not in page
    assert Report.objects.get().first_response_at is not None


def test_no_public_reply_to_a_closed_report(ward_a, bob):
    report = submitted(ward_a)
    services.report_change_status(report=report, by=bob, to="triaged")
    services.report_change_status(report=report, by=bob, to="resolved", public_text="Đã thu gom xong.")
    services.report_change_status(report=report, by=bob, to="closed")

    with pytest.raises(services.ReportError):
        services.report_reply(report=report, by=bob, text="Thêm nữa", public=True)


def test_a_low_rating_reopens_the_report(ward_a, bob, client):
    report = submitted(ward_a)
    services.report_change_status(report=report, by=bob, to="triaged")
    services.report_change_status(report=report, by=bob, to="resolved", public_text="Đã thu gom xong.")
    client.get("/report/status/", {"code": report.tracking_code})

    client.post(
        "/report/rate/", {"code": report.tracking_code, "digits": "5678", "rating": "1", "comment": "Vẫn còn rác"}
    )

    report.refresh_from_db()
    assert (report.status, report.rating) == ("in_progress", 1)


def test_a_public_reply_from_the_unit_puts_the_report_in_progress_on_its_timeline(ward_a, bob, police, client):
    report = submitted(ward_a)
    services.report_assign(report=report, by=bob, unit=police)

    services.report_reply(report=report, by=bob, text="Công an khu vực đã xuống kiểm tra.", public=True)

    report.refresh_from_db()
    assert report.status == "in_progress"
    moved = ReportEvent.objects.get(report=report, kind="status")
    assert (moved.from_status, moved.to_status, moved.actor) == ("assigned", "in_progress", bob)
    assert "Đang xử lý" in client.get("/report/status/", {"code": report.tracking_code}).content.decode()


def test_a_good_rating_closes_the_report_with_an_event_the_reporter_sees(ward_a, bob, client):
    report = submitted(ward_a)
    services.report_change_status(report=report, by=bob, to="triaged")
    services.report_change_status(report=report, by=bob, to="resolved", public_text="Đã thu gom xong.")
    client.get("/report/status/", {"code": report.tracking_code})

    client.post("/report/rate/", {"code": report.tracking_code, "digits": "5678", "rating": "5"})

    report.refresh_from_db()
    assert (report.status, report.rating) == ("closed", 5) and report.closed_at is not None
    closing = ReportEvent.objects.filter(report=report, kind="status").latest("pk")
    assert (closing.from_status, closing.to_status, closing.via) == ("resolved", "closed", "phone")


def test_merging_twins_asks_first_then_keeps_one_report(ward_a, bob, client_for):
    first = submitted(ward_a)
    duplicate = submitted(ward_a, description="Rác ở đầu hẻm 12 không ai thu, bốc mùi", phone="0987 654 321")

    asking = client_for(bob).post("/reports/bulk/", {"ids": [first.pk, duplicate.pk], "action": "merge"})
    duplicate.refresh_from_db()
    assert duplicate.status == "new"  # the first tap only asks
    page = asking.content.decode()
    assert "Gộp vào phản ánh cũ nhất" in page and first.tracking_code in page and duplicate.tracking_code in page

    client_for(bob).post("/reports/bulk/", {"ids": [first.pk, duplicate.pk], "action": "merge", "confirmed": "1"})

    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.duplicate_of_id) == ("duplicate", first.pk)
    assert ReportEvent.objects.filter(report=first, kind="merged", text=duplicate.tracking_code).exists()


def test_a_bulk_action_one_report_refuses_changes_none_and_names_it(ward_a, bob, client_for):
    first, closed, last = (submitted(ward_a, description=f"Tin rác quảng cáo số {n}") for n in range(3))
    Report.objects.filter(pk=closed.pk).update(status="closed")  # answered and closed meanwhile

    answer = client_for(bob).post(
        "/reports/bulk/", {"ids": [first.pk, closed.pk, last.pk], "action": "spam", "confirmed": "1"}, follow=True
    )

    assert list(Report.objects.filter(pk__in=[first.pk, last.pk]).values_list("status", flat=True)) == ["new", "new"]
    assert not ReportEvent.objects.filter(report__in=[first, last], to_status="spam").exists()
    said = answer.content.decode()
    assert closed.tracking_code in said and "Không có gì được thay đổi" in said

    client_for(bob).post("/reports/bulk/", {"ids": [first.pk, last.pk], "action": "spam", "confirmed": "1"})
    assert set(Report.objects.filter(pk__in=[first.pk, last.pk]).values_list("status", flat=True)) == {"spam"}


def test_deadlines_skip_weekends_and_tet(ward_a):
    calendar = WorkCalendar(ward_a.pk, timezone.make_aware(datetime(2027, 2, 1)))
    friday_afternoon = timezone.make_aware(datetime(2026, 11, 20, 16, 0))
    before_tet = timezone.make_aware(datetime(2027, 2, 3, 16, 0))  # Wednesday; Tết Đinh Mùi is 6 February

    assert timezone.localtime(calendar.add_hours(friday_afternoon, 4)) == timezone.make_aware(
        datetime(2026, 11, 23, 10, 30)
    )  # 1 h on Friday, then Monday 7:30 + 3 h
    # 1 h on Wednesday; Thursday 4 (29 Tết) to Wednesday 10 February (mùng năm) is the Tết holiday the government
    # set for 2027; 7 h on Thursday 11.
    assert timezone.localtime(calendar.add_hours(before_tet, 8)) == timezone.make_aware(datetime(2027, 2, 11, 16, 30))


def test_a_substitute_day_the_government_announces_late_is_skipped_too(ward_a):
    monday = datetime(2031, 6, 2).date()  # a day no law or package makes a holiday
    calendar = WorkCalendar(ward_a.pk, timezone.make_aware(datetime(2031, 6, 1)))
    friday_afternoon = timezone.make_aware(datetime(2031, 5, 30, 16, 0))
    assert timezone.localtime(calendar.add_hours(friday_afternoon, 2)).date() == monday

    Holiday.objects.create(ward=None, date=monday, name="Nghỉ bù")
    holidays_forget()
    calendar = WorkCalendar(ward_a.pk, timezone.make_aware(datetime(2031, 6, 1)))

    assert timezone.localtime(calendar.add_hours(friday_afternoon, 2)).date() == datetime(2031, 6, 3).date()


def test_overdue_reports_are_escalated_once(ward_a, police, bob):
    report = submitted(ward_a)
    services.report_assign(report=report, by=bob, unit=police)
    Report.objects.filter(pk=report.pk).update(resolve_due_at=timezone.now() - timedelta(minutes=5))

    assert services.reports_escalate_overdue() == 1
    assert services.reports_escalate_overdue() == 0
    assert ReportEvent.objects.filter(report=report, kind="escalated").count() == 1


def test_the_public_page_shows_answers_without_anyone_s_identity(ward_a, bob, client):
    answered = submitted(ward_a)
    services.report_change_status(report=answered, by=bob, to="triaged")
    services.report_change_status(report=answered, by=bob, to="resolved", public_text="Đã thu gom ngày 20/11.")
    private = submitted(ward_a, public=False, description="Nhà bên cạnh xả nước thải ra đường")
    services.report_change_status(report=private, by=bob, to="triaged")
    services.report_change_status(report=private, by=bob, to="resolved", public_text="Đã nhắc nhở.")

    page = client.get(f"/p/{ward_a.code}/answers/").content.decode()

    assert answered.tracking_code in page and "Đã thu gom ngày 20/11." in page
    assert private.tracking_code not in page
    assert "Nguyễn Thị Lan" not in page and "0912" not in page


def test_staff_record_a_report_from_a_meeting(ward_a, bob, client_for):
    response = client_for(bob).post(
        "/reports/new/",
        {
            "category": "traffic",
            "source": "meeting",
            "description": "Đề nghị lắp gương cầu lồi ở ngã ba",
            "form_token": "m1",
            "public": "on",
        },
    )

    report = Report.objects.get()
    assert response.status_code == 302 and (report.source, report.recorded_by) == ("meeting", bob)
    assert report.is_anonymous


def test_every_status_change_is_in_the_audit_log(ward_a, bob):
    report = submitted(ward_a)
    services.report_change_status(report=report, by=bob, to="triaged")

    assert AuditEvent.objects.filter(object_id=str(report.pk), actor=bob, action="update").exists()


def test_the_numbers_page_counts_by_month_and_category(ward_a, bob, client_for):
    import re

    first = submitted(ward_a)
    submitted(ward_a, category="traffic", description="Ổ gà lớn trước số 20 đường Lê Lợi")
    services.report_change_status(report=first, by=bob, to="spam", reason="Trùng quảng cáo")
    this_month = timezone.localdate().strftime("%m/%Y")

    page = client_for(bob).get("/reports/numbers/").content.decode()

    row = re.search(rf'data-month="{this_month}"><td>[^<]+</td><td>(\d+)</td><td>(\d+)</td>', page)
    assert row.groups() == ("2", "1")  # two received, one of them valid
    assert "Vệ sinh môi trường" in page and "Giao thông" in page


def test_on_a_phone_the_status_control_changes_nothing_unless_asked_and_due_rows_stand_out(ward_a, bob, client_for):
    from datetime import timedelta

    from django.utils import timezone

    staff = client_for(bob)
    report = submitted(ward_a)
    Report.objects.filter(pk=report.pk).update(resolve_due_at=timezone.now() + timedelta(minutes=5))

    kept = staff.post(f"/reports/{report.pk}/status/", {"to": ""}, follow=True).content.decode()
    bogus = staff.post(f"/reports/{report.pk}/status/", {"to": "bogus"}, follow=True)
    detail = staff.get(f"/reports/{report.pk}/").content.decode()
    queue = staff.get("/reports/").content.decode()

    assert "Không có gì thay đổi" in kept and Report.objects.get(pk=report.pk).status == "new"
    assert bogus.status_code == 200 and "Xin chọn trạng thái mới" in bogus.content.decode()
    assert '<option value="">— Giữ nguyên —</option>' in detail
    assert 'data-show-for="rejected duplicate spam"' in detail and 'data-show-for="duplicate"' in detail
    assert f'data-report="{report.tracking_code}" class="due-today"' in queue and "Đến hạn hôm nay" in queue
    assert 'for="bulk-action"' in queue and "data-fold-on-phone" in queue


def test_a_refused_status_change_keeps_the_chosen_status_and_says_what_is_missing_at_its_field(ward_a, bob, client_for):
    from tests.feedback.conftest import submitted

    report = submitted(ward_a)
    client = client_for(bob)
    client.post(f"/reports/{report.pk}/status/", {"to": "triaged"})
    refused = client.post(f"/reports/{report.pk}/status/", {"to": "resolved", "text": ""}, follow=True)
    page = refused.content.decode()

    assert '<option value="resolved" selected>' in page
    assert 'id="resolution-error"' in page and 'aria-invalid="true"' in page
    again = client.get(f"/reports/{report.pk}/").content.decode()
    assert '<option value="resolved" selected>' not in again  # said once; a fresh look starts afresh
