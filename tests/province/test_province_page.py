"""The province's page: every ward's figures as its officers' work changes them, read back from the roll-ups."""

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from campaigns import services as campaign_services
from feedback.models import Report
from feedback.services import ReportData, report_change_status, report_submit
from groups import services as groups
from groups.models import ResidentialGroup, WardDay
from groups.selectors import groups_with_coverage
from tests.factories import GroupFactory, ProvinceFactory, WardFactory, province_user

pytestmark = pytest.mark.django_db

REPORT = {
    "category": "environment",
    "description": "Rác ở đầu hẻm 12 ba tuần chưa thu.",
    "name": "Lan",
    "phone": "0912 345 678",
}


@pytest.fixture
def province_admin(ward_a):
    return province_user("tinh@khanh-hoa.vn", province=ward_a.province)


def _line(client, code):
    figures = client.get("/province/").context["figures"]
    return next(w for w in figures.wards if w.code == code)


def test_what_officers_do_in_a_ward_moves_its_line_on_the_province_page(
    client_for, ward_a, group_a1, alice, bob, province_admin
):
    client = client_for(province_admin)
    before = _line(client, ward_a.code)
    assert (before.covered, before.received, before.meetings) == (0, 0, 0)

    # Two households join, one of them leaves again.
    lan = groups.member_create(
        group=group_a1, data=groups.MemberData(full_name="Lê Thị Lan", phone="0912000001", address="1 Hẻm 4"), by=bob
    )
    tu = groups.member_create(
        group=group_a1, data=groups.MemberData(full_name="Trần Tư", phone="0912000002", address="2 Hẻm 4"), by=bob
    )
    groups.membership_end(membership=tu, by=bob)
    # Two reports: one resolved by its deadline, one reopened after it was resolved (taken back).
    first, _created = report_submit(ward=ward_a, data=ReportData(**REPORT))
    second, _created = report_submit(ward=ward_a, data=ReportData(**{**REPORT, "description": "Đèn đường hỏng."}))
    for report in (first, second):
        report_change_status(report=report, by=bob, to="triaged")
        report_change_status(report=report, by=bob, to="resolved", public_text="Đã xử lý.")
    report_change_status(report=Report.objects.get(pk=second.pk), by=bob, to="in_progress", reason="Chưa xong.")
    # A meeting today with one person ticked present.
    meeting = campaign_services.meeting_create(
        data=campaign_services.MeetingData(
            title="Họp tổ", starts_at=timezone.now(), place="Nhà văn hóa", group_ids=[group_a1.pk]
        ),
        by=bob,
    )
    campaign_services.attendance_set(meeting=meeting, member_ids=[lan.member_id], by=bob)

    line = _line(client, ward_a.code)
    assert line.covered == 1 and line.covered_change == 1
    assert line.declared == group_a1.households_total
    assert (line.received, line.answered, line.in_time) == (2, 2, 1)
    assert (line.meetings, line.attendance) == (1, 1)
    # The kept figure is the count the ward's own pages make by counting memberships.
    live = groups_with_coverage(ResidentialGroup.objects.filter(pk=group_a1.pk)).get()
    assert ResidentialGroup.objects.get(pk=group_a1.pk).covered == live.households_covered == 1
    page = client.get("/province/").content.decode()
    assert "Lê Thị Lan" not in page and "0912" not in page  # counts only


def test_a_change_rolled_back_leaves_the_figures_as_they_were(ward_a, group_a1, bob):
    """The figures are written in the transaction of the change they count: a change refused halfway (here a
    phone already in the ward) leaves no count behind."""
    groups.member_create(group=group_a1, data=groups.MemberData(full_name="Lan", phone="0912000001"), by=bob)
    days = list(WardDay.objects.values_list("covered", "reports_received"))
    with pytest.raises(Exception):  # noqa: B017 - whichever refusal, nothing may be counted
        groups.member_create(group=group_a1, data=groups.MemberData(full_name="Lan 2", phone="0912000001"), by=bob)
    assert list(WardDay.objects.values_list("covered", "reports_received")) == days


def test_wards_come_worst_first_by_the_column_chosen_and_filter_by_name_without_accents(client_for, ward_a):
    low = WardFactory(name="Phường Phước Hải", code="30001", province=ward_a.province)
    high = WardFactory(name="Phường Vĩnh Hòa", code="30002", province=ward_a.province)
    GroupFactory(ward=low, households_total=100, covered=10)
    GroupFactory(ward=high, households_total=100, covered=90)
    today = timezone.localdate()
    WardDay.objects.create(ward=high, day=today, reports_received=7)
    Report.objects.create(
        ward=high, tracking_code="PA-1", category="other", description="x", resolve_due_at=timezone.now() - timedelta(1)
    )
    client = client_for(province_user("tinh@khanh-hoa.vn", province=ward_a.province))

    by_coverage = [w.code for w in client.get("/province/?sort=coverage").context["wards"]]
    assert by_coverage.index("30001") < by_coverage.index("30002")  # the lowest coverage first
    by_overdue = [w.code for w in client.get("/province/?sort=overdue").context["wards"]]
    assert by_overdue[0] == "30002"  # the most reports overdue first
    assert [w.code for w in client.get("/province/?q=vinh hoa").context["wards"]] == ["30002"]
    assert [w.code for w in client.get("/province/?overdue=1").context["wards"]] == ["30002"]
    assert [w.code for w in client.get("/province/?below=50").context["wards"]] == ["30001"]
    page = client.get("/province/").content.decode()
    totals = client.get("/province/").context["figures"].total
    assert (totals.covered, totals.declared, totals.received, totals.overdue) == (100, 200 + 0, 7, 1)
    assert "50\u00a0%" in page  # the province's coverage, in the Vietnamese format


def test_a_province_sees_only_its_own_wards_and_no_ward_page_opens_to_it(client_for, ward_a, ward_b):
    ha_noi = ProvinceFactory(name="Hà Nội", code="01")
    other = WardFactory(name="Phường Hoàn Kiếm", code="00070", province=ha_noi)
    client = client_for(province_user("tinh@khanh-hoa.vn", province=ward_a.province, role="viewer"))

    codes = {w.code for w in client.get("/province/").context["wards"]}
    assert ward_a.code in codes and other.code not in codes
    assert client.get(f"/province/wards/{other.code}/").status_code == 404
    assert client.get(f"/province/wards/{ward_a.code}/").status_code == 200
    assert client.get("/groups/").status_code == 403
    assert client.get("/reports/").status_code == 403
    assert client.get("/today/")["Location"] == "/province/"


@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    params=st.dictionaries(
        st.sampled_from(["sort", "order", "q", "overdue", "below"]), st.text(max_size=30), max_size=5
    )
)
def test_any_address_a_person_types_gives_the_page(params, client_for, ward_a, province_admin):
    """Sorting and filtering come from the address: whatever it holds, the page answers, never an error."""
    params = {k: v.replace("\x00", "") for k, v in params.items()}
    assert client_for(province_admin).get("/province/", params).status_code == 200


def test_counting_again_from_the_tables_gives_the_figures_the_services_kept(client_for, ward_a, group_a1, bob):
    """What the operator's command counts from the tables and what the services added as they went agree; so a
    ward loaded in bulk (an upgrade, the demo) gets the same page as one whose officers did it all by hand."""
    from django.core.management import call_command

    for n in range(3):
        groups.member_create(
            group=group_a1,
            data=groups.MemberData(full_name=f"Người {n}", phone=f"091200000{n}", address=f"{n} Hẻm"),
            by=bob,
        )
    report, _created = report_submit(ward=ward_a, data=ReportData(**REPORT))
    report_change_status(report=report, by=bob, to="triaged")
    report_change_status(report=report, by=bob, to="resolved", public_text="Xong.")
    client = client_for(province_user("tinh@khanh-hoa.vn", province=ward_a.province))
    kept = vars(_line(client, ward_a.code)).copy()

    ResidentialGroup.objects.update(covered=0)
    WardDay.objects.all().delete()
    assert _line(client, ward_a.code).covered == 0
    call_command("figures_rebuild", ward_a.code)

    assert vars(_line(client, ward_a.code)) == kept


def test_the_api_gives_a_province_its_wards_figures_by_its_token_and_refuses_a_bad_sort(client, ward_a, ward_b):
    from portal.common.tokens import token_create

    ha_noi = ProvinceFactory(name="Hà Nội", code="01")
    WardFactory(name="Phường Hoàn Kiếm", code="00070", province=ha_noi)
    GroupFactory(ward=ward_a, households_total=100, covered=40)
    user = province_user("tinh@khanh-hoa.vn", province=ward_a.province, role="viewer")
    _token, key = token_create(user=user, name="bảng tính tỉnh")
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}

    answer = client.get("/api/province/?sort=name", **auth).json()
    assert [w["code"] for w in answer["wards"]] == [ward_a.code, ward_b.code]  # An Bình, Bến Gỗ; not Hà Nội's
    assert answer["wards"][0]["coverage_percent"] == 40.0 and answer["totals"]["households_covered"] == 40
    assert client.get("/api/province/wards/00070/", **auth).status_code == 404
    assert client.get(f"/api/province/wards/{ward_a.code}/", **auth).json()["households_declared"] == 100
    refused = client.get("/api/province/?sort=phone&below=0", **auth)
    assert refused.status_code == 400 and set(refused.json()) >= {"sort", "below"}
    # No resident's field is in the answer's shape at all.
    assert not {"full_name", "phone", "address", "email"} & set(answer["wards"][0])


def test_open311_answers_the_whole_province_at_one_root_with_each_ward_a_jurisdiction(client, ward_a, ward_b, bob):
    from xml.etree import ElementTree

    from tests.feedback.conftest import accepted, submitted

    accepted(submitted(ward_a, description="Cống ở hẻm 5 bị tắc."))
    accepted(submitted(ward_b, description="Đèn đường hẻm 9 hỏng."))
    discovery = client.get("/open311/v2/discovery.json").json()
    assert [j["jurisdiction_id"] for j in discovery["jurisdictions"]] == [ward_a.code, ward_b.code]
    assert discovery["contact"] == "Ủy ban MTTQ Việt Nam Khánh Hòa"
    xml = ElementTree.fromstring(client.get("/open311/v2/discovery.xml").content)
    assert [j.find("jurisdiction_id").text for j in xml.findall("jurisdictions/jurisdiction")] == [
        ward_a.code,
        ward_b.code,
    ]
    # Each ward's requests at the same root, by its code; without one, a server of many wards asks for it.
    in_b = client.get("/open311/v2/requests.json", {"jurisdiction_id": ward_b.code}).json()
    assert [r["description"] for r in in_b] == ["Đèn đường hẻm 9 hỏng."]
    assert client.get("/open311/v2/requests.json").status_code == 400
