"""The report API: same scoping and confidentiality as the pages, JSON errors."""

import pytest

from feedback.models import Report
from tests.feedback.conftest import TIP, submitted

pytestmark = pytest.mark.django_db


def test_staff_list_triage_and_answer_through_the_api(ward_a, bob, api_for):
    report = submitted(ward_a)
    api = api_for(bob)

    listed = api.get("/api/reports/").json()
    api.post(f"/api/reports/{report.pk}/status/", {"to": "triaged"}, format="json")
    reply = api.post(
        f"/api/reports/{report.pk}/replies/", {"text": "Sáng mai đội vệ sinh đến.", "public": True}, format="json"
    )
    resolved = api.post(f"/api/reports/{report.pk}/status/", {"to": "resolved", "text": "Đã thu gom."}, format="json")

    assert [r["tracking_code"] for r in listed["results"]] == [report.tracking_code]
    assert listed["results"][0]["reporter"] is None  # lists never carry identities
    assert reply.status_code == 201 and resolved.json()["status"] == "resolved"
    numbers = api.get("/api/reports/numbers/").json()
    assert (numbers["received"], numbers["answered"], numbers["resolved"]) == (1, 1, 1)


def test_a_tip_s_reporter_never_leaves_through_the_api(ward_a, bob, police, ward_officer, api_for):
    tip = submitted(ward_a, **TIP)

    for user in (bob, ward_officer):
        body = api_for(user).get(f"/api/reports/{tip.pk}/").json()
        assert body["reporter"] is None and "0977" not in str(body) and "Trần Văn Tố" not in str(body)


def test_an_ordinary_reporter_is_shown_to_staff_and_the_look_is_logged(ward_a, bob, api_for):
    from portal.models import AuditEvent

    report = submitted(ward_a)

    body = api_for(bob).get(f"/api/reports/{report.pk}/").json()

    assert body["reporter"]["phone"] == "+84912345678"
    assert AuditEvent.objects.filter(action="view", object_id=str(report.pk), actor=bob).exists()


def test_a_forbidden_transition_is_a_json_error(ward_a, bob, api_for):
    report = submitted(ward_a)

    response = api_for(bob).post(f"/api/reports/{report.pk}/status/", {"to": "closed"}, format="json")

    assert response.status_code == 400 and "non_field_errors" in response.json()
    assert Report.objects.get().status == "new"


def test_another_ward_gets_404_everywhere(ward_a, dave, api_for):
    report = submitted(ward_a)
    api = api_for(dave)

    assert api.get("/api/reports/").json()["results"] == []
    for method, path in [
        ("get", f"/api/reports/{report.pk}/"),
        ("get", f"/api/reports/{report.pk}/timeline/"),
        ("post", f"/api/reports/{report.pk}/status/"),
        ("post", f"/api/reports/{report.pk}/replies/"),
    ]:
        assert getattr(api, method)(path, {"to": "triaged", "text": "x"}, format="json").status_code == 404, path


def test_staff_record_a_phone_report_through_the_api(ward_a, bob, api_for):
    response = api_for(bob).post(
        "/api/reports/",
        {"category": "traffic", "source": "phone", "description": "Ổ gà lớn trước số 20 đường Lê Lợi"},
        format="json",
    )

    assert response.status_code == 201 and Report.objects.get().source == "phone"


def test_a_call_recorded_through_the_api_with_only_a_number_keeps_it_so_the_ward_can_call_back(ward_a, bob, api_for):
    answer = api_for(bob).post(
        "/api/reports/",
        {
            "category": "environment",
            "description": "Cống trước nhà số 5 bị tắc",
            "source": "phone",
            "phone": "0912 345 678",
        },
        format="json",
    )

    assert answer.status_code == 201
    recorded = Report.objects.get()
    # The same rule as the web form and the record page: only a report that says nothing of who sent it is anonymous.
    assert (recorded.is_anonymous, recorded.reporter_phone) == (False, "+84912345678")


def test_a_reply_is_answered_as_the_schema_says_with_no_status_change(ward_a, bob, api_for):
    """A reply changes no status: its event carries "" for both, which the schema must allow (a client
    generated from it would otherwise refuse the answer)."""
    import jsonschema
    from drf_spectacular.generators import SchemaGenerator

    report = submitted(ward_a)
    reply = api_for(bob).post(
        f"/api/reports/{report.pk}/replies/", {"text": "Đã ghi nhận.", "public": False}, format="json"
    )
    assert (reply.json()["from_status"], reply.json()["to_status"]) == ("", "")
    schema = SchemaGenerator().get_schema(request=None, public=True)
    event = {"$ref": "#/components/schemas/ReportEvent", "components": schema["components"]}
    jsonschema.validate(reply.json(), event)


def test_the_queue_reads_overdue_as_true_false_or_empty_and_refuses_anything_else(ward_a, alice, api_for):
    api = api_for(alice)

    assert api.get("/api/reports/", {"overdue": "true"}).status_code == 200
    assert api.get("/api/reports/", {"overdue": ""}).status_code == 200  # empty is the default, as in a form
    refused = api.get("/api/reports/", {"overdue": "maybe"})
    assert refused.status_code == 400 and "overdue" in str(refused.json())
