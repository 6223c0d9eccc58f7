import pytest
import yaml
from django.urls import reverse

from groups.models import Member, Membership
from portal.models import AuditEvent
from tests.factories import member_in


def test_the_openapi_schema_describes_every_endpoint(api_for, bob):
    response = api_for(bob).get(reverse("api-schema"))
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/wards/",
        "/api/groups/",
        "/api/households/",
        "/api/members/",
        "/api/memberships/",
        "/api/memberships/{id}/move/",
        "/api/memberships/{id}/approve/",
    ):
        assert path in schema["paths"], path


def test_the_browsable_docs_are_served_from_the_portal_itself(client_for, bob):
    page = client_for(bob).get(reverse("api-docs")).content.decode()
    assert "swagger" in page.lower()


def test_a_leader_adds_a_member_through_the_api(api_for, carol, group_a1):
    response = api_for(carol).post(
        "/api/members/",
        {
            "group": group_a1.pk,
            "full_name": "Ngô Thị Mai",
            "phone": "0912 345 678",
            "address": "3 Lê Lợi",
            "consent_sms": True,
            "preferred_channel": "sms",
            "role": "group_deputy",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["phone"] == "+84912345678" and body["address"] == "3 Lê Lợi"
    assert body["memberships"][0]["role"] == "group_deputy"
    assert Membership.objects.get().source == "api"


def test_validation_errors_come_back_as_json_keyed_by_field(api_for, carol, group_a1):
    member_in(group_a1, full_name="Đã Có", phone="+84912345678")
    response = api_for(carol).post(
        "/api/members/",
        {"group": group_a1.pk, "full_name": "", "phone": "0912 345 678", "preferred_channel": "email"},
        format="json",
    )
    assert response.status_code == 400
    assert "full_name" in response.json()
    response = api_for(carol).post(
        "/api/members/",
        {"group": group_a1.pk, "full_name": "Người Mới", "phone": "0912 345 678", "preferred_channel": "sms"},
        format="json",
    )
    errors = response.json()
    assert response.status_code == 400
    assert "Đã Có" in errors["phone"][0]
    assert "preferred_channel" in errors
    assert Member.objects.count() == 1


def test_a_stale_update_is_refused(api_for, carol, group_a1):
    member = member_in(group_a1, full_name="Tên Cũ", phone="+84912345678")
    api = api_for(carol)
    read = api.get(f"/api/members/{member.pk}/").json()
    assert (
        api.patch(
            f"/api/members/{member.pk}/", {"full_name": "Tên Một", "updated_at": read["updated_at"]}, format="json"
        ).status_code
        == 200
    )
    late = api.patch(
        f"/api/members/{member.pk}/", {"full_name": "Tên Hai", "updated_at": read["updated_at"]}, format="json"
    )
    assert late.status_code == 400 and "non_field_errors" in late.json()
    member.refresh_from_db()
    assert member.full_name == "Tên Một"


def test_memberships_can_be_moved_ended_and_approved(api_for, alice, group_a1, group_a2):
    membership = member_in(group_a1).memberships.get()
    api = api_for(alice)
    moved = api.post(f"/api/memberships/{membership.pk}/move/", {"group": group_a2.pk}, format="json")
    assert moved.status_code == 200 and moved.json()["group"] == group_a2.pk
    assert api.delete(f"/api/memberships/{moved.json()['id']}/").status_code == 204
    assert Membership.objects.get(pk=moved.json()["id"]).status == "left"
    again = api.delete(f"/api/memberships/{moved.json()['id']}/")
    assert again.status_code == 400


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_join_requests_are_decided_through_the_api(api_for, carol, group_a1, decision):
    membership = member_in(group_a1).memberships.get()
    Membership.objects.filter(pk=membership.pk).update(status="pending", source="self_join")  # from the invite link
    response = api_for(carol).post(f"/api/memberships/{membership.pk}/{decision}/")
    assert response.json()["status"] == ("active" if decision == "approve" else "rejected")


def test_reading_a_member_through_the_api_is_audited(api_for, bob, group_a1):
    member = member_in(group_a1)
    api_for(bob).get(f"/api/members/{member.pk}/")
    assert AuditEvent.objects.filter(actor=bob, action="view", object_id=str(member.pk)).exists()


def test_the_api_never_reveals_provider_secrets_or_password_hashes(api_for, alice, group_a1):
    body = api_for(alice).get("/api/groups/").content.decode()
    assert "invite_token" not in body and "password" not in body


def test_a_ward_admin_creates_a_group_and_a_duplicate_name_is_refused(api_for, alice, group_a1):
    api = api_for(alice)
    created = api.post("/api/groups/", {"name": "Thôn Đông", "kind": "thon", "households_total": 40}, format="json")
    assert created.status_code == 201 and created.json()["coverage_percent"] == 0.0
    duplicate = api.post("/api/groups/", {"name": "thon dong", "kind": "thon", "households_total": 1}, format="json")
    assert duplicate.status_code == 400 and "name" in duplicate.json()


def test_the_schema_tells_the_truth_about_the_queue_timeline_nulls_patch_and_errors(api_for, bob):
    schema = yaml.safe_load(api_for(bob).get(reverse("api-schema")).content)
    components = schema["components"]["schemas"]

    def resolve(node):
        return components[node["$ref"].rsplit("/", 1)[1]] if "$ref" in node else node

    queue = resolve(
        schema["paths"]["/api/reports/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    )
    assert set(queue["properties"]) == {"results", "next_cursor"} and queue["properties"]["next_cursor"]["nullable"]
    timeline = schema["paths"]["/api/reports/{id}/timeline/"]["get"]["responses"]["200"]["content"]
    assert timeline["application/json"]["schema"]["type"] == "array"
    report = components["Report"]["properties"]
    assert report["unit"]["nullable"] and report["group"]["nullable"]
    patch = schema["paths"]["/api/members/{id}/"]["patch"]["requestBody"]["content"]["application/json"]["schema"]
    assert not resolve(patch).get("required")  # PATCH changes only the fields it names
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            assert {"400", "401", "403", "404"} <= set(operation["responses"]), (method, path)
    detail = schema["paths"]["/api/members/{id}/"]["get"]["responses"]["404"]["content"]["application/json"]
    assert detail["schema"]["required"] == ["detail"]


def test_a_member_is_changed_by_a_form_encoded_patch_as_by_json(api_for, alice, group_a1):
    """The schema offers both encodings for PATCH /api/members/<id>/: both work alike."""
    from urllib.parse import urlencode

    from tests.factories import member_in

    member = member_in(group_a1, consent_email=True)
    api = api_for(alice)
    answer = api.patch(
        f"/api/members/{member.pk}/",
        urlencode({"consent_email": "false", "address": "5 Trần Phú"}),
        content_type="application/x-www-form-urlencoded",
    )
    assert answer.status_code == 200, answer.content.decode()
    assert answer.json()["consent_email"] is False and answer.json()["address"] == "5 Trần Phú"
    same = api.patch(f"/api/members/{member.pk}/", {"consent_sms": True, "address": "7 Trần Phú"}, format="json")
    assert same.status_code == 200 and same.json()["address"] == "7 Trần Phú" and same.json()["consent_sms"] is True
