"""Every route × every kind of visitor × an object of their own ward and of the other one, with its expected
answer. The routes come from the URL resolver: a route added later without a row here makes the test fail.

A cell is a status code; `*` after it means the request must have changed what the row checks (and no `*`
means it must not have). Principals, in the order of each row's cells:

    anonymous · resident (the browser that filed ward A's report) · carol (leader of group A1) · bob (ward A
    staff) · alice (ward A admin) · dave (ward B admin) · root (Django superuser, no ward) · province (admin of
    ward A's province) · viewer (viewer of ward A's province) · province_b (admin of ward B's province)

A row of seven cells leaves the province's three to follow root's (sent to log in on the admin's pages), which is what a signed-in account with no ward answers; rows that differ give all ten. Whatever
the row, no answer to the province's three may hold a resident's name, phone or address of either ward.

Each row has two lines of cells: for the objects of ward A, then for the same objects of ward B. Every cell runs
in a savepoint that is rolled back, so each starts from the same data.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from announcements import rendering
from announcements import services as announcements
from announcements.models import Announcement, Delivery, InPersonReach, ProvinceAnnouncement
from campaigns import services as campaign_services
from campaigns.models import (
    Attendance,
    Campaign,
    Entry,
    EntryImport,
    GroupTarget,
    Meeting,
    MinutesVersion,
    ProvinceCampaign,
)
from feedback import services as report_services
from feedback.models import CannedReply, Holiday, Report, ReportPhoto, Unit
from groups import services as groups
from groups.models import Household, Member, MemberImport, Membership, StaffProfile, Ward, WardOnboarding
from groups.services import onboarding
from portal.common.tokens import token_create
from portal.models import ApiToken, WardReportJob
from tests.announcements.conftest import announcement_data
from tests.announcements.test_compose import jpeg_bytes
from tests.factories import GroupFactory, ProvinceFactory, WardFactory, member_in, province_user, staff_user

pytestmark = pytest.mark.django_db

PRINCIPALS = ["anonymous", "resident", "carol", "bob", "alice", "dave", "root", "province", "viewer", "province_b"]
PROVINCE_PRINCIPALS = PRINCIPALS[7:]


@dataclass
class Row:
    method: str
    path: Callable[[Any], str]
    a: str  # cells for ward A's objects
    b: str = ""  # cells for ward B's objects; empty for a route without an object (run once, as for ward A)
    data: Callable[[Any], dict] | dict = field(default_factory=dict)
    changed: Callable[[Any], bool] | None = None  # what a `*` cell must have changed
    absent: Callable[[Any], str] | None = None  # what no principal's answer may contain
    api: bool = False  # JSON body


def _status(o: Any, model: Any, pk: int) -> str:
    return model.objects.get(pk=pk).status


def _ann(o: Any, key: str) -> Announcement:
    return Announcement.objects.get(pk=getattr(o, key).pk)


# --- the objects of one ward ----------------------------------------------------------------------------------


def _ward_objects(ward: Any, group: Any, other_group: Any, admin: Any, staff: Any, code_owner_client: Client | None):
    o = SimpleNamespace(ward=ward, group=group, other_group=other_group)
    o.member = member_in(group, full_name=f"Lê Văn Minh {ward.code}")
    o.household = Household.objects.create(group=group, address="12 Hẻm Chợ", address_folded="12 hem cho")
    o.member.household = o.household
    o.member.save()
    o.membership = o.member.memberships.get()
    joiner = Member.objects.create(ward=ward, full_name="Người Mới", phone=f"+8498{ward.pk:07d}", search_text="x")
    o.pending = Membership.objects.create(
        member=joiner, group=group, status="pending", source="self_join", requested_address="1 Hẻm"
    )
    o.request_token = groups.membership_confirm_token(o.pending)
    o.member_import = MemberImport.objects.create(
        ward=ward, group=group, file_name="ds.xlsx", rows=[], created_by=admin
    )

    def draft(**extra):
        return announcements.announcement_save(
            user=staff, data=announcement_data(group_ids=[group.pk], **extra), **extra.pop("files", {})
        )

    pdf = SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    o.draft = announcements.announcement_save(user=staff, data=announcement_data(group_ids=[group.pk]), documents=[pdf])
    o.draft_file = o.draft.files.get()
    o.pending_ann = announcements.announcement_submit(announcement=draft(), by=staff)
    # Approved to go out in two hours: approval with no time set would send it at once.
    o.scheduled = announcements.announcement_approve(
        announcement=announcements.announcement_submit(
            announcement=draft(scheduled_at=timezone.now() + timedelta(hours=2)), by=staff
        ),
        by=admin,
    )
    sent_file = SimpleUploadedFile("lich.pdf", b"%PDF-1.4 lich", content_type="application/pdf")
    sent = announcements.announcement_save(
        user=staff, data=announcement_data(group_ids=[group.pk], channels=["sms"]), documents=[sent_file]
    )
    sent = announcements.announcement_approve(
        announcement=announcements.announcement_submit(announcement=sent, by=staff), by=admin
    )
    Announcement.objects.filter(pk=sent.pk).update(status="sent", send_started_at=timezone.now())
    o.sent = Announcement.objects.get(pk=sent.pk)
    o.sent_file = o.sent.files.get()
    o.delivery = Delivery.objects.create(
        announcement=o.sent, kind="sms", member=o.member, address=o.member.phone, status="failed", reason="99"
    )
    o.reader_code = rendering.reader_code(o.delivery.pk)
    web = announcements.announcement_save(
        user=staff, data=announcement_data(group_ids=[group.pk], channels=["web_feed"])
    )
    Announcement.objects.filter(pk=web.pk).update(status="sent", send_started_at=timezone.now())
    o.web = web

    # A private report (the resident's own), resolved, with a photo; and a public one, accepted.
    photo = SimpleUploadedFile("anh.jpg", jpeg_bytes((200, 150)), content_type="image/jpeg")
    form = f"/p/{ward.code}/report/"
    if code_owner_client is not None:
        token = code_owner_client.get(form).context["form"].initial["form_token"]
        code_owner_client.post(
            form,
            {
                "category": "environment",
                "description": "Rác thải để ở đầu hẻm 12 ba tuần chưa ai thu gom.",
                "name": "Nguyễn Thị Lan",
                "phone": "0912 345 678",
                "group_id": group.pk,
                "form_token": token,
                "photos": [photo],
            },
        )
        o.report = Report.objects.filter(ward=ward).latest("id")
    else:
        o.report, _created = report_services.report_submit(
            ward=ward,
            data=report_services.ReportData(
                category="environment",
                description="Rác thải để ở đầu hẻm 12 ba tuần chưa ai thu gom.",
                name="Nguyễn Thị Lan",
                phone="0912 345 678",
                group_id=group.pk,
            ),
            photos=[photo],
        )
    Report.objects.filter(pk=o.report.pk).update(is_public=False)
    o.report.refresh_from_db()
    o.photo = ReportPhoto.objects.get(report=o.report)
    o.resolved = o.report
    report_services.report_change_status(report=o.report, by=staff, to="triaged")
    o.open_report, _created = report_services.report_submit(
        ward=ward,
        data=report_services.ReportData(
            category="traffic", description="Đèn tín hiệu hỏng ở ngã tư Lê Lợi", anonymous=True, group_id=group.pk
        ),
    )
    report_services.report_change_status(report=o.open_report, by=staff, to="triaged")
    # Just sent, not yet looked at by staff: its words are nobody's to read but its reporter's and the ward's.
    o.new_report, _created = report_services.report_submit(
        ward=ward,
        data=report_services.ReportData(
            category="traffic",
            description="Xe tải đỗ trước nhà số 5 của ông Hùng suốt đêm",
            group_id=group.pk,
            anonymous=True,
        ),
    )
    report_services.report_change_status(report=o.report, by=staff, to="resolved", public_text="Đã thu gom.")
    o.unit = Unit.objects.create(ward=ward, name="Tổ môi trường", kind="environment")
    o.reply = CannedReply.objects.create(ward=ward, category="environment", title="Đã nhận", text="Đã nhận.")
    o.holiday = Holiday.objects.create(ward=ward, date=timezone.localdate() + timedelta(days=40), name="Lễ hội")
    o.campaign = campaign_services.campaign_create(
        ward=ward,
        data=campaign_services.CampaignData(
            name="Quỹ Vì người nghèo",
            kind="fund",
            unit="vnd",
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate() + timedelta(days=30),
            target=10_000_000,
        ),
        by=admin,
    )
    o.meeting = campaign_services.meeting_create(
        data=campaign_services.MeetingData(
            title="Họp tổ tháng 12",
            starts_at=timezone.now() + timedelta(days=1),
            place="Nhà văn hóa",
            group_ids=[group.pk],
        ),
        by=staff,
    )
    o.qr = campaign_services.qr_token(o.meeting, o.member)
    o.token, _key = token_create(user=admin, name=f"bảng tính {ward.code}")
    # The report's code by SMS, whose every try went unanswered: staff may send it again.
    o.undelivered = announcements.personal_message_queue(
        kind="sms",
        address="+84912345678",
        topic=f"report:{o.report.pk}",
        what="Mã",
        title="Mã",
        text="Ma",
        ward_id=ward.pk,
    ).delivery
    Delivery.objects.filter(pk=o.undelivered.pk).update(status="unknown", request_id=f"d{o.undelivered.pk}")
    # An earlier version of minutes (the meeting itself still has none current, as the minutes row says).
    o.minutes_version = MinutesVersion(meeting=o.meeting, name="bien-ban-cu.pdf", uploaded_by=staff)
    o.minutes_version.file.save("cu.pdf", ContentFile(b"%PDF-1.4 cu"), save=True)
    o.entry_import = EntryImport.objects.create(
        campaign=o.campaign, group=group, file_name="to-1.xlsx", rows=[], created_by=admin
    )
    o.report_job = WardReportJob.objects.create(
        ward=ward, requested_by=admin, start=date(2026, 1, 1), end=date(2026, 6, 30), format="pdf", status="done"
    )
    o.report_job.file.save("r.pdf", ContentFile(b"%PDF-1.4 report"), save=True)
    o.entry, _created = campaign_services.entry_record(
        campaign=o.campaign,
        data=campaign_services.EntryData(household_id=o.household.pk, amount=200_000, key=f"m-{ward.code}"),
        by=admin,
    )
    return o


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Both wards and everyone in them, made once for the module: every cell of the matrix runs in a savepoint
    that is rolled back, so no route's answer changes what the next one sees."""
    with django_db_blocker.unblock(), transaction.atomic():
        ward_a, ward_b = (
            WardFactory(name="Phường An Bình", code="20001"),
            WardFactory(name="Phường Bến Gỗ", code="20002", province=ProvinceFactory(name="Hà Nội", code="01")),
        )
        group_a1 = GroupFactory(ward=ward_a, name="Tổ dân phố 1", households_total=10)
        group_a2 = GroupFactory(ward=ward_a, name="Tổ dân phố 2", households_total=4)
        group_b1 = GroupFactory(ward=ward_b, name="Tổ dân phố 1", households_total=8)
        alice = staff_user("alice@an-binh.vn", ward=ward_a, role=StaffProfile.Role.WARD_ADMIN)
        bob = staff_user("bob@an-binh.vn", ward=ward_a, role=StaffProfile.Role.WARD_STAFF)
        carol = staff_user("carol@an-binh.vn", ward=ward_a, role=StaffProfile.Role.GROUP_LEADER, groups=[group_a1])
        dave = staff_user("dave@ben-go.vn", ward=ward_b, role=StaffProfile.Role.WARD_ADMIN)
        resident = Client()
        root = get_user_model().objects.create_superuser("root", "root@example.vn", "pw")
        bea = staff_user("bea@ben-go.vn", ward=ward_b, role=StaffProfile.Role.WARD_STAFF)
        group_b2 = GroupFactory(ward=ward_b, name="Tổ dân phố 2")
        a = _ward_objects(ward_a, group_a1, group_a2, alice, bob, resident)
        b = _ward_objects(ward_b, group_b1, group_b2, dave, bea, None)
        clients = {"anonymous": Client(), "resident": resident}
        users = {"carol": carol, "bob": bob, "alice": alice, "dave": dave, "root": root}
        users["province"] = province_user("province@khanh-hoa.vn", province=ward_a.province)
        users["viewer"] = province_user("viewer@khanh-hoa.vn", province=ward_a.province, role="viewer")
        users["province_b"] = province_user("province@ha-noi.vn", province=ward_b.province)
        for name in users:
            clients[name] = Client()
        for objects, admin in ((a, users["province"]), (b, users["province_b"])):
            objects.notice = announcements.province_announcement_save(
                user=admin,
                data=announcements.ProvinceNoticeData(title="Cảnh báo bão", body="Bão đêm nay.", channels=["sms"]),
            )
            objects.province_campaign = campaign_services.province_campaign_create(
                data=campaign_services.ProvinceCampaignData(
                    name="Quỹ tỉnh",
                    kind="fund",
                    unit="vnd",
                    starts_on=date.today(),
                    ends_on=date.today() + timedelta(days=30),
                    target=10_000_000,
                ),
                by=admin,
            )
            objects.province_code = objects.ward.province.code
            objects.province_report = WardReportJob.objects.create(
                province=objects.ward.province,
                requested_by=admin,
                start=date(2026, 1, 1),
                end=date(2026, 6, 30),
                format="xlsx",
                status="done",
            )
            objects.province_report.file.save("bao-cao.xlsx", ContentFile(b"PK xlsx"), save=True)
            objects.onboarding = onboarding.onboarding_preview(
                by=admin,
                ward_name=f"Phường Mới {objects.province_code}",
                ward_code=f"77{objects.province_code}",
                name="moi.csv",
                content="Tổ dân phố,Số hộ,Họ và tên,Vai trò\nTổ 1,20,,\n".encode(),
            )
        # What makes a person known: their name, phone and address, as any page or export would print them.
        personal = []
        for o in (a, b):
            personal += [o.member.full_name, o.member.phone, o.member.phone_display, o.household.address]
        personal += ["Nguyễn Thị Lan", "0912 345 678", "+84912345678", "Người Mới"]
        yield SimpleNamespace(a=a, b=b, clients=clients, users=users, personal=personal)
        transaction.set_rollback(True)


# --- the matrix ---------------------------------------------------------------------------------------------

LOGIN = "302 302"  # anonymous and the resident are sent to log in
ALL_200 = "200 200 200 200 200 200 200"

ROWS: dict[str, Row] = {
    # Public pages: anyone, for either ward.
    # Two wards: a chooser for residents; staff go on to what waits for them today.
    "": Row("GET", lambda o: "/", "200 200 302 302 302 302 200 302 302 302"),
    # A province's people land on the province's page instead.
    "today/": Row("GET", lambda o: "/today/", f"{LOGIN} 200 200 200 200 403 302 302 302"),
    # The province's pages: its admin and viewer alike, and nobody of a ward; a ward of another province is not
    # found. Counts only: the walk checks no resident's name, phone or address is on them.
    "province/": Row("GET", lambda o: "/province/", f"{LOGIN} 403 403 403 403 403 200 200 200"),
    # The province's announcements: read by its admin and viewer, written by its admin; another province's is
    # not found.
    "province/announcements/": Row(
        "GET", lambda o: "/province/announcements/", f"{LOGIN} 403 403 403 403 403 200 200 200"
    ),
    "province/announcements/new/": Row(
        "GET", lambda o: "/province/announcements/new/", f"{LOGIN} 403 403 403 403 403 200 403 200"
    ),
    "province/announcements/<id:pk>/": Row(
        "GET",
        lambda o: f"/province/announcements/{o.notice.pk}/",
        f"{LOGIN} 403 403 403 403 403 200 200 404",
        f"{LOGIN} 403 403 403 403 403 404 404 200",
    ),
    "province/announcements/<id:pk>/edit/": Row(
        "GET",
        lambda o: f"/province/announcements/{o.notice.pk}/edit/",
        f"{LOGIN} 403 403 403 403 403 200 403 404",
        f"{LOGIN} 403 403 403 403 403 404 403 200",
    ),
    "province/announcements/<id:pk>/<str:action>/": Row(
        "GET",
        lambda o: f"/province/announcements/{o.notice.pk}/send/",
        f"{LOGIN} 403 403 403 403 403 200 403 404",
        f"{LOGIN} 403 403 403 403 403 404 403 200",
    ),
    # The province's campaigns: read by its admin and viewer; the public page by anyone, for either province.
    "province/campaigns/": Row("GET", lambda o: "/province/campaigns/", f"{LOGIN} 403 403 403 403 403 200 200 200"),
    "province/campaigns/new/": Row(
        "GET", lambda o: "/province/campaigns/new/", f"{LOGIN} 403 403 403 403 403 200 403 200"
    ),
    "province/campaigns/<id:pk>/": Row(
        "GET",
        lambda o: f"/province/campaigns/{o.province_campaign.pk}/",
        f"{LOGIN} 403 403 403 403 403 200 200 404",
        f"{LOGIN} 403 403 403 403 403 404 404 200",
    ),
    "province/campaigns/<id:pk>/share/": Row(
        "GET",
        lambda o: f"/province/campaigns/{o.province_campaign.pk}/share/",
        f"{LOGIN} 403 403 403 403 403 405 405 405",
    ),
    "t/<str:province_code>/campaigns/<id:pk>/": Row(
        "GET",
        lambda o: f"/t/{o.province_code}/campaigns/{o.province_campaign.pk}/",
        "200 200 200 200 200 200 200 200 200 200",
        "200 200 200 200 200 200 200 200 200 200",
    ),
    "api/province/campaigns/": Row(
        "GET", lambda o: "/api/province/campaigns/", "401 401 403 403 403 403 403 200 200 200", api=True
    ),
    "api/province/campaigns/<id:pk>/": Row(
        "GET",
        lambda o: f"/api/province/campaigns/{o.province_campaign.pk}/",
        "401 401 403 403 403 403 403 200 200 404",
        "401 401 403 403 403 403 403 404 404 200",
        api=True,
    ),
    "api/province/campaigns/<id:pk>/share/": Row(
        "GET",
        lambda o: f"/api/province/campaigns/{o.province_campaign.pk}/share/",
        "401 401 403 403 403 403 403 405 405 405",
        api=True,
    ),
    # A new ward from a sheet: the province's admin only; another province's sheet is not found.
    "province/onboarding/": Row("GET", lambda o: "/province/onboarding/", f"{LOGIN} 403 403 403 403 403 200 403 200"),
    "province/onboarding/template.xlsx": Row(
        "GET", lambda o: "/province/onboarding/template.xlsx", f"{LOGIN} 403 403 403 403 403 200 403 200"
    ),
    "province/onboarding/<id:pk>/": Row(
        "GET",
        lambda o: f"/province/onboarding/{o.onboarding.pk}/",
        f"{LOGIN} 403 403 403 403 403 200 403 404",
        f"{LOGIN} 403 403 403 403 403 404 403 200",
    ),
    "api/province/onboarding/": Row(
        "GET", lambda o: "/api/province/onboarding/", "401 401 403 403 403 403 403 405 405 405", api=True
    ),
    "api/province/onboarding/<id:pk>/commit/": Row(
        "GET",
        lambda o: f"/api/province/onboarding/{o.onboarding.pk}/commit/",
        "401 401 403 403 403 403 403 405 405 405",
        api=True,
    ),
    # The province's report: its admin makes and downloads it; another province's is not found.
    "province/report/": Row("GET", lambda o: "/province/report/", f"{LOGIN} 403 403 403 403 403 200 403 200"),
    "api/province/reports/": Row(
        "GET", lambda o: "/api/province/reports/", "401 401 403 403 403 403 403 405 405 405", api=True
    ),
    "api/province/reports/<id:pk>/": Row(
        "GET",
        lambda o: f"/api/province/reports/{o.province_report.pk}/",
        "401 401 403 403 403 403 403 200 403 404",
        "401 401 403 403 403 403 403 404 403 200",
        api=True,
    ),
    "province/report/<id:pk>/": Row(
        "GET",
        lambda o: f"/province/report/{o.province_report.pk}/",
        f"{LOGIN} 403 403 403 403 403 200 403 404",
        f"{LOGIN} 403 403 403 403 403 404 403 200",
    ),
    "province/report/<id:pk>/download/": Row(
        "GET",
        lambda o: f"/province/report/{o.province_report.pk}/download/",
        f"{LOGIN} 403 403 403 403 403 200 403 404",
        f"{LOGIN} 403 403 403 403 403 404 403 200",
    ),
    "province/wards/<str:code>/": Row(
        "GET",
        lambda o: f"/province/wards/{o.ward.code}/",
        f"{LOGIN} 403 403 403 403 403 200 200 404",
        f"{LOGIN} 403 403 403 403 403 404 404 200",
    ),
    "today/block/": Row("GET", lambda o: "/today/block/", f"{LOGIN} 200 200 200 200 403"),
    "health/": Row("GET", lambda o: "/health/", ALL_200),
    # Campaigns: any staff of the ward reads them; only its admin sets them up, closes them and reads the audit.
    "announcements/<id:pk>/in-person/": Row(
        "GET",
        lambda o: f"/announcements/{o.sent.pk}/in-person/",
        f"{LOGIN} 200 200 200 404 403",
        f"{LOGIN} 404 404 404 200 403",
    ),
    "meetings/": Row("GET", lambda o: "/meetings/", f"{LOGIN} 200 200 200 200 403"),
    "meetings/new/": Row("GET", lambda o: "/meetings/new/", f"{LOGIN} 200 200 200 200 403"),
    "meetings/<id:pk>/": Row(
        "GET", lambda o: f"/meetings/{o.meeting.pk}/", f"{LOGIN} 200 200 200 404 403", f"{LOGIN} 404 404 404 200 403"
    ),
    "meetings/<id:pk>/attendance/": Row(
        "GET",
        lambda o: f"/meetings/{o.meeting.pk}/attendance/",
        f"{LOGIN} 200 200 200 404 403",
        f"{LOGIN} 404 404 404 200 403",
    ),
    # No minutes attached yet: nothing to download, for anyone who may see the meeting.
    "meetings/<id:pk>/minutes/": Row(
        "GET",
        lambda o: f"/meetings/{o.meeting.pk}/minutes/",
        f"{LOGIN} 404 404 404 404 403",
        f"{LOGIN} 404 404 404 404 403",
    ),
    # Earlier versions of the minutes: for the ward's admins only.
    "meetings/<id:pk>/minutes/<id:version>/": Row(
        "GET",
        lambda o: f"/meetings/{o.meeting.pk}/minutes/{o.minutes_version.pk}/",
        f"{LOGIN} 404 404 200 404 403",
        f"{LOGIN} 404 404 404 200 403",
    ),
    "meetings/<id:pk>/scan/": Row(
        "POST",
        lambda o: f"/meetings/{o.meeting.pk}/scan/",
        f"{LOGIN} 400 400 400 404 403",
        f"{LOGIN} 404 404 404 400 403",
        data={"token": "made-up"},
    ),
    "meetings/<id:pk>/results/": Row(
        "POST",
        lambda o: f"/meetings/{o.meeting.pk}/results/",
        f"{LOGIN} 403 302* 302* 404 403",
        f"{LOGIN} 404 404 404 302* 403",
        changed=lambda o: Announcement.objects.filter(title="Kết quả: Họp tổ tháng 12").exists(),
    ),
    "meetings/checkin/<str:token>/": Row(
        "GET",
        lambda o: f"/meetings/checkin/{o.qr}/",
        f"{LOGIN} 200 200 200 404 403",
        f"{LOGIN} 404 404 404 200 403",
    ),
    # Every officer has their own API tokens; another person's token is not found.
    # Every portal account, a province's too, keeps its own API tokens; another's token is not found.
    "account/tokens/": Row("GET", lambda o: "/account/tokens/", f"{LOGIN} 200 200 200 200 403 200 200 200"),
    "account/tokens/<id:pk>/revoke/": Row(
        "GET",
        lambda o: f"/account/tokens/{o.token.pk}/revoke/",
        f"{LOGIN} 404 404 200 404 403 404 404 404",
        f"{LOGIN} 404 404 404 200 403 404 404 404",
    ),
    # The ward's report: its admins only, each their own ward's.
    "ward-report/": Row("GET", lambda o: "/ward-report/", f"{LOGIN} 403 403 200 200 403"),
    "ward-report/<id:pk>/": Row(
        "GET",
        lambda o: f"/ward-report/{o.report_job.pk}/",
        f"{LOGIN} 403 403 200 404 403",
        f"{LOGIN} 403 403 404 200 403",
    ),
    "ward-report/<id:pk>/download/": Row(
        "GET",
        lambda o: f"/ward-report/{o.report_job.pk}/download/",
        f"{LOGIN} 403 403 200 404 403",
        f"{LOGIN} 403 403 404 200 403",
    ),
    "campaigns/": Row("GET", lambda o: "/campaigns/", f"{LOGIN} 200 200 200 200 403"),
    "campaigns/new/": Row("GET", lambda o: "/campaigns/new/", f"{LOGIN} 403 403 200 200 403"),
    "campaigns/<id:pk>/": Row(
        "GET", lambda o: f"/campaigns/{o.campaign.pk}/", f"{LOGIN} 200 200 200 404 403", f"{LOGIN} 404 404 404 200 403"
    ),
    "campaigns/<id:pk>/record/": Row(
        "GET",
        lambda o: f"/campaigns/{o.campaign.pk}/record/",
        f"{LOGIN} 200 200 200 404 403",
        f"{LOGIN} 404 404 404 200 403",
    ),
    "campaigns/<id:pk>/households/": Row(
        "GET",
        lambda o: f"/campaigns/{o.campaign.pk}/households/?all=1",
        f"{LOGIN} 200 200 200 404 403",
        f"{LOGIN} 404 404 404 200 403",
    ),
    "campaigns/<id:pk>/entries/": Row(
        "GET",
        lambda o: f"/campaigns/{o.campaign.pk}/entries/",
        f"{LOGIN} 403 403 200 404 403",
        f"{LOGIN} 403 403 404 200 403",
    ),
    "campaigns/<id:pk>/entries/<id:entry>/reverse/": Row(
        "GET",
        lambda o: f"/campaigns/{o.campaign.pk}/entries/{o.entry.pk}/reverse/",
        f"{LOGIN} 200 200 200 404 403",
        f"{LOGIN} 404 404 404 200 403",
    ),
    "campaigns/<id:pk>/targets/": Row(
        "GET",
        lambda o: f"/campaigns/{o.campaign.pk}/targets/",
        f"{LOGIN} 403 403 200 404 403",
        f"{LOGIN} 403 403 404 200 403",
    ),
    "campaigns/<id:pk>/close/": Row(
        "GET",
        lambda o: f"/campaigns/{o.campaign.pk}/close/",
        f"{LOGIN} 403 403 200 404 403",
        f"{LOGIN} 403 403 404 200 403",
    ),
    "campaigns/<id:pk>/results/": Row(
        "GET",
        lambda o: f"/campaigns/{o.campaign.pk}/results/",
        f"{LOGIN} 403 200 200 404 403",
        f"{LOGIN} 404 404 404 200 403",
    ),
    "campaigns/<id:pk>/import/": Row(
        "GET",
        lambda o: f"/campaigns/{o.campaign.pk}/import/",
        f"{LOGIN} 200 200 200 404 403",
        f"{LOGIN} 404 404 404 200 403",
    ),
    "campaigns/<id:pk>/import/template.xlsx": Row(
        "GET",
        lambda o: f"/campaigns/{o.campaign.pk}/import/template.xlsx?group={o.group.pk}",
        f"{LOGIN} 200 200 200 404 403",
        f"{LOGIN} 404 404 404 200 403",
    ),
    "campaigns/<id:pk>/import/<id:entry_import>/": Row(
        "GET",
        lambda o: f"/campaigns/{o.campaign.pk}/import/{o.entry_import.pk}/",
        f"{LOGIN} 200 200 200 404 403",
        f"{LOGIN} 404 404 404 200 403",
    ),
    "campaigns/<id:pk>/chart.png": Row(
        "GET",
        lambda o: f"/campaigns/{o.campaign.pk}/chart.png",
        f"{LOGIN} 200 200 200 404 403",
        f"{LOGIN} 404 404 404 200 403",
    ),
    "campaigns/<id:pk>/link/": Row(
        "POST",
        lambda o: f"/campaigns/{o.campaign.pk}/link/",
        f"{LOGIN} 403 403 302* 404 403",
        f"{LOGIN} 404 404 404 302* 403",
        data=lambda o: {"announcement": o.web.pk},
        changed=lambda o: Campaign.objects.get(pk=o.campaign.pk).announcements.filter(pk=o.web.pk).exists(),
    ),
    "p/<str:ward_code>/campaigns/<id:pk>/chart.png": Row(
        "GET", lambda o: f"/p/{o.ward.code}/campaigns/{o.campaign.pk}/chart.png", ALL_200, ALL_200
    ),
    "p/<str:ward_code>/campaigns/<id:pk>/": Row(
        "GET", lambda o: f"/p/{o.ward.code}/campaigns/{o.campaign.pk}/", ALL_200, ALL_200
    ),
    "p/<str:ward_code>/campaigns/<id:pk>/feed.atom": Row(
        "GET", lambda o: f"/p/{o.ward.code}/campaigns/{o.campaign.pk}/feed.atom", ALL_200, ALL_200
    ),
    "p/<str:ward_code>/": Row("GET", lambda o: f"/p/{o.ward.code}/", ALL_200, ALL_200),
    "p/<str:ward_code>/feed.atom": Row("GET", lambda o: f"/p/{o.ward.code}/feed.atom", ALL_200, ALL_200),
    "p/<str:ward_code>/g/<id:group_id>/": Row("GET", lambda o: f"/p/{o.ward.code}/g/{o.group.pk}/", ALL_200, ALL_200),
    "p/<str:ward_code>/g/<id:group_id>/feed.atom": Row(
        "GET", lambda o: f"/p/{o.ward.code}/g/{o.group.pk}/feed.atom", ALL_200, ALL_200
    ),
    "a/<id:pk>/": Row("GET", lambda o: f"/a/{o.web.pk}/", ALL_200, ALL_200),
    # A file of an announcement that is not on the web feed, without its key: staff of its ward only.
    "a/<id:pk>/files/<id:file>/": Row(
        "GET",
        lambda o: f"/a/{o.sent.pk}/files/{o.sent_file.pk}/",
        "404 404 200 200 200 404 404",
        "404 404 404 404 404 200 404",
    ),
    "r/<str:code>/": Row("GET", lambda o: f"/r/{o.reader_code}/", ALL_200, ALL_200),
    # What residents read about a campaign: its ward's admins set it.
    "campaigns/<id:pk>/about/": Row(
        "GET",
        lambda o: f"/campaigns/{o.campaign.pk}/about/",
        f"{LOGIN} 403 403 200 404 403",
        f"{LOGIN} 404 404 404 200 403",
    ),
    # The question before rejecting a join request: asked of those who may reject it (as the reject row below).
    "groups/memberships/<id:pk>/reject/confirm/": Row(
        "GET",
        lambda o: f"/groups/memberships/{o.pending.pk}/reject/confirm/",
        f"{LOGIN} 200 404 200 404 403",
        f"{LOGIN} 404 404 404 200 403",
    ),
    # A calendar entry exists only for a meeting invitation, read as the invitation is (its key): none here.
    "a/<id:pk>/calendar.ics": Row(
        "GET", lambda o: f"/a/{o.sent.pk}/calendar.ics", "404 404 404 404 404 404 404", "404 404 404 404 404 404 404"
    ),
    "hooks/sms/": Row("POST", lambda o: "/hooks/sms/", "405 405 405 405 405 405 405"),
    "hooks/zalo/": Row("GET", lambda o: "/hooks/zalo/", "405 405 405 405 405 405 405"),
    "p/<str:ward_code>/report/": Row("GET", lambda o: f"/p/{o.ward.code}/report/", ALL_200, ALL_200),
    # Similar reports show what anyone may read (an accepted report), never a new report's words.
    "p/<str:ward_code>/report/similar/": Row(
        "GET",
        lambda o: f"/p/{o.ward.code}/report/similar/?category=traffic&group={o.group.pk}",
        ALL_200,
        ALL_200,
        absent=lambda o: o.new_report.description[:40],
    ),
    "p/<str:ward_code>/answers/": Row("GET", lambda o: f"/p/{o.ward.code}/answers/", ALL_200, ALL_200),
    # The page after sending opens only in the browser that sent it.
    "report/done/": Row(
        "GET",
        lambda o: f"/report/done/?code={o.report.tracking_code}",
        "404 200 404 404 404 404 404",
        "404 404 404 404 404 404 404",
    ),
    # A private report by its code alone: the page answers, but shows the report only to its reporter.
    "report/status/": Row(
        "GET",
        lambda o: f"/report/status/?code={o.report.tracking_code}",
        "200 200* 200 200 200 200 200",
        ALL_200,
    ),
    "report/rate/": Row(
        "POST",
        lambda o: "/report/rate/",
        "302 302* 302 302 302 302 302",
        "302 302 302 302 302 302 302",
        data=lambda o: {"code": o.report.tracking_code, "rating": "4"},
        changed=lambda o: Report.objects.get(pk=o.report.pk).rating is not None,
    ),
    "report/photos/<id:pk>/": Row(
        "GET",
        lambda o: f"/report/photos/{o.photo.pk}/",
        "404 200 404 404 404 404 404",
        "404 404 404 404 404 404 404",
    ),
    # The link in a confirmation message is the person's answer; whoever holds it answers.
    "join/confirm/<str:token>/": Row(
        "POST",
        lambda o: f"/join/confirm/{o.request_token}/",
        "200* 200* 200* 200* 200* 200* 200*",
        "200* 200* 200* 200* 200* 200* 200*",
        data={"answer": "no"},
        changed=lambda o: _status(o, Membership, o.pending.pk) == "rejected",
    ),
    "join/<str:token>/": Row("GET", lambda o: f"/join/{o.group.invite_token}/", ALL_200, ALL_200),
    # Open311: public reading, tokens answer alike for a private report and no report.
    "open311/v2/discovery.<str:fmt>": Row("GET", lambda o: "/open311/v2/discovery.json", ALL_200),
    "open311/v2/services.<str:fmt>": Row(
        "GET", lambda o: f"/open311/v2/services.json?jurisdiction_id={o.ward.code}", ALL_200, ALL_200
    ),
    "open311/v2/services/<str:service_code>.<str:fmt>": Row(
        "GET", lambda o: f"/open311/v2/services/traffic.json?jurisdiction_id={o.ward.code}", ALL_200, ALL_200
    ),
    "open311/v2/requests.<str:fmt>": Row(
        "GET", lambda o: f"/open311/v2/requests.json?jurisdiction_id={o.ward.code}", ALL_200, ALL_200
    ),
    "open311/v2/requests/<str:request_id>.<str:fmt>": Row(
        "GET",
        lambda o: f"/open311/v2/requests/{o.open_report.tracking_code}.json?jurisdiction_id={o.ward.code}",
        ALL_200,
        ALL_200,
    ),
    "open311/v2/tokens/<str:token>.<str:fmt>": Row(
        "GET",
        lambda o: f"/open311/v2/tokens/{o.report.tracking_code}.json?jurisdiction_id={o.ward.code}",
        "404 404 404 404 404 404 404",
        "404 404 404 404 404 404 404",
    ),
    # Accounts (allauth). Signing up does not exist; a signed-in person is sent on from the login page.
    "accounts/signup/": Row("GET", lambda o: "/accounts/signup/", "404 404 404 404 404 404 404"),
    "accounts/login/": Row("GET", lambda o: "/accounts/login/", "200 200 302 302 302 302 302"),
    "accounts/logout/": Row("GET", lambda o: "/accounts/logout/", "302 302 200 200 200 200 200"),
    "accounts/inactive/": Row("GET", lambda o: "/accounts/inactive/", ALL_200),
    "accounts/reauthenticate/": Row("GET", lambda o: "/accounts/reauthenticate/", "302 302 200 200 200 200 200"),
    "accounts/email/": Row("GET", lambda o: "/accounts/email/", "302 302 200 200 200 200 200"),
    "accounts/confirm-email/": Row("GET", lambda o: "/accounts/confirm-email/", ALL_200),
    "accounts/password/change/": Row("GET", lambda o: "/accounts/password/change/", "302 302 200 200 200 200 200"),
    "accounts/password/set/": Row("GET", lambda o: "/accounts/password/set/", "302 302 302 302 302 302 302"),
    "accounts/password/reset/": Row("GET", lambda o: "/accounts/password/reset/", ALL_200),
    "accounts/login/code/confirm/": Row(
        "GET", lambda o: "/accounts/login/code/confirm/", "302 302 302 302 302 302 302"
    ),
    # A code to sign in again arrives only after one was asked for: without one, everyone is sent on.
    "accounts/reauthenticate/code/": Row(
        "GET", lambda o: "/accounts/reauthenticate/code/", "302 302 302 302 302 302 302"
    ),
    "accounts/reauthenticate/code/confirm/": Row(
        "GET", lambda o: "/accounts/reauthenticate/code/confirm/", "302 302 302 302 302 302 302"
    ),
    "accounts/^confirm-email/(?P<key>[-:\\w]+)/$": Row("GET", lambda o: "/accounts/confirm-email/forged-key/", ALL_200),
    "accounts/password/reset/key/done/": Row("GET", lambda o: "/accounts/password/reset/key/done/", ALL_200),
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": Row(
        "GET", lambda o: "/accounts/password/reset/key/1-forged/", ALL_200
    ),
    "accounts/password/reset/done/": Row("GET", lambda o: "/accounts/password/reset/done/", ALL_200),
    "i18n/setlang/": Row("POST", lambda o: "/i18n/setlang/", "302 302 302 302 302 302 302", data={"language": "vi"}),
    # --- groups ---
    "groups/": Row("GET", lambda o: "/groups/", f"{LOGIN} 200 200 200 200 403"),
    "groups/new/": Row("GET", lambda o: "/groups/new/", f"{LOGIN} 403 403 200 200 403"),
    "groups/<id:pk>/": Row(
        "GET", lambda o: f"/groups/{o.group.pk}/", f"{LOGIN} 200 200 200 404 403", f"{LOGIN} 404 404 404 200 403"
    ),
    "groups/<id:pk>/edit/": Row(
        "GET",
        lambda o: f"/groups/{o.group.pk}/edit/",
        f"{LOGIN} 403 403 200 404 403",
        f"{LOGIN} 403 403 404 200 403",
    ),
    "groups/<id:pk>/members/new/": Row(
        "GET",
        lambda o: f"/groups/{o.group.pk}/members/new/",
        f"{LOGIN} 200 403 200 404 403",
        f"{LOGIN} 404 404 404 200 403",
    ),
    "groups/<id:pk>/import/": Row(
        "GET",
        lambda o: f"/groups/{o.group.pk}/import/",
        f"{LOGIN} 200 403 200 404 403",
        f"{LOGIN} 404 404 404 200 403",
    ),
    "groups/<id:pk>/import/template.xlsx": Row(
        "GET",
        lambda o: f"/groups/{o.group.pk}/import/template.xlsx",
        f"{LOGIN} 200 403 200 404 403",
        f"{LOGIN} 404 404 404 200 403",
    ),
    "groups/<id:pk>/export.xlsx": Row(
        "GET",
        lambda o: f"/groups/{o.group.pk}/export.xlsx",
        f"{LOGIN} 200 403 200 404 403",
        f"{LOGIN} 404 404 404 200 403",
    ),
    "groups/<id:pk>/poster/": Row(
        "GET",
        lambda o: f"/groups/{o.group.pk}/poster/",
        f"{LOGIN} 200 200 200 404 403",
        f"{LOGIN} 404 404 404 200 403",
    ),
    # An import preview is its uploader's alone.
    "groups/imports/<id:pk>/": Row(
        "GET",
        lambda o: f"/groups/imports/{o.member_import.pk}/",
        f"{LOGIN} 404 404 200 404 403",
        f"{LOGIN} 404 404 404 200 403",
    ),
    "groups/members/<id:pk>/": Row(
        "GET",
        lambda o: f"/groups/members/{o.member.pk}/",
        f"{LOGIN} 200 200 200 404 403",
        f"{LOGIN} 404 404 404 200 403",
    ),
    "groups/members/<id:pk>/edit/": Row(
        "GET",
        lambda o: f"/groups/members/{o.member.pk}/edit/",
        f"{LOGIN} 200 403 200 404 403",
        f"{LOGIN} 404 404 404 200 403",
    ),
    # Into a group of the same ward that only the admin manages.
    "groups/members/<id:pk>/add-to-group/": Row(
        "POST",
        lambda o: f"/groups/members/{o.member.pk}/add-to-group/",
        f"{LOGIN} 302 403 302* 404 403",
        f"{LOGIN} 404 404 404 302* 403",
        data=lambda o: {"group": o.other_group.pk, "role": "resident"},
        changed=lambda o: Membership.objects.filter(member=o.member, group=o.other_group).exists(),
    ),
    "groups/staff/": Row("GET", lambda o: "/groups/staff/", f"{LOGIN} 403 403 200 200 403"),
    "groups/audit/": Row("GET", lambda o: "/groups/audit/", f"{LOGIN} 403 403 200 200 403"),
    # --- announcements ---
    "announcements/": Row("GET", lambda o: "/announcements/", f"{LOGIN} 200 200 200 200 403"),
    "announcements/new/": Row("GET", lambda o: "/announcements/new/", f"{LOGIN} 200 200 200 200 403"),
    "announcements/reach/": Row(
        "GET", lambda o: f"/announcements/reach/?group_ids={o.group.pk}&channels=sms", f"{LOGIN} 200 200 200 200 403"
    ),
    "announcements/<id:pk>/": Row(
        "GET",
        lambda o: f"/announcements/{o.draft.pk}/",
        f"{LOGIN} 200 200 200 404 403",
        f"{LOGIN} 404 404 404 200 403",
    ),
    # A draft is its author's (bob; bea in ward B) and a ward admin's to edit.
    "announcements/<id:pk>/edit/": Row(
        "GET",
        lambda o: f"/announcements/{o.draft.pk}/edit/",
        f"{LOGIN} 403 200 200 404 403",
        f"{LOGIN} 404 404 404 200 403",
    ),
    "announcements/<id:pk>/confirm/<str:action>/": Row(
        "GET",
        lambda o: f"/announcements/{o.scheduled.pk}/confirm/send/",
        f"{LOGIN} 403 403 200 404 403",
        f"{LOGIN} 404 404 404 200 403",
    ),
    "announcements/<id:pk>/stats/": Row(
        "GET",
        lambda o: f"/announcements/{o.sent.pk}/stats/",
        f"{LOGIN} 200 200 200 404 403",
        f"{LOGIN} 404 404 404 200 403",
    ),
    # --- reports ---
    "reports/": Row("GET", lambda o: "/reports/", f"{LOGIN} 200 200 200 200 403"),
    "reports/new/": Row("GET", lambda o: "/reports/new/", f"{LOGIN} 200 200 200 200 403"),
    "reports/bulk/": Row(
        "POST",
        lambda o: "/reports/bulk/",
        f"{LOGIN} 302* 302* 302* 302 403",
        f"{LOGIN} 302 302 302 302* 403",
        data=lambda o: {"ids": [o.open_report.pk], "action": "priority", "priority": "urgent", "confirmed": "1"},
        changed=lambda o: Report.objects.get(pk=o.open_report.pk).priority == "urgent",
    ),
    "reports/numbers/": Row("GET", lambda o: "/reports/numbers/", f"{LOGIN} 200 200 200 200 403"),
    "reports/numbers/export.xlsx": Row(
        "GET", lambda o: "/reports/numbers/export.xlsx?month=2026-11", f"{LOGIN} 200 200 200 200 403"
    ),
    "reports/setup/": Row("GET", lambda o: "/reports/setup/", f"{LOGIN} 403 403 200 200 403"),
    "reports/setup/units/new/": Row("GET", lambda o: "/reports/setup/units/new/", f"{LOGIN} 403 403 200 200 403"),
    "reports/setup/units/<id:pk>/": Row(
        "GET",
        lambda o: f"/reports/setup/units/{o.unit.pk}/",
        f"{LOGIN} 403 403 200 404 403",
        f"{LOGIN} 403 403 404 200 403",
    ),
    "reports/setup/units/<id:pk>/delete/": Row(
        "POST",
        lambda o: f"/reports/setup/units/{o.unit.pk}/delete/",
        f"{LOGIN} 403 403 302* 404 403",
        f"{LOGIN} 403 403 404 302* 403",
        changed=lambda o: not Unit.objects.filter(pk=o.unit.pk).exists(),
    ),
    "reports/setup/replies/new/": Row("GET", lambda o: "/reports/setup/replies/new/", f"{LOGIN} 403 403 200 200 403"),
    "reports/setup/replies/<id:pk>/": Row(
        "GET",
        lambda o: f"/reports/setup/replies/{o.reply.pk}/",
        f"{LOGIN} 403 403 200 404 403",
        f"{LOGIN} 403 403 404 200 403",
    ),
    "reports/setup/replies/<id:pk>/delete/": Row(
        "POST",
        lambda o: f"/reports/setup/replies/{o.reply.pk}/delete/",
        f"{LOGIN} 403 403 302* 404 403",
        f"{LOGIN} 403 403 404 302* 403",
        changed=lambda o: not CannedReply.objects.filter(pk=o.reply.pk).exists(),
    ),
    "reports/setup/holidays/": Row(
        "POST",
        lambda o: "/reports/setup/holidays/",
        f"{LOGIN} 403 403 302* 302* 403",
        data={"date": "2027-03-03", "name": "Lễ hội làng"},
        changed=lambda o: Holiday.objects.filter(name="Lễ hội làng").exists(),
    ),
    "reports/setup/holidays/<id:pk>/delete/": Row(
        "POST",
        lambda o: f"/reports/setup/holidays/{o.holiday.pk}/delete/",
        f"{LOGIN} 403 403 302* 404 403",
        f"{LOGIN} 403 403 404 302* 403",
        changed=lambda o: not Holiday.objects.filter(pk=o.holiday.pk).exists(),
    ),
    "reports/<id:pk>/": Row(
        "GET",
        lambda o: f"/reports/{o.report.pk}/",
        f"{LOGIN} 200 200 200 404 403",
        f"{LOGIN} 404 404 404 200 403",
    ),
    "reports/<id:pk>/messages/resend/": Row(
        "GET",
        lambda o: f"/reports/{o.report.pk}/messages/resend/",
        f"{LOGIN} 200 200 200 404 403",
        f"{LOGIN} 404 404 404 200 403",
    ),
    # The ward's undelivered personal messages: its admins only.
    "announcements/messages/": Row("GET", lambda o: "/announcements/messages/", f"{LOGIN} 403 403 200 200 403"),
    "reports/<id:pk>/photos/<id:photo>/": Row(
        "GET",
        lambda o: f"/reports/{o.report.pk}/photos/{o.photo.pk}/",
        f"{LOGIN} 200 200 200 404 403",
        f"{LOGIN} 404 404 404 200 403",
    ),
    # --- API ---
    "api/": Row("GET", lambda o: "/api/", "401 401 200 200 200 200 403"),
    # The API's description is for who may use the API: the wards' staff, the provinces' and the administrator.
    "api/schema/": Row("GET", lambda o: "/api/schema/", "401 401 200 200 200 200 200 200 200 200"),
    "api/docs/": Row("GET", lambda o: "/api/docs/", "302 302 200 200 200 200 200 200 200 200"),
    "api/redoc/": Row("GET", lambda o: "/api/redoc/", "302 302 200 200 200 200 200 200 200 200"),
    # The province's figures: its admin and viewer, nobody of a ward; another province's ward is not found.
    "api/province/": Row("GET", lambda o: "/api/province/", "401 401 403 403 403 403 403 200 200 200", api=True),
    "api/province/announcements/": Row(
        "GET", lambda o: "/api/province/announcements/", "401 401 403 403 403 403 403 200 200 200", api=True
    ),
    "api/province/announcements/<id:pk>/": Row(
        "GET",
        lambda o: f"/api/province/announcements/{o.notice.pk}/",
        "401 401 403 403 403 403 403 200 200 404",
        "401 401 403 403 403 403 403 404 404 200",
        api=True,
    ),
    "api/province/announcements/<id:pk>/send/": Row(
        "GET",
        lambda o: f"/api/province/announcements/{o.notice.pk}/send/",
        "401 401 403 403 403 403 403 405 405 405",
        "401 401 403 403 403 403 403 405 405 405",
        api=True,
    ),
    "api/province/wards/<str:code>/": Row(
        "GET",
        lambda o: f"/api/province/wards/{o.ward.code}/",
        "401 401 403 403 403 403 403 200 200 404",
        "401 401 403 403 403 403 403 404 404 200",
        api=True,
    ),
    "api/^wards/$": Row("GET", lambda o: "/api/wards/", "401 401 200 200 200 200 403"),
    "api/^wards/(?P<pk>[0-9]{1,18})/$": Row(
        "GET", lambda o: f"/api/wards/{o.ward.pk}/", "401 401 200 200 200 404 403", "401 401 404 404 404 200 403"
    ),
    "api/^groups/$": Row("GET", lambda o: "/api/groups/", "401 401 200 200 200 200 403"),
    "api/^groups/(?P<pk>[0-9]{1,18})/$": Row(
        "GET", lambda o: f"/api/groups/{o.group.pk}/", "401 401 200 200 200 404 403", "401 401 404 404 404 200 403"
    ),
    "api/^households/$": Row("GET", lambda o: "/api/households/", "401 401 200 200 200 200 403"),
    "api/^households/(?P<pk>[0-9]{1,18})/$": Row(
        "GET",
        lambda o: f"/api/households/{o.household.pk}/",
        "401 401 200 200 200 404 403",
        "401 401 404 404 404 200 403",
    ),
    "api/^members/$": Row("GET", lambda o: "/api/members/", "401 401 200 200 200 200 403"),
    "api/^members/(?P<pk>[0-9]{1,18})/$": Row(
        "GET",
        lambda o: f"/api/members/{o.member.pk}/",
        "401 401 200 200 200 404 403",
        "401 401 404 404 404 200 403",
    ),
    "api/^memberships/$": Row("GET", lambda o: "/api/memberships/", "401 401 200 200 200 200 403"),
    "api/^memberships/(?P<pk>[0-9]{1,18})/$": Row(
        "GET",
        lambda o: f"/api/memberships/{o.membership.pk}/",
        "401 401 200 200 200 404 403",
        "401 401 404 404 404 200 403",
    ),
    "api/^memberships/(?P<pk>[0-9]{1,18})/approve/$": Row(
        "POST",
        lambda o: f"/api/memberships/{o.pending.pk}/approve/",
        "401 401 200* 404 200* 404 403",
        "401 401 404 404 404 200* 403",
        changed=lambda o: _status(o, Membership, o.pending.pk) == "active",
    ),
    "api/^memberships/(?P<pk>[0-9]{1,18})/reject/$": Row(
        "POST",
        lambda o: f"/api/memberships/{o.pending.pk}/reject/",
        "401 401 200* 404 200* 404 403",
        "401 401 404 404 404 200* 403",
        changed=lambda o: _status(o, Membership, o.pending.pk) == "rejected",
    ),
    "api/^memberships/(?P<pk>[0-9]{1,18})/move/$": Row(
        "POST",
        lambda o: f"/api/memberships/{o.membership.pk}/move/",
        "401 401 400 403 200* 404 403",
        "401 401 404 404 404 200* 403",
        data=lambda o: {"group": o.other_group.pk, "address": ""},
        changed=lambda o: _status(o, Membership, o.membership.pk) == "left",
        api=True,
    ),
    "api/^memberships/(?P<pk>[0-9]{1,18})/role/$": Row(
        "POST",
        lambda o: f"/api/memberships/{o.membership.pk}/role/",
        "401 401 200* 403 200* 404 403",
        "401 401 404 404 404 200* 403",
        data={"role": "group_deputy", "organisation": ""},
        changed=lambda o: Membership.objects.get(pk=o.membership.pk).role == "group_deputy",
        api=True,
    ),
    "api/^announcements/$": Row("GET", lambda o: "/api/announcements/", "401 401 200 200 200 200 403"),
    "api/^announcements/(?P<pk>[0-9]{1,18})/$": Row(
        "GET",
        lambda o: f"/api/announcements/{o.draft.pk}/",
        "401 401 200 200 200 404 403",
        "401 401 404 404 404 200 403",
    ),
    "api/^announcements/(?P<pk>[0-9]{1,18})/submit/$": Row(
        "POST",
        lambda o: f"/api/announcements/{o.draft.pk}/submit/",
        "401 401 403 200* 200* 404 403",
        "401 401 404 404 404 200* 403",
        changed=lambda o: _ann(o, "draft").status != "draft",
    ),
    "api/^announcements/(?P<pk>[0-9]{1,18})/approve/$": Row(
        "POST",
        lambda o: f"/api/announcements/{o.pending_ann.pk}/approve/",
        "401 401 403 403 200* 404 403",
        "401 401 404 404 404 200* 403",
        changed=lambda o: _ann(o, "pending_ann").status != "pending",
    ),
    "api/^announcements/(?P<pk>[0-9]{1,18})/reject/$": Row(
        "POST",
        lambda o: f"/api/announcements/{o.pending_ann.pk}/reject/",
        "401 401 403 403 200* 404 403",
        "401 401 404 404 404 200* 403",
        data={"note": "Sửa giờ họp"},
        changed=lambda o: _ann(o, "pending_ann").status == "draft",
        api=True,
    ),
    "api/^announcements/(?P<pk>[0-9]{1,18})/schedule/$": Row(
        "POST",
        lambda o: f"/api/announcements/{o.scheduled.pk}/schedule/",
        "401 401 403 403 200* 404 403",
        "401 401 404 404 404 200* 403",
        data=lambda o: {"scheduled_at": (timezone.now() + timedelta(days=1)).isoformat()},
        changed=lambda o: _ann(o, "scheduled").scheduled_at > timezone.now() + timedelta(hours=12),
        api=True,
    ),
    "api/^announcements/(?P<pk>[0-9]{1,18})/send/$": Row(
        "POST",
        lambda o: f"/api/announcements/{o.scheduled.pk}/send/",
        "401 401 403 403 200* 404 403",
        "401 401 404 404 404 200* 403",
        changed=lambda o: _ann(o, "scheduled").status == "sending",
    ),
    "api/^announcements/(?P<pk>[0-9]{1,18})/cancel/$": Row(
        "POST",
        lambda o: f"/api/announcements/{o.scheduled.pk}/cancel/",
        "401 401 403 403 200* 404 403",
        "401 401 404 404 404 200* 403",
        changed=lambda o: _ann(o, "scheduled").status == "cancelled",
    ),
    "api/^announcements/(?P<pk>[0-9]{1,18})/retry-failed/$": Row(
        "POST",
        lambda o: f"/api/announcements/{o.sent.pk}/retry-failed/",
        "401 401 403 403 200* 404 403",
        "401 401 404 404 404 200* 403",
        changed=lambda o: Delivery.objects.get(pk=o.delivery.pk).status == "queued",
    ),
    "api/^announcements/(?P<pk>[0-9]{1,18})/stats/$": Row(
        "GET",
        lambda o: f"/api/announcements/{o.sent.pk}/stats/",
        "401 401 200 200 200 404 403",
        "401 401 404 404 404 200 403",
    ),
    "api/^campaigns/$": Row("GET", lambda o: "/api/campaigns/", "401 401 200 200 200 200 403"),
    "api/^campaigns/(?P<pk>[0-9]{1,18})/$": Row(
        "GET",
        lambda o: f"/api/campaigns/{o.campaign.pk}/",
        "401 401 200 200 200 404 403",
        "401 401 404 404 404 200 403",
    ),
    "api/^campaigns/(?P<pk>[0-9]{1,18})/progress/$": Row(
        "GET",
        lambda o: f"/api/campaigns/{o.campaign.pk}/progress/",
        "401 401 200 200 200 404 403",
        "401 401 404 404 404 200 403",
    ),
    "api/^campaigns/(?P<pk>[0-9]{1,18})/entries/$": Row(
        "GET",
        lambda o: f"/api/campaigns/{o.campaign.pk}/entries/",
        "401 401 200 200 200 404 403",
        "401 401 404 404 404 200 403",
    ),
    # The figures of the public page, which needs no login either.
    "api/^campaigns/(?P<pk>[0-9]{1,18})/public/$": Row(
        "GET", lambda o: f"/api/campaigns/{o.campaign.pk}/public/", ALL_200, ALL_200
    ),
    "api/^campaigns/(?P<pk>[0-9]{1,18})/entries/(?P<entry>[0-9]{1,18})/reverse/$": Row(
        "POST",
        lambda o: f"/api/campaigns/{o.campaign.pk}/entries/{o.entry.pk}/reverse/",
        "401 401 201* 201* 201* 404 403",
        "401 401 404 404 404 201* 403",
        data={"reason": "Gõ nhầm"},
        changed=lambda o: Entry.objects.filter(reverses=o.entry).exists(),
        api=True,
    ),
    "api/^meetings/$": Row("GET", lambda o: "/api/meetings/", "401 401 200 200 200 200 403"),
    "api/^meetings/(?P<pk>[0-9]{1,18})/$": Row(
        "GET",
        lambda o: f"/api/meetings/{o.meeting.pk}/",
        "401 401 200 200 200 404 403",
        "401 401 404 404 404 200 403",
    ),
    "api/^meetings/(?P<pk>[0-9]{1,18})/attendance/$": Row(
        "GET",
        lambda o: f"/api/meetings/{o.meeting.pk}/attendance/",
        "401 401 200 200 200 404 403",
        "401 401 404 404 404 200 403",
    ),
    "api/^meetings/(?P<pk>[0-9]{1,18})/scan/$": Row(
        "POST",
        lambda o: f"/api/meetings/{o.meeting.pk}/scan/",
        "401 401 200* 200* 200* 404 403",
        "401 401 404 404 404 200* 403",
        data=lambda o: {"token": o.qr},
        changed=lambda o: Attendance.objects.filter(meeting=o.meeting, member=o.member).exists(),
        api=True,
    ),
    "api/^reports/$": Row("GET", lambda o: "/api/reports/", "401 401 200 200 200 200 403"),
    "api/^reports/numbers/$": Row("GET", lambda o: "/api/reports/numbers/", "401 401 200 200 200 200 403"),
    "api/^reports/(?P<pk>[0-9]{1,18})/$": Row(
        "GET",
        lambda o: f"/api/reports/{o.report.pk}/",
        "401 401 200 200 200 404 403",
        "401 401 404 404 404 200 403",
    ),
    "api/^reports/(?P<pk>[0-9]{1,18})/timeline/$": Row(
        "GET",
        lambda o: f"/api/reports/{o.report.pk}/timeline/",
        "401 401 200 200 200 404 403",
        "401 401 404 404 404 200 403",
    ),
    "api/^reports/(?P<pk>[0-9]{1,18})/status/$": Row(
        "POST",
        lambda o: f"/api/reports/{o.open_report.pk}/status/",
        "401 401 200* 200* 200* 404 403",
        "401 401 404 404 404 200* 403",
        data={"to": "assigned"},
        changed=lambda o: _status(o, Report, o.open_report.pk) == "assigned",
        api=True,
    ),
    "api/^reports/(?P<pk>[0-9]{1,18})/assign/$": Row(
        "POST",
        lambda o: f"/api/reports/{o.open_report.pk}/assign/",
        "401 401 200* 200* 200* 404 403",
        "401 401 404 404 404 200* 403",
        data=lambda o: {"unit": o.unit.pk},
        changed=lambda o: Report.objects.get(pk=o.open_report.pk).unit_id == o.unit.pk,
        api=True,
    ),
    "api/^reports/(?P<pk>[0-9]{1,18})/replies/$": Row(
        "POST",
        lambda o: f"/api/reports/{o.open_report.pk}/replies/",
        "401 401 201* 201* 201* 404 403",
        "401 401 404 404 404 201* 403",
        data={"text": "Đã chuyển tổ môi trường.", "public": True},
        changed=lambda o: Report.objects.get(pk=o.open_report.pk).events.filter(kind="reply").exists(),
        api=True,
    ),
}

# The same API routes with the methods that write.
WRITE_ROWS: dict[str, Row] = {
    "api/province/reports/ POST": Row(
        "POST",
        lambda o: "/api/province/reports/",
        "401 401 403 403 403 403 403 202* 403 202*",
        data={"start": "2026-01-01", "end": "2026-06-30", "format": "xlsx"},
        changed=lambda o: WardReportJob.objects.filter(
            ward__isnull=True, start=date(2026, 1, 1), status="queued"
        ).exists(),
        api=True,
    ),
    "province/report/ POST": Row(
        "POST",
        lambda o: "/province/report/",
        f"{LOGIN} 403 403 403 403 403 302* 403 302*",
        data={"start": "2026-01-01", "end": "2026-06-30", "format": "xlsx", "signer_title": "CHỦ TỊCH"},
        changed=lambda o: WardReportJob.objects.filter(
            ward__isnull=True, start=date(2026, 1, 1), status="queued"
        ).exists(),
    ),
    "api/province/onboarding/<id:pk>/commit/ POST": Row(
        "POST",
        lambda o: f"/api/province/onboarding/{o.onboarding.pk}/commit/",
        "401 401 403 403 403 403 403 200* 403 404",
        "401 401 403 403 403 403 403 404 403 200*",
        changed=lambda o: Ward.objects.filter(code=o.onboarding.ward_code).exists(),
        api=True,
    ),
    "province/onboarding/ POST": Row(
        "POST",
        lambda o: "/province/onboarding/",
        f"{LOGIN} 403 403 403 403 403 302* 403 302*",
        data=lambda o: {
            "ward_name": "Phường Thử",
            "ward_code": "88888",
            "file": SimpleUploadedFile("moi.csv", "Tổ dân phố,Số hộ,Họ và tên,Vai trò\nTổ 1,9,,\n".encode()),
        },
        changed=lambda o: WardOnboarding.objects.filter(ward_code="88888").exists(),
    ),
    "province/onboarding/<id:pk>/ POST": Row(
        "POST",
        lambda o: f"/province/onboarding/{o.onboarding.pk}/",
        f"{LOGIN} 403 403 403 403 403 302* 403 404",
        f"{LOGIN} 403 403 403 403 403 404 403 302*",
        changed=lambda o: Ward.objects.filter(code=o.onboarding.ward_code).exists(),
    ),
    # A province's campaign: opened and its wards' shares changed by its admin only; a ward's admin changes its
    # groups' split, never the province's share (a guessed id finds nothing).
    "province/campaigns/new/ POST": Row(
        "POST",
        lambda o: "/province/campaigns/new/",
        f"{LOGIN} 403 403 403 403 403 302* 403 302*",
        data=lambda o: {
            "name": "Quỹ mới",
            "kind": "fund",
            "unit": "vnd",
            "starts_on": date.today().isoformat(),
            "ends_on": (date.today() + timedelta(days=9)).isoformat(),
            "target": "5.000.000",
        },
        changed=lambda o: ProvinceCampaign.objects.filter(name="Quỹ mới").exists(),
    ),
    "province/campaigns/<id:pk>/share/ POST": Row(
        "POST",
        lambda o: f"/province/campaigns/{o.province_campaign.pk}/share/",
        f"{LOGIN} 403 403 403 403 403 302* 403 404",
        f"{LOGIN} 403 403 403 403 403 404 403 302*",
        data=lambda o: {"ward": o.ward.pk, "target": "7.777.000"},
        changed=lambda o: Campaign.objects.filter(province_campaign=o.province_campaign, target=7_777_000).exists(),
    ),
    "api/province/campaigns/ POST": Row(
        "POST",
        lambda o: "/api/province/campaigns/",
        "401 401 403 403 403 403 403 201* 403 201*",
        data=lambda o: {
            "name": "Quỹ API",
            "kind": "fund",
            "unit": "vnd",
            "starts_on": date.today().isoformat(),
            "ends_on": (date.today() + timedelta(days=9)).isoformat(),
            "target": 5_000_000,
        },
        changed=lambda o: ProvinceCampaign.objects.filter(name="Quỹ API").exists(),
        api=True,
    ),
    "api/province/campaigns/<id:pk>/share/ POST": Row(
        "POST",
        lambda o: f"/api/province/campaigns/{o.province_campaign.pk}/share/",
        "401 401 403 403 403 403 403 200* 403 404",
        "401 401 403 403 403 403 403 404 404 200*",
        data=lambda o: {"ward_code": o.ward.code, "target": 7_777_000},
        changed=lambda o: Campaign.objects.filter(province_campaign=o.province_campaign, target=7_777_000).exists(),
        api=True,
    ),
    "api/province/announcements/ POST": Row(
        "POST",
        lambda o: "/api/province/announcements/",
        "401 401 403 403 403 403 403 201* 403 201*",
        data={"title": "Tết", "body": "Chúc mừng năm mới.", "channels": ["sms"]},
        changed=lambda o: ProvinceAnnouncement.objects.filter(title="Tết").exists(),
        api=True,
    ),
    "api/province/announcements/<id:pk>/send/ POST": Row(
        "POST",
        lambda o: f"/api/province/announcements/{o.notice.pk}/send/",
        "401 401 403 403 403 403 403 200* 403 404",
        "401 401 403 403 403 403 403 404 404 200*",
        changed=lambda o: Announcement.objects.filter(province_announcement=o.notice).exists(),
        api=True,
    ),
    # A province's announcement: written and sent by its admin only, never by its viewer or a ward, and another
    # province's is not found (a guessed id changes nothing).
    "province/announcements/new/ POST": Row(
        "POST",
        lambda o: "/province/announcements/new/",
        f"{LOGIN} 403 403 403 403 403 302* 403 302*",
        data={
            "title": "Tết",
            "body": "Chúc mừng năm mới.",
            "category": "other",
            "urgency": "routine",
            "channels": ["sms"],
        },
        changed=lambda o: ProvinceAnnouncement.objects.filter(title="Tết").exists(),
    ),
    "province/announcements/<id:pk>/edit/ POST": Row(
        "POST",
        lambda o: f"/province/announcements/{o.notice.pk}/edit/",
        f"{LOGIN} 403 403 403 403 403 302* 403 404",
        f"{LOGIN} 403 403 403 403 403 404 403 302*",
        data={
            "title": "Đã sửa",
            "body": "Bão đêm nay.",
            "category": "other",
            "urgency": "routine",
            "channels": ["sms"],
        },
        changed=lambda o: ProvinceAnnouncement.objects.get(pk=o.notice.pk).title == "Đã sửa",
    ),
    "province/announcements/<id:pk>/send/ POST": Row(
        "POST",
        lambda o: f"/province/announcements/{o.notice.pk}/send/",
        f"{LOGIN} 403 403 403 403 403 302* 403 404",
        f"{LOGIN} 403 403 403 403 403 404 403 302*",
        changed=lambda o: Announcement.objects.filter(province_announcement=o.notice).exists(),
    ),
    "province/announcements/<id:pk>/cancel/ POST": Row(
        "POST",
        lambda o: f"/province/announcements/{o.notice.pk}/cancel/",
        f"{LOGIN} 403 403 403 403 403 302* 403 404",
        f"{LOGIN} 403 403 403 403 403 404 403 302*",
        changed=lambda o: ProvinceAnnouncement.objects.get(pk=o.notice.pk).status == "cancelled",
    ),
    "campaigns/<id:pk>/about/ POST": Row(
        "POST",
        lambda o: f"/campaigns/{o.campaign.pk}/about/",
        f"{LOGIN} 403 403 302* 404 403",
        f"{LOGIN} 404 404 404 302* 403",
        data={"purpose": "Giúp hộ nghèo", "how_to_give": "", "bank_bin": "", "bank_account": "", "bank_holder": ""},
        changed=lambda o: Campaign.objects.get(pk=o.campaign.pk).purpose == "Giúp hộ nghèo",
    ),
    "reports/<id:pk>/messages/resend/ POST": Row(
        "POST",
        lambda o: f"/reports/{o.report.pk}/messages/resend/",
        f"{LOGIN} 302* 302* 302* 404 403",
        f"{LOGIN} 404 404 404 302* 403",
        changed=lambda o: Delivery.objects.get(pk=o.undelivered.pk).status == "queued",
    ),
    # Ward B's admin sends again ward B's messages, never ward A's.
    "announcements/messages/ POST": Row(
        "POST",
        lambda o: "/announcements/messages/",
        f"{LOGIN} 403 403 302* 302 403",
        changed=lambda o: Delivery.objects.get(pk=o.undelivered.pk).status == "queued",
    ),
    "account/tokens/ POST": Row(
        "POST",
        lambda o: "/account/tokens/",
        f"{LOGIN} 200* 200* 200* 200* 403 200* 200* 200*",
        data={"name": "matrix"},
        changed=lambda o: ApiToken.objects.filter(name="matrix").exists(),
    ),
    # The token of each ward's admin (alice, dave): revoked by its owner only.
    "account/tokens/<id:pk>/revoke/ POST": Row(
        "POST",
        lambda o: f"/account/tokens/{o.token.pk}/revoke/",
        f"{LOGIN} 404 404 302* 404 403 404 404 404",
        f"{LOGIN} 404 404 404 302* 403 404 404 404",
        changed=lambda o: ApiToken.objects.filter(pk=o.token.pk, revoked_at__isnull=False).exists(),
    ),
    "announcements/<id:pk>/in-person/ POST": Row(
        "POST",
        lambda o: f"/announcements/{o.sent.pk}/in-person/",
        f"{LOGIN} 302* 302* 302* 404 403",
        f"{LOGIN} 404 404 404 302* 403",
        data=lambda o: {"how": "told", "household": o.household.pk},
        changed=lambda o: InPersonReach.objects.filter(announcement=o.sent, household=o.household).exists(),
    ),
    "meetings/<id:pk>/attendance/ POST": Row(
        "POST",
        lambda o: f"/meetings/{o.meeting.pk}/attendance/",
        f"{LOGIN} 302* 302* 302* 404 403",
        f"{LOGIN} 404 404 404 302* 403",
        data=lambda o: {"member": o.member.pk},
        changed=lambda o: Attendance.objects.filter(meeting=o.meeting, member=o.member).exists(),
    ),
    # Minutes are replaced only by those who run the meeting (its organiser bob/bea, a ward admin), as a new
    # version: the leader of an invited group may read them but not replace them.
    "meetings/<id:pk>/minutes/ POST": Row(
        "POST",
        lambda o: f"/meetings/{o.meeting.pk}/minutes/",
        f"{LOGIN} 403 302* 302* 404 403",
        f"{LOGIN} 404 404 404 302* 403",
        data=lambda o: {
            "minutes": SimpleUploadedFile("matrix.pdf", b"%PDF-1.4 matrix", content_type="application/pdf")
        },
        changed=lambda o: MinutesVersion.objects.filter(meeting=o.meeting, name="matrix.pdf").exists(),
    ),
    "meetings/checkin/<str:token>/ POST": Row(
        "POST",
        lambda o: f"/meetings/checkin/{o.qr}/",
        f"{LOGIN} 302* 302* 302* 404 403",
        f"{LOGIN} 404 404 404 302* 403",
        changed=lambda o: Attendance.objects.filter(meeting=o.meeting, member=o.member, how="qr").exists(),
    ),
    "api/^meetings/$ POST": Row(
        "POST",
        lambda o: "/api/meetings/",
        "401 401 201* 201* 201* 400 403",
        data=lambda o: {
            "title": "Hội nghị dân cư",
            "starts_at": "2026-12-05T19:30:00+07:00",
            "place": "Nhà văn hóa",
            "group_ids": [o.group.pk],
        },
        changed=lambda o: Meeting.objects.filter(title="Hội nghị dân cư").exists(),
        api=True,
    ),
    "api/^meetings/(?P<pk>[0-9]{1,18})/attendance/$ POST": Row(
        "POST",
        lambda o: f"/api/meetings/{o.meeting.pk}/attendance/",
        "401 401 200* 200* 200* 404 403",
        "401 401 404 404 404 200* 403",
        data=lambda o: {"member_ids": [o.member.pk]},
        changed=lambda o: Attendance.objects.filter(meeting=o.meeting, member=o.member).exists(),
        api=True,
    ),
    "ward-report/ POST": Row(
        "POST",
        lambda o: "/ward-report/",
        f"{LOGIN} 403 403 302* 302* 403",
        data={
            "start": "2026-01-01",
            "end": "2026-06-30",
            "format": "docx",
            "number": "12",
            "signer": "Trần Thị Hoa",
            "signer_title": "CHỦ TỊCH",
            "recipients": "Lưu: VT",
        },
        changed=lambda o: WardReportJob.objects.filter(format="docx", signer="Trần Thị Hoa").exists(),
    ),
    "campaigns/new/ POST": Row(
        "POST",
        lambda o: "/campaigns/new/",
        f"{LOGIN} 403 403 302* 302* 403",
        data={
            "name": "Ngày Chủ nhật xanh",
            "kind": "action",
            "unit": "households",
            "starts_on": "2026-12-06",
            "ends_on": "2026-12-06",
            "target": "100",
        },
        changed=lambda o: Campaign.objects.filter(name="Ngày Chủ nhật xanh").exists(),
    ),
    "campaigns/<id:pk>/record/ POST": Row(
        "POST",
        lambda o: f"/campaigns/{o.campaign.pk}/record/",
        f"{LOGIN} 302* 302* 302* 404 403",
        f"{LOGIN} 404 404 404 302* 403",
        data=lambda o: {"household": o.household.pk, "amount": "50.000", "key": "matrix"},
        changed=lambda o: Entry.objects.filter(campaign=o.campaign, key="matrix").exists(),
    ),
    "campaigns/<id:pk>/entries/<id:entry>/reverse/ POST": Row(
        "POST",
        lambda o: f"/campaigns/{o.campaign.pk}/entries/{o.entry.pk}/reverse/",
        f"{LOGIN} 302* 302* 302* 404 403",
        f"{LOGIN} 404 404 404 302* 403",
        data={"reason": "Gõ nhầm", "key": "matrix-r"},
        changed=lambda o: Entry.objects.filter(reverses=o.entry).exists(),
    ),
    "campaigns/<id:pk>/targets/ POST": Row(
        "POST",
        lambda o: f"/campaigns/{o.campaign.pk}/targets/",
        f"{LOGIN} 403 403 302* 404 403",
        f"{LOGIN} 403 403 404 302* 403",
        data=lambda o: {f"g{t.group_id}": "7" for t in GroupTarget.objects.filter(campaign=o.campaign)},
        changed=lambda o: GroupTarget.objects.filter(campaign=o.campaign, target=7).exists(),
    ),
    "campaigns/<id:pk>/results/ POST": Row(
        "POST",
        lambda o: f"/campaigns/{o.campaign.pk}/results/",
        f"{LOGIN} 403 302* 302* 404 403",
        f"{LOGIN} 404 404 404 302* 403",
        changed=lambda o: Campaign.objects.get(pk=o.campaign.pk).announcements.exists(),
    ),
    "campaigns/<id:pk>/close/ POST": Row(
        "POST",
        lambda o: f"/campaigns/{o.campaign.pk}/close/",
        f"{LOGIN} 403 403 302* 404 403",
        f"{LOGIN} 403 403 404 302* 403",
        changed=lambda o: Campaign.objects.get(pk=o.campaign.pk).status == "closed",
    ),
    "api/^groups/$ POST": Row(
        "POST",
        lambda o: "/api/groups/",
        "401 401 403 403 201* 201* 403",
        data={"name": "Thôn Mới", "kind": "thon", "households_total": 10},
        changed=lambda o: o.ward.groups.filter(name="Thôn Mới").exists() or _any_group("Thôn Mới"),
        api=True,
    ),
    "api/^groups/(?P<pk>[0-9]{1,18})/$ PATCH": Row(
        "PATCH",
        lambda o: f"/api/groups/{o.group.pk}/",
        "401 401 403 403 200* 404 403",
        "401 401 404 404 404 200* 403",
        data={"households_total": 77},
        changed=lambda o: o.group.__class__.objects.get(pk=o.group.pk).households_total == 77,
        api=True,
    ),
    "api/^members/$ POST": Row(
        "POST",
        lambda o: "/api/members/",
        "401 401 201* 403 201* 400 403",
        data=lambda o: {"group": o.group.pk, "full_name": "Đỗ Văn Nam", "phone": "0988 123 456", "role": "resident"},
        changed=lambda o: Member.objects.filter(phone="+84988123456").exists(),
        api=True,
    ),
    "api/^members/(?P<pk>[0-9]{1,18})/$ PATCH": Row(
        "PATCH",
        lambda o: f"/api/members/{o.member.pk}/",
        "401 401 200* 403 200* 404 403",
        "401 401 404 404 404 200* 403",
        data={"full_name": "Lê Văn Minh Mới"},
        changed=lambda o: Member.objects.get(pk=o.member.pk).full_name == "Lê Văn Minh Mới",
        api=True,
    ),
    "api/^memberships/(?P<pk>[0-9]{1,18})/$ DELETE": Row(
        "DELETE",
        lambda o: f"/api/memberships/{o.membership.pk}/",
        "401 401 204* 403 204* 404 403",
        "401 401 404 404 404 204* 403",
        changed=lambda o: _status(o, Membership, o.membership.pk) == "left",
    ),
    "api/^announcements/$ POST": Row(
        "POST",
        lambda o: "/api/announcements/",
        "401 401 201* 201* 201* 400 403",  # ward B's admin cannot write to ward A's group
        data=lambda o: {"title": "Họp tổ", "body": "Mời bà con.", "group_ids": [o.group.pk], "channels": ["sms"]},
        changed=lambda o: Announcement.objects.filter(title="Họp tổ").exists(),
        api=True,
    ),
    "api/^announcements/(?P<pk>[0-9]{1,18})/$ PUT": Row(
        "PUT",
        lambda o: f"/api/announcements/{o.draft.pk}/",
        "401 401 403 200* 200* 404 403",
        "401 401 404 404 404 200* 403",
        data=lambda o: {"title": "Sửa tiêu đề", "body": "Mời.", "group_ids": [o.group.pk], "channels": ["sms"]},
        changed=lambda o: _ann(o, "draft").title == "Sửa tiêu đề",
        api=True,
    ),
    "api/^campaigns/$ POST": Row(
        "POST",
        lambda o: "/api/campaigns/",
        "401 401 403 403 201* 201* 403",
        data={
            "name": "Quỹ Đền ơn đáp nghĩa",
            "kind": "fund",
            "unit": "vnd",
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-31",
            "target": 5_000_000,
        },
        changed=lambda o: Campaign.objects.filter(name="Quỹ Đền ơn đáp nghĩa").exists(),
        api=True,
    ),
    "api/^campaigns/(?P<pk>[0-9]{1,18})/entries/$ POST": Row(
        "POST",
        lambda o: f"/api/campaigns/{o.campaign.pk}/entries/",
        "401 401 201* 201* 201* 404 403",
        "401 401 404 404 404 201* 403",
        data=lambda o: {"household": o.household.pk, "amount": 50_000, "key": "matrix-api"},
        changed=lambda o: Entry.objects.filter(campaign=o.campaign, key="matrix-api").exists(),
        api=True,
    ),
    "api/^reports/$ POST": Row(
        "POST",
        lambda o: "/api/reports/",
        "401 401 201* 201* 201* 201* 403",
        data={"category": "traffic", "description": "Cột đèn đổ sau mưa lớn", "source": "phone"},
        changed=lambda o: Report.objects.filter(description="Cột đèn đổ sau mưa lớn").exists(),
        api=True,
    ),
}


def _any_group(name: str) -> bool:
    from groups.models import ResidentialGroup

    return ResidentialGroup.objects.filter(name=name).exists()


# Routes whose last segment is an action: one row per action.
ACTION_ROWS: dict[str, dict[str, Row]] = {
    "groups/memberships/<id:pk>/<str:action>/": {
        "role": Row(
            "POST",
            lambda o: f"/groups/memberships/{o.membership.pk}/role/",
            f"{LOGIN} 302* 403 302* 404 403",
            f"{LOGIN} 404 404 404 302* 403",
            data={"role": "group_deputy"},
            changed=lambda o: Membership.objects.get(pk=o.membership.pk).role == "group_deputy",
        ),
        "remove": Row(
            "POST",
            lambda o: f"/groups/memberships/{o.membership.pk}/remove/",
            f"{LOGIN} 302* 403 302* 404 403",
            f"{LOGIN} 404 404 404 302* 403",
            changed=lambda o: _status(o, Membership, o.membership.pk) == "left",
        ),
        # Into a group the leader does not lead: refused by the form, nothing moves.
        "move": Row(
            "POST",
            lambda o: f"/groups/memberships/{o.membership.pk}/move/",
            f"{LOGIN} 302 403 302* 404 403",
            f"{LOGIN} 404 404 404 302* 403",
            data=lambda o: {"group": o.other_group.pk},
            changed=lambda o: _status(o, Membership, o.membership.pk) == "left",
        ),
        "approve": Row(
            "POST",
            lambda o: f"/groups/memberships/{o.pending.pk}/approve/",
            f"{LOGIN} 302* 404 302* 404 403",
            f"{LOGIN} 404 404 404 302* 403",
            changed=lambda o: _status(o, Membership, o.pending.pk) == "active",
        ),
        "reject": Row(
            "POST",
            lambda o: f"/groups/memberships/{o.pending.pk}/reject/",
            f"{LOGIN} 302* 404 302* 404 403",
            f"{LOGIN} 404 404 404 302* 403",
            changed=lambda o: _status(o, Membership, o.pending.pk) == "rejected",
        ),
    },
    "announcements/<id:pk>/<str:action>/": {
        "submit": Row(
            "POST",
            lambda o: f"/announcements/{o.draft.pk}/submit/",
            f"{LOGIN} 302 302* 302* 404 403",
            f"{LOGIN} 404 404 404 302* 403",
            changed=lambda o: _ann(o, "draft").status != "draft",
        ),
        "approve": Row(
            "POST",
            lambda o: f"/announcements/{o.pending_ann.pk}/approve/",
            f"{LOGIN} 302 302 302* 404 403",
            f"{LOGIN} 404 404 404 302* 403",
            changed=lambda o: _ann(o, "pending_ann").status != "pending",
        ),
        "reject": Row(
            "POST",
            lambda o: f"/announcements/{o.pending_ann.pk}/reject/",
            f"{LOGIN} 302 302 302* 404 403",
            f"{LOGIN} 404 404 404 302* 403",
            data={"note": "Sửa giờ họp"},
            changed=lambda o: _ann(o, "pending_ann").status == "draft",
        ),
        "schedule": Row(
            "POST",
            lambda o: f"/announcements/{o.scheduled.pk}/schedule/",
            f"{LOGIN} 302 302 302* 404 403",
            f"{LOGIN} 404 404 404 302* 403",
            data=lambda o: {"scheduled_at": (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")},
            changed=lambda o: _ann(o, "scheduled").scheduled_at > timezone.now() + timedelta(hours=12),
        ),
        "send": Row(
            "POST",
            lambda o: f"/announcements/{o.scheduled.pk}/send/",
            f"{LOGIN} 302 302 302* 404 403",
            f"{LOGIN} 404 404 404 302* 403",
            changed=lambda o: _ann(o, "scheduled").status == "sending",
        ),
        "cancel": Row(
            "POST",
            lambda o: f"/announcements/{o.scheduled.pk}/cancel/",
            f"{LOGIN} 302 302 302* 404 403",
            f"{LOGIN} 404 404 404 302* 403",
            changed=lambda o: _ann(o, "scheduled").status == "cancelled",
        ),
        # A correction is a new draft of one's own, which still needs approval.
        "correct": Row(
            "POST",
            lambda o: f"/announcements/{o.sent.pk}/correct/",
            f"{LOGIN} 302* 302* 302* 404 403",
            f"{LOGIN} 404 404 404 302* 403",
            changed=lambda o: Announcement.objects.filter(corrects=o.sent).exists(),
        ),
        "retry": Row(
            "POST",
            lambda o: f"/announcements/{o.sent.pk}/retry/",
            f"{LOGIN} 302 302 302* 404 403",
            f"{LOGIN} 404 404 404 302* 403",
            changed=lambda o: Delivery.objects.get(pk=o.delivery.pk).status == "queued",
        ),
        "remove-file-<id>": Row(
            "POST",
            lambda o: f"/announcements/{o.draft.pk}/remove-file-{o.draft_file.pk}/",
            f"{LOGIN} 302 302* 302* 404 403",
            f"{LOGIN} 404 404 404 302* 403",
            changed=lambda o: not o.draft.files.exists(),
        ),
    },
    "reports/<id:pk>/<str:action>/": {
        "status": Row(
            "POST",
            lambda o: f"/reports/{o.open_report.pk}/status/",
            f"{LOGIN} 302* 302* 302* 404 403",
            f"{LOGIN} 404 404 404 302* 403",
            data={"to": "assigned"},
            changed=lambda o: _status(o, Report, o.open_report.pk) == "assigned",
        ),
        "assign": Row(
            "POST",
            lambda o: f"/reports/{o.open_report.pk}/assign/",
            f"{LOGIN} 302* 302* 302* 404 403",
            f"{LOGIN} 404 404 404 302* 403",
            data=lambda o: {"unit": o.unit.pk},
            changed=lambda o: Report.objects.get(pk=o.open_report.pk).unit_id == o.unit.pk,
        ),
        "priority": Row(
            "POST",
            lambda o: f"/reports/{o.open_report.pk}/priority/",
            f"{LOGIN} 302* 302* 302* 404 403",
            f"{LOGIN} 404 404 404 302* 403",
            data={"priority": "urgent"},
            changed=lambda o: Report.objects.get(pk=o.open_report.pk).priority == "urgent",
        ),
        "reply": Row(
            "POST",
            lambda o: f"/reports/{o.open_report.pk}/reply/",
            f"{LOGIN} 302* 302* 302* 404 403",
            f"{LOGIN} 404 404 404 302* 403",
            data={"text": "Đã chuyển tổ môi trường.", "public": "on"},
            changed=lambda o: Report.objects.get(pk=o.open_report.pk).events.filter(kind="reply").exists(),
        ),
    },
}

# Django admin: only a superuser gets in; everyone else is sent to the (limited) portal login or refused.
ADMIN_MODELS = {
    "auth/group",
    "auth/user",
    "account/emailaddress",
    "portal/auditevent",
    "groups/ward",
    "groups/residentialgroup",
    "groups/household",
    "groups/member",
    "groups/outlet",
    "groups/staffprofile",
    "groups/province",
    "groups/provincestaff",
    "groups/memberimport",
    "feedback/unit",
    "feedback/holiday",
    "feedback/cannedreply",
    "feedback/open311key",
    "feedback/report",
}
ADMIN_OTHER = {
    "admin/login/": Row("GET", lambda o: "/admin/login/", "302 302 403 403 403 403 302 403 403 403"),
    "admin/": Row("GET", lambda o: "/admin/", "302 302 302 302 302 302 200"),
    "admin/logout/": Row("POST", lambda o: "/admin/logout/", "302 302 302 302 302 302 200"),
    "admin/password_change/": Row("GET", lambda o: "/admin/password_change/", "302 302 302 302 302 302 200"),
    "admin/password_change/done/": Row("GET", lambda o: "/admin/password_change/done/", "302 302 302 302 302 302 200"),
    "admin/autocomplete/": Row("GET", lambda o: "/admin/autocomplete/", "302 302 302 302 302 302 403"),
    "admin/jsi18n/": Row("GET", lambda o: "/admin/jsi18n/", "302 302 302 302 302 302 200"),
    "admin/r/<path:content_type_id>/<path:object_id>/": Row(
        "GET", lambda o: "/admin/r/1/1/", "302 302 302 302 302 302 404"
    ),
    "admin/auth/user/<id>/password/": Row(
        "GET",
        lambda o: f"/admin/auth/user/{get_user_model().objects.order_by('pk').first().pk}/password/",
        "302 302 302 302 302 302 200",
    ),
    "admin/^(?P<app_label>auth|account|portal|groups|feedback)/$": Row(
        "GET", lambda o: "/admin/groups/", "302 302 302 302 302 302 200"
    ),
    "admin/(?P<url>.*)$": Row("GET", lambda o: "/admin/no-such-page/", "302 302 302 302 302 302 404"),
}


def _admin_model_rows() -> dict[str, Row]:
    """The change list, add, change, history and delete pages of every registered model."""
    from django.contrib import admin

    rows = {}
    for model in admin.site._registry:
        label = f"{model._meta.app_label}/{model._meta.model_name}"
        first = model._default_manager.order_by("pk").first()
        pk = first.pk if first is not None else 1
        for suffix, path in (
            ("", f"/admin/{label}/"),
            ("add/", f"/admin/{label}/add/"),
            ("<path:object_id>/history/", f"/admin/{label}/{pk}/history/"),
            ("<path:object_id>/delete/", f"/admin/{label}/{pk}/delete/"),
            ("<path:object_id>/change/", f"/admin/{label}/{pk}/change/"),
            ("<path:object_id>/", f"/admin/{label}/{pk}/"),
        ):
            model_admin = admin.site._registry[model]
            superuser = "200"
            if suffix == "<path:object_id>/" or (first is None and "object_id" in suffix):
                superuser = "302"  # the bare object URL redirects to its change page; a missing object to the list
            elif suffix == "add/" and not model_admin.has_add_permission(_SuperRequest()):
                superuser = "403"  # the audit trail and reports are never written by hand in the admin
            elif suffix.endswith("delete/") and not model_admin.has_delete_permission(_SuperRequest()):
                superuser = "403"
            rows[f"admin/{label}/{suffix}"] = Row(
                "GET", lambda o, path=path: path, f"302 302 302 302 302 302 {superuser}"
            )
    return rows


class _SuperRequest:
    class user:  # stands in for request.user, so lower case
        is_active = is_staff = is_superuser = True

        @staticmethod
        def has_perm(*_args: Any) -> bool:
            return True


# --- the routes, from the resolver --------------------------------------------------------------------------


def _routes() -> list[str]:
    def walk(patterns: list, prefix: str = "") -> list[str]:
        found = []
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                found += walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                found.append(prefix + str(pattern.pattern))
        return found

    routes = []
    for route in walk(get_resolver().url_patterns):
        # DRF's format-suffix duplicates (".json") answer as the route they repeat.
        if "(?P<format>" in route or "<drf_format_suffix:format>" in route:
            continue
        routes.append(route)
    return routes


def _cells(spec: str, path: str = "") -> list[tuple[int, bool]]:
    cells = [(int(cell.rstrip("*")), cell.endswith("*")) for cell in spec.split()]
    if len(cells) == len(PRINCIPALS) - len(PROVINCE_PRINCIPALS):
        root = (302, False) if path.startswith("/admin/") else cells[-1]
        cells += [root] * len(PROVINCE_PRINCIPALS)
    assert len(cells) == len(PRINCIPALS), spec
    return cells


def test_every_route_has_a_row_in_the_matrix():
    admin_rows = _admin_model_rows()
    known = set(ROWS) | set(ACTION_ROWS) | set(ADMIN_OTHER) | set(admin_rows)

    missing = [route for route in _routes() if route not in known]

    assert not missing, f"routes without a row in the authorization matrix: {missing}"
    registered = {key.rsplit("/", 2)[0].removeprefix("admin/") for key in admin_rows if key.endswith("/add/")}
    registered = {key.removesuffix("/add") for key in registered}
    assert registered == ADMIN_MODELS, "a model was added to or removed from the admin: add it to the matrix"


def _readable_body(response: Any) -> str:
    """The answer's text as a person would read it (JSON escapes every Vietnamese letter)."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    body = raw.decode(errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(json.loads(body), ensure_ascii=False)
    return body


def _run(world: Any, name: str, row: Row) -> list[str]:
    problems = []
    wards = [("A", world.a, row.a)] + ([("B", world.b, row.b)] if row.b else [])
    for ward_name, objects, spec in wards:
        for principal, (status, must_change) in zip(PRINCIPALS, _cells(spec, row.path(objects)), strict=True):
            cache.clear()  # rate-limit counters live in Redis, outside the savepoint
            with transaction.atomic():
                client = world.clients[principal]
                if principal in world.users:
                    # Signed in afresh in each cell: a row that logs out must not sign out the next ones.
                    client.force_login(world.users[principal])
                path = row.path(objects)
                data = row.data(objects) if callable(row.data) else row.data
                if row.method == "GET":
                    response = client.get(path)
                elif row.api or row.method != "POST":
                    send = getattr(client, row.method.lower())
                    response = send(path, json.dumps(data), content_type="application/json")
                else:
                    response = client.post(path, data)
                changed = False
                if name == "report/status/":
                    changed = objects.report.description in response.content.decode()
                elif row.changed is not None:
                    changed = bool(row.changed(objects))
                if row.absent is not None and row.absent(objects) in _readable_body(response):
                    problems.append(f"{name} [{ward_name}] {principal}: shows {row.absent(objects)!r}")
                # (The API's schema is the same document for everyone; its examples are made up.)
                if principal in PROVINCE_PRINCIPALS and name != "api/schema/":
                    body = _readable_body(response)
                    problems += [
                        f"{name} [{ward_name}] {principal}: shows personal data {secret!r}"
                        for secret in world.personal
                        if secret in body
                    ]
                if response.status_code != status or changed != must_change:
                    problems.append(
                        f"{name} [{ward_name}] {principal}: expected {status}{'*' if must_change else ''}, "
                        f"got {response.status_code}{'*' if changed else ''}"
                    )
                transaction.set_rollback(True)
    return problems


ADMIN_SUFFIXES = ["", "add/", "<path:object_id>/history/", "<path:object_id>/delete/", "<path:object_id>/change/"]


def _names() -> list[str]:
    """Every row's name, known without the database (the admin's rows are made when they run: their paths name
    the first object of each model)."""
    from django.contrib import admin

    admin_rows = [
        f"admin/{model._meta.app_label}/{model._meta.model_name}/{suffix}"
        for model in admin.site._registry
        for suffix in [*ADMIN_SUFFIXES, "<path:object_id>/"]
    ]
    return [
        *ROWS,
        *(f"{route} {action}" for route, actions in ACTION_ROWS.items() for action in actions),
        *WRITE_ROWS,
        *ADMIN_OTHER,
        *admin_rows,
    ]


def _row(name: str) -> Row:
    route, _space, action = name.rpartition(" ")
    if route in ACTION_ROWS and action in ACTION_ROWS[route]:
        return ACTION_ROWS[route][action]
    for rows in (ROWS, WRITE_ROWS, ADMIN_OTHER):
        if name in rows:
            return rows[name]
    return _admin_model_rows()[name]


# One test per row: a failure names its route, and the rest still run.
@pytest.mark.parametrize("name", _names(), ids=lambda name: name or "/")
def test_the_route_answers_every_visitor_as_the_matrix_says(world, db, name):
    problems = _run(world, name, _row(name))

    assert not problems, "\n" + "\n".join(problems)


def test_the_matrix_walks_every_row():
    """Every row of every table is one of the tests above."""
    from django.contrib import admin

    assert (
        len(_names())
        == len(set(_names()))
        == (
            len(ROWS)
            + sum(len(actions) for actions in ACTION_ROWS.values())
            + len(WRITE_ROWS)
            + len(ADMIN_OTHER)
            + 6 * len(admin.site._registry)
        )
    )


def test_no_answer_is_a_server_error_and_no_page_names_the_other_ward(world, db):
    """The same walk as above, seen from ward A's leader: nothing of ward B's report or member on any page."""
    secrets_of_b = [world.b.member.full_name]
    leaks = []
    for name, row in ROWS.items():
        if row.method != "GET" or not row.b:
            continue
        leader = world.clients["carol"]
        leader.force_login(world.users["carol"])
        body = leader.get(row.path(world.b)).content.decode(errors="replace")
        leaks += [f"{name}: {secret}" for secret in secrets_of_b if re.search(re.escape(secret), body)]
    assert not leaks
