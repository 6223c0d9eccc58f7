"""The announcements API: the same workflow and scoping as the pages, errors as JSON with field names."""

import pytest

from announcements.models import Announcement
from tests.announcements.conftest import drain
from tests.factories import member_in

pytestmark = pytest.mark.django_db

NEW = {"title": "Lịch tiêm chủng", "body": "Thứ Bảy tại trạm y tế.", "category": "other", "channels": ["sms"]}


def test_create_submit_approve_and_read_the_stats(alice, bob, group_a1, api_for, sms_gateway):
    member_in(group_a1)
    staff, admin = api_for(bob), api_for(alice)

    created = staff.post("/api/announcements/", {**NEW, "group_ids": [group_a1.pk]}, format="json")
    pk = created.json()["id"]
    assert created.status_code == 201 and created.json()["status"] == "draft"
    assert staff.post(f"/api/announcements/{pk}/submit/").json()["status"] == "pending"
    assert staff.post(f"/api/announcements/{pk}/approve/").status_code == 403
    assert admin.post(f"/api/announcements/{pk}/approve/").json()["status"] == "sending"  # no time set
    drain(Announcement.objects.get(pk=pk))

    stats = staff.get(f"/api/announcements/{pk}/stats/").json()
    assert stats["total"] == 1 and stats["by_status"]["sent"] == 1 and stats["done"] is True
    assert stats["by_channel"]["sms"]["sent"] == 1


def test_validation_errors_come_back_as_json_by_field(bob, api_for):
    response = api_for(bob).post("/api/announcements/", {**NEW, "title": " ", "channels": ["pigeon"]}, format="json")

    assert response.status_code == 400
    assert set(response.json()) >= {"title", "channels"}


def test_a_rule_of_the_workflow_is_a_json_error_and_changes_nothing(alice, bob, group_a1, api_for):
    pk = api_for(bob).post("/api/announcements/", {**NEW, "group_ids": [group_a1.pk]}, format="json").json()["id"]

    response = api_for(alice).post(f"/api/announcements/{pk}/approve/")

    assert response.status_code == 400 and "non_field_errors" in response.json()
    assert Announcement.objects.get(pk=pk).status == "draft"


def test_another_ward_sees_nothing_and_can_do_nothing(bob, dave, group_a1, api_for):
    pk = api_for(bob).post("/api/announcements/", {**NEW, "group_ids": [group_a1.pk]}, format="json").json()["id"]
    outsider = api_for(dave)

    assert outsider.get("/api/announcements/").json()["count"] == 0
    for method, path in [
        ("get", f"/api/announcements/{pk}/"),
        ("get", f"/api/announcements/{pk}/stats/"),
        ("put", f"/api/announcements/{pk}/"),
        ("post", f"/api/announcements/{pk}/submit/"),
        ("post", f"/api/announcements/{pk}/approve/"),
        ("post", f"/api/announcements/{pk}/cancel/"),
        ("post", f"/api/announcements/{pk}/send/"),
    ]:
        assert getattr(outsider, method)(path, NEW, format="json").status_code == 404, path
    assert Announcement.objects.get(pk=pk).status == "draft"


def test_the_schema_documents_the_announcements_endpoints(bob, api_for):
    schema = api_for(bob).get("/api/schema/", {"format": "json"}).json()

    assert "/api/announcements/{id}/approve/" in schema["paths"]
    assert "/api/announcements/{id}/stats/" in schema["paths"]
