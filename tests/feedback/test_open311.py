"""Open311 GeoReport v2: what an existing Open311 client sends and expects back."""

import re
from xml.etree import ElementTree

import pytest

from feedback import services
from feedback.models import Open311Key, Report
from tests.feedback.conftest import submitted

pytestmark = pytest.mark.django_db

ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$")


@pytest.fixture
def api_key(ward_a):
    _key, secret = Open311Key.issue(ward=ward_a, name="Ứng dụng thử")
    return secret


def test_discovery_and_services_list_every_category_but_tips(ward_a, client):
    discovery = client.get("/open311/v2/discovery.json").json()
    services_ = client.get("/open311/v2/services.json", {"jurisdiction_id": ward_a.code}).json()

    assert discovery["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    codes = {s["service_code"] for s in services_}
    assert "environment" in codes and "tip" not in codes
    assert set(services_[0]) == {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}


def test_a_client_files_a_request_and_reads_it_back_once_staff_accepted_it(ward_a, bob, client, api_key):
    created = client.post(
        "/open311/v2/requests.json",
        {
            "jurisdiction_id": ward_a.code,
            "api_key": api_key,
            "service_code": "environment",
            "lat": "12.2451",
            "long": "109.1943",
            "description": "Rác thải ùn ứ trước chợ Xóm Mới",
            "first_name": "Lan",
            "last_name": "Nguyễn",
            "phone": "0912345678",
        },
    )

    assert created.status_code == 201
    request_id = created.json()[0]["service_request_id"]
    report = Report.objects.get(tracking_code=request_id)
    assert (report.source, report.reporter_phone) == ("open311", "+84912345678")
    unread = client.get(f"/open311/v2/requests/{request_id}.json", {"jurisdiction_id": ward_a.code})
    assert unread.status_code == 404  # not public until staff accepted it
    services.report_change_status(report=report, by=bob, to="triaged")
    row = client.get(f"/open311/v2/requests/{request_id}.json", {"jurisdiction_id": ward_a.code}).json()[0]
    assert row["status"] == "open" and row["lat"] == 12.2451 and row["service_code"] == "environment"
    assert ISO_WITH_OFFSET.match(row["requested_datetime"]) and ISO_WITH_OFFSET.match(row["expected_datetime"])
    assert "0912345678" not in str(row) and "Lan" not in str(row)  # no identity ever


def test_posting_needs_a_valid_api_key_and_a_location(ward_a, client, api_key):
    base = {
        "jurisdiction_id": ward_a.code,
        "service_code": "traffic",
        "description": "Đèn tín hiệu hỏng ở ngã tư",
        "address_string": "Ngã tư Lê Hồng Phong",
    }

    no_key = client.post("/open311/v2/requests.json", base)
    bad_key = client.post("/open311/v2/requests.json", {**base, "api_key": "nope"})
    no_place = client.post("/open311/v2/requests.json", {**base, "api_key": api_key, "address_string": ""})
    unknown = client.post("/open311/v2/requests.json", {**base, "api_key": api_key, "service_code": "tip"})

    assert no_key.status_code == bad_key.status_code == 403
    assert no_key.json() == [{"code": 403, "description": "api_key is missing or not valid for this jurisdiction"}]
    assert no_place.status_code == 400 and "location" in no_place.json()[0]["description"]
    assert unknown.status_code == 400
    assert not Report.objects.exists()


def test_the_list_filters_by_status_and_hides_new_and_private_reports_and_tips(ward_a, bob, client):
    open_one = submitted(ward_a)
    services.report_change_status(report=open_one, by=bob, to="triaged")
    not_accepted = submitted(ward_a, description="Ổ gà lớn giữa đường Trần Phú")
    closed = submitted(ward_a, description="Cây đổ chắn ngang đường sau bão")
    services.report_change_status(report=closed, by=bob, to="triaged")
    services.report_change_status(report=closed, by=bob, to="resolved", public_text="Đã dọn cây.")
    private = submitted(ward_a, public=False, description="Hàng xóm đổ nước thải ra đường")
    tip = submitted(ward_a, category="tip", description="Có người buôn bán ma túy ở hẻm 3 ban đêm")

    listed = client.get("/open311/v2/requests.json", {"jurisdiction_id": ward_a.code}).json()
    closed_only = client.get("/open311/v2/requests.json", {"jurisdiction_id": ward_a.code, "status": "closed"}).json()

    ids = {r["service_request_id"] for r in listed}
    assert ids == {open_one.tracking_code, closed.tracking_code}
    assert private.tracking_code not in ids and tip.tracking_code not in ids and not_accepted.tracking_code not in ids
    assert [(r["service_request_id"], r["status_notes"]) for r in closed_only] == [
        (closed.tracking_code, "Đã dọn cây.")
    ]


def test_xml_is_served_with_the_standard_element_names(ward_a, bob, client):
    report = submitted(ward_a)
    services.report_change_status(report=report, by=bob, to="triaged")

    response = client.get(f"/open311/v2/requests/{report.tracking_code}.xml", {"jurisdiction_id": ward_a.code})
    missing = client.get("/open311/v2/requests/PA-00-XXXXX.xml", {"jurisdiction_id": ward_a.code})

    root = ElementTree.fromstring(response.content)
    assert response["Content-Type"].startswith("text/xml") and root.tag == "service_requests"
    assert root.find("request/service_request_id").text == report.tracking_code
    error = ElementTree.fromstring(missing.content)
    assert missing.status_code == 404 and error.tag == "errors" and error.find("error/code").text == "404"


def test_an_unknown_jurisdiction_and_a_token_lookup(ward_a, client, bob):
    from feedback import services

    report = submitted(ward_a)
    services.report_change_status(report=report, by=bob, to="triaged")  # readable by anyone once accepted

    assert client.get("/open311/v2/services.json", {"jurisdiction_id": "00000"}).status_code == 404
    token = client.get(f"/open311/v2/tokens/{report.tracking_code}.json", {"jurisdiction_id": ward_a.code}).json()
    assert token == [{"service_request_id": report.tracking_code, "token": report.tracking_code}]


def test_a_token_answers_alike_for_a_tip_a_private_report_and_no_report(ward_a, client):
    tip = submitted(ward_a, category="tip", description="Có người buôn bán ma túy ở hẻm 3 ban đêm")
    private = submitted(ward_a, public=False, description="Hàng xóm đổ nước thải ra đường")

    answers = [
        client.get(f"/open311/v2/tokens/{code}.json", {"jurisdiction_id": ward_a.code})
        for code in (tip.tracking_code, private.tracking_code, "PA-26-ZZZZZ")
    ]

    assert [a.status_code for a in answers] == [404, 404, 404]
    bodies = [
        a.json()[0]["description"].replace(code, "CODE")
        for a, code in zip(answers, (tip.tracking_code, private.tracking_code, "PA-26-ZZZZZ"), strict=True)
    ]
    assert len(set(bodies)) == 1


def test_identical_text_from_an_unknown_device_is_one_report_only_within_ten_minutes_and_fifty_metres(
    ward_a, client, api_key
):
    from datetime import timedelta

    from django.utils import timezone

    base = {
        "jurisdiction_id": ward_a.code,
        "api_key": api_key,
        "service_code": "environment",
        "description": "Rác thải ùn ứ trước chợ Xóm Mới",
        "lat": "12.245100",
        "long": "109.194300",
    }

    first = client.post("/open311/v2/requests.json", base).json()[0]["service_request_id"]
    near = client.post("/open311/v2/requests.json", {**base, "lat": "12.245300"}).json()[0]["service_request_id"]
    far = client.post("/open311/v2/requests.json", {**base, "lat": "12.246100"}).json()[0]["service_request_id"]
    Report.objects.filter(tracking_code=first).update(created_at=timezone.now() - timedelta(minutes=11))
    later = client.post("/open311/v2/requests.json", base).json()[0]["service_request_id"]

    assert near == first  # 22 m away, seconds later: the same report sent twice
    assert far != first  # 111 m away: another place
    assert later not in {first, far}  # the same words eleven minutes later: a new report
    assert Report.objects.count() == 3


@pytest.mark.parametrize("lat,long", [("nan", "109.19"), ("12.2", "inf"), ("91", "109"), ("12", "-181"), ("x", "1")])
def test_invalid_coordinates_are_a_400_with_the_error_list(ward_a, client, api_key, lat, long):
    response = client.post(
        "/open311/v2/requests.json",
        {
            "jurisdiction_id": ward_a.code,
            "api_key": api_key,
            "service_code": "traffic",
            "description": "Đèn tín hiệu hỏng ở ngã tư",
            "lat": lat,
            "long": long,
        },
    )

    assert response.status_code == 400
    assert response.json()[0]["code"] == 400 and "lat" in response.json()[0]["description"]
    assert not Report.objects.exists()


@pytest.mark.parametrize("value", ["2026-13-45T00:00:00Z", "2026-02-30T10:00:00+07:00", "yesterday"])
def test_impossible_dates_are_a_400_not_a_server_error(ward_a, client, value):
    response = client.get("/open311/v2/requests.json", {"jurisdiction_id": ward_a.code, "start_date": value})

    assert response.status_code == 400 and "start_date" in response.json()[0]["description"]


def test_requests_without_dates_cover_the_last_90_days(ward_a, bob, client):
    from datetime import timedelta

    from django.utils import timezone

    recent, old = submitted(ward_a), submitted(ward_a, description="Đèn đường hỏng từ đầu năm ở hẻm 5")
    for report in (recent, old):
        services.report_change_status(report=report, by=bob, to="triaged")
    Report.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=91))

    listed = client.get("/open311/v2/requests.json", {"jurisdiction_id": ward_a.code}).json()
    since = (timezone.now() - timedelta(days=120)).isoformat()
    wider = client.get("/open311/v2/requests.json", {"jurisdiction_id": ward_a.code, "start_date": since}).json()

    assert [r["service_request_id"] for r in listed] == [recent.tracking_code]
    assert {r["service_request_id"] for r in wider} == {recent.tracking_code, old.tracking_code}


def test_discovery_and_service_definition_xml_follow_the_georeport_shapes(ward_a, client):
    discovery = ElementTree.fromstring(client.get("/open311/v2/discovery.xml").content)
    definition = ElementTree.fromstring(
        client.get("/open311/v2/services/traffic.xml", {"jurisdiction_id": ward_a.code}).content
    )

    assert discovery.tag == "discovery" and discovery.find("changeset") is not None
    assert discovery.find("endpoints/endpoint/specification").text == "http://wiki.open311.org/GeoReport_v2"
    assert [f.text for f in discovery.findall("endpoints/endpoint/formats/format")] == [
        "text/xml",
        "application/json",
    ]
    assert definition.tag == "service_definition" and definition.find("service_code").text == "traffic"
    assert definition.find("attributes") is not None


def test_a_control_character_in_stored_text_never_breaks_the_xml(ward_a, bob, client):
    report = submitted(ward_a)
    services.report_change_status(report=report, by=bob, to="triaged")
    # Stored before input was cleaned (or by a path that skipped it): the XML must still be valid.
    Report.objects.filter(pk=report.pk).update(description="Cống tắc\x0b nước tràn\x1f ra đường")

    response = client.get("/open311/v2/requests.xml", {"jurisdiction_id": ward_a.code})

    root = ElementTree.fromstring(response.content)
    assert root.find("request/description").text == "Cống tắc nước tràn ra đường"


def test_one_rule_decides_what_anyone_may_read_of_a_report_wherever_they_look(client, ward_a, group_a1, bob):
    """A new report (not yet accepted) is not shown by the code alone, on "similar reports", in Open311 or as a
    token; once staff accept it, it is shown by all of them alike; spam is shown by none."""
    from feedback import services
    from feedback.models import Report

    report, _created = services.report_submit(
        ward=ward_a,
        data=services.ReportData(
            category="environment", description="Rác chất đống trước số 9 Hẻm Chợ", group_id=group_a1.pk, anonymous=True
        ),
    )
    code = report.tracking_code

    def seen() -> dict[str, bool]:
        similar = client.get(f"/p/{ward_a.code}/report/similar/?category=environment&group={group_a1.pk}").json()
        return {
            "code": "Rác chất đống" in client.get(f"/report/status/?code={code}").content.decode(),
            "similar": any(row["code"] == code for row in similar["results"]),
            "open311": client.get(f"/open311/v2/requests/{code}.json?jurisdiction_id={ward_a.code}").status_code == 200,
            "token": client.get(f"/open311/v2/tokens/{code}.json?jurisdiction_id={ward_a.code}").status_code == 200,
            "rule": Report.objects.public().filter(pk=report.pk).exists(),
        }

    assert set(seen().values()) == {False}
    services.report_change_status(report=report, by=bob, to="triaged")
    assert set(seen().values()) == {True}
    Report.objects.filter(pk=report.pk).update(status="spam")
    assert set(seen().values()) == {False}
