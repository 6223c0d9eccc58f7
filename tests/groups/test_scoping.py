"""Someone from ward A never sees or changes anything of ward B; roles limit what each may change."""

import pytest
from django.urls import reverse

from groups.models import Member
from tests.factories import HouseholdFactory, member_in


@pytest.fixture
def ward_b_member(group_b1):
    return member_in(group_b1, full_name="Bí Mật Phường B", household=HouseholdFactory(group=group_b1))


def test_ward_b_groups_and_members_are_absent_from_every_ward_a_page(
    client_for, alice, group_a1, group_b1, ward_b_member
):
    client = client_for(alice)
    membership = ward_b_member.memberships.get()
    for url in (
        reverse("groups:detail", args=[group_b1.pk]),
        reverse("groups:edit", args=[group_b1.pk]),
        reverse("groups:member_add", args=[group_b1.pk]),
        reverse("groups:import", args=[group_b1.pk]),
        reverse("groups:export", args=[group_b1.pk]),
        reverse("groups:poster", args=[group_b1.pk]),
        reverse("groups:member", args=[ward_b_member.pk]),
        reverse("groups:member_edit", args=[ward_b_member.pk]),
    ):
        assert client.get(url).status_code == 404, url
    for action in ("role", "remove", "move", "approve", "reject"):
        assert (
            client.post(
                reverse("groups:membership_action", args=[membership.pk, action]), {"role": "police"}
            ).status_code
            == 404
        )
    assert client.post(reverse("groups:member_add_to_group", args=[ward_b_member.pk])).status_code == 404
    assert "Bí Mật Phường B" not in client.get(reverse("groups:list")).content.decode()
    ward_b_member.memberships.get().refresh_from_db()
    assert ward_b_member.memberships.get().status == "active"


def test_ward_b_is_absent_from_every_ward_a_api_list_and_detail(api_for, alice, group_a1, group_b1, ward_b_member):
    member_in(group_a1, full_name="Người Phường A", household=HouseholdFactory(group=group_a1))
    api = api_for(alice)
    b_ids = {
        "wards": group_b1.ward_id,
        "groups": group_b1.pk,
        "households": ward_b_member.household_id,
        "members": ward_b_member.pk,
        "memberships": ward_b_member.memberships.get().pk,
    }
    for endpoint, b_id in b_ids.items():
        listing = api.get(f"/api/{endpoint}/").json()
        assert listing["count"] >= 1, endpoint
        assert b_id not in {row["id"] for row in listing["results"]}, endpoint
        assert api.get(f"/api/{endpoint}/{b_id}/").status_code == 404, endpoint
    assert api.patch(f"/api/members/{ward_b_member.pk}/", {"full_name": "Hacked"}, format="json").status_code == 404
    assert api.delete(f"/api/memberships/{b_ids['memberships']}/").status_code == 404
    created = api.post("/api/members/", {"group": group_b1.pk, "full_name": "X", "phone": "0912000999"}, format="json")
    assert created.status_code == 400 and "group" in created.json()
    assert Member.objects.get(pk=ward_b_member.pk).full_name == "Bí Mật Phường B"


def test_a_group_leader_sees_only_their_own_groups(client_for, api_for, carol, group_a1, group_a2):
    mine = member_in(group_a1, full_name="Người Tổ Một")
    other = member_in(group_a2, full_name="Người Tổ Hai")
    page = client_for(carol).get(reverse("groups:list")).content.decode()
    assert "Tổ dân phố 1" in page and "Tổ dân phố 2" not in page
    assert client_for(carol).get(reverse("groups:detail", args=[group_a2.pk])).status_code == 404
    assert client_for(carol).get(reverse("groups:member", args=[other.pk])).status_code == 404
    api = api_for(carol)
    assert {g["id"] for g in api.get("/api/groups/").json()["results"]} == {group_a1.pk}
    assert {m["id"] for m in api.get("/api/members/").json()["results"]} == {mine.pk}
    assert api.get(f"/api/members/{other.pk}/").status_code == 404


def test_ward_staff_can_read_members_but_not_change_them(client_for, api_for, bob, group_a1):
    member = member_in(group_a1)
    client = client_for(bob)
    assert client.get(reverse("groups:detail", args=[group_a1.pk])).status_code == 200
    assert client.get(reverse("groups:member_add", args=[group_a1.pk])).status_code == 403
    assert (
        client.post(reverse("groups:membership_action", args=[member.memberships.get().pk, "remove"])).status_code
        == 403
    )
    assert client.get(reverse("groups:staff")).status_code == 403
    api = api_for(bob)
    assert api.get(f"/api/members/{member.pk}/").status_code == 200
    assert (
        api.post(
            "/api/members/", {"group": group_a1.pk, "full_name": "X", "phone": "0912000998"}, format="json"
        ).status_code
        == 403
    )
    assert api.delete(f"/api/memberships/{member.memberships.get().pk}/").status_code == 403
    assert (
        api.post(
            "/api/groups/", {"name": "Tổ mới", "kind": "to_dan_pho", "households_total": 3}, format="json"
        ).status_code
        == 403
    )


def test_an_account_without_a_ward_sees_nothing(client, api_for, django_user_model, group_a1):
    stranger = django_user_model.objects.create_user(username="x@x.vn", email="x@x.vn", password="p")
    client.force_login(stranger)
    assert client.get(reverse("groups:list")).status_code == 403
    assert api_for(stranger).get("/api/groups/").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, group_a1):
    response = client.get(reverse("groups:detail", args=[group_a1.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert client.get("/api/members/").status_code in {401, 403}
