"""Campaigns through the API: the same scoping and rules as the pages, JSON errors, and the public figures with
no login."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Entry, Total
from tests.campaigns.conftest import give
from tests.factories import HouseholdFactory, member_in

pytestmark = pytest.mark.django_db


def test_a_leader_records_through_the_api_once_per_key_and_only_in_their_groups(
    api_for, fund, group_a1, group_a2, carol
):
    api = api_for(carol)
    mine, theirs = HouseholdFactory(group=group_a1), HouseholdFactory(group=group_a2)
    entry = {"household": mine.pk, "amount": 300_000, "key": "app-1", "method": "transfer"}

    first = api.post(f"/api/campaigns/{fund.pk}/entries/", entry, format="json")
    again = api.post(f"/api/campaigns/{fund.pk}/entries/", entry, format="json")
    elsewhere = api.post(
        f"/api/campaigns/{fund.pk}/entries/", {**entry, "household": theirs.pk, "key": "app-2"}, format="json"
    )
    too_much = api.post(
        f"/api/campaigns/{fund.pk}/entries/", {**entry, "amount": 1_000_000_001, "key": "app-3"}, format="json"
    )

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and first.json()["recorded_by"] == "carol@an-binh.vn"
    assert elsewhere.status_code == 403
    assert too_much.status_code == 400 and "amount" in too_much.json()
    assert Entry.objects.count() == 1 and Total.objects.get(campaign=fund, group=group_a1).amount == 300_000

    listed = api.get(f"/api/campaigns/{fund.pk}/entries/").json()
    assert [e["key"] for e in listed["results"]] == ["app-1"]
    reversed_ = api.post(
        f"/api/campaigns/{fund.pk}/entries/{first.json()['id']}/reverse/", {"reason": "Nhầm hộ"}, format="json"
    )
    assert reversed_.status_code == 201 and reversed_.json()["amount"] == -300_000
    assert Total.objects.get(campaign=fund, group=group_a1).amount == 0


def test_progress_and_the_campaign_list_carry_the_running_figures(api_for, fund, group_a1, alice, bob):
    give(fund, HouseholdFactory(group=group_a1), 7_000_000, "x", alice)
    api = api_for(bob)
    listed = api.get("/api/campaigns/").json()["results"]
    assert [(c["name"], c["amount"], c["percent"]) for c in listed] == [("Quỹ Vì người nghèo 2026", 7_000_000, 50.0)]
    progress = api.get(f"/api/campaigns/{fund.pk}/progress/").json()
    by_group = {g["name"]: g for g in progress["groups"]}
    assert by_group["Tổ dân phố 1"]["percent"] == 70.0 and by_group["Tổ dân phố 1"]["rank"] == 1
    assert by_group["Tổ dân phố 2"]["rank"] is None  # 4 households: not ranked


def test_only_a_ward_admin_opens_a_campaign_and_another_ward_sees_none_of_it(
    api_for, ward_a, group_a1, alice, carol, dave
):
    body = {
        "name": "Quỹ Đền ơn đáp nghĩa",
        "kind": "fund",
        "unit": "vnd",
        "starts_on": str(timezone.localdate()),
        "ends_on": str(timezone.localdate() + timedelta(days=30)),
        "target": 20_000_000,
        "group_targets": {str(group_a1.pk): 5_000_000},
    }
    assert api_for(carol).post("/api/campaigns/", body, format="json").status_code == 403
    ends_before = api_for(alice).post(
        "/api/campaigns/", {**body, "ends_on": str(timezone.localdate() - timedelta(days=5))}, format="json"
    )
    assert ends_before.status_code == 400 and "ends_on" in ends_before.json()
    made = api_for(alice).post("/api/campaigns/", body, format="json")
    assert made.status_code == 201 and made.json()["target"] == 20_000_000
    pk = made.json()["id"]
    progress = api_for(alice).get(f"/api/campaigns/{pk}/progress/").json()
    assert {g["name"]: g["target"] for g in progress["groups"]}["Tổ dân phố 1"] == 5_000_000
    assert api_for(dave).get(f"/api/campaigns/{pk}/").status_code == 404
    assert api_for(dave).get("/api/campaigns/").json()["results"] == []


def test_the_public_figures_need_no_login_and_name_only_who_agreed(client, fund, group_a1, alice):
    named = HouseholdFactory(group=group_a1, address="3 Lê Lợi")
    named.head = member_in(group_a1, household=named, full_name="Trần Văn Ba")
    named.save()
    give(fund, named, 100_000, "n1", alice, name_public=True)
    give(fund, HouseholdFactory(group=group_a1, address="4 Lê Lợi"), 200_000, "n2", alice)
    answer = client.get(f"/api/campaigns/{fund.pk}/public/")
    assert answer.status_code == 200
    data = answer.json()
    assert data["progress"]["amount"] == 300_000 and data["days"][0]["amount"] == 300_000
    assert sorted(e["name"] for e in data["entries"]) == ["", "Trần Văn Ba"]
    assert "4 Lê Lợi" not in answer.content.decode() and "3 Lê Lợi" not in answer.content.decode()


def test_an_entry_without_an_amount_is_refused_in_words_for_a_fund_and_counted_once_for_households(
    api_for, fund, alice, ward_a, group_a1, carol
):
    from campaigns import services

    household = HouseholdFactory(group=group_a1)
    api = api_for(carol)
    missing = api.post(f"/api/campaigns/{fund.pk}/entries/", {"household": household.pk, "key": "a-1"}, format="json")
    assert missing.status_code == 400 and "amount" in missing.json()

    count = services.campaign_create(
        ward=ward_a,
        data=services.CampaignData(
            name="Đăng ký hộ gia đình văn hóa",
            kind="participation",
            unit="households",
            starts_on=fund.starts_on,
            ends_on=fund.ends_on,
            target=100,
        ),
        by=alice,
    )
    counted = api.post(f"/api/campaigns/{count.pk}/entries/", {"household": household.pk, "key": "a-2"}, format="json")
    assert counted.status_code == 201 and counted.json()["amount"] == 1


@pytest.mark.parametrize("amount", ["１２", "٣", "1e3", "1.5", True, 1.5, "²"])
def test_an_amount_in_anything_but_ascii_digits_is_refused(api_for, fund, group_a1, carol, amount):
    household = HouseholdFactory(group=group_a1)
    answer = api_for(carol).post(
        f"/api/campaigns/{fund.pk}/entries/", {"household": household.pk, "key": "a-1", "amount": amount}, format="json"
    )
    assert answer.status_code == 400 and "amount" in answer.json()
    assert not Entry.objects.exists()
