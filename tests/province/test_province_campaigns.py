"""A province's campaign: its target split over the wards by their declared households, each ward running its
share over its groups, and the progress rolled up group → ward → province on its page and its public page."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from campaigns import services
from campaigns.models import Campaign, GroupTarget, ProvinceCampaign
from groups.models import StaffProfile
from tests.campaigns.conftest import give
from tests.factories import GroupFactory, HouseholdFactory, ProvinceFactory, WardFactory, province_user, staff_user

pytestmark = pytest.mark.django_db


def _form(**more):
    today = timezone.localdate()
    return {
        "name": "Quỹ Vì người nghèo của tỉnh",
        "kind": "fund",
        "unit": "vnd",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=60)).isoformat(),
        "target": "100.000.000",
        "purpose": "Xây nhà cho hộ nghèo.",
        **more,
    }


def test_a_province_campaign_splits_over_wards_and_rolls_up_from_the_groups_entries(
    client, client_for, ward_a, ward_b, group_a1, group_a2, group_b1
):
    leader = staff_user("to1@an-binh.vn", ward=ward_a, role=StaffProfile.Role.GROUP_LEADER, groups=[group_a1])
    # Declared households: ward A 10 + 4 + 86 = 100, ward B 8 + 292 = 300, a new ward none yet.
    GroupFactory(ward=ward_a, households_total=86)
    GroupFactory(ward=ward_b, households_total=292)
    empty = WardFactory(name="Phường Mới", code="30010", province=ward_a.province)
    elsewhere = WardFactory(code="00070", province=ProvinceFactory(name="Hà Nội", code="01"))
    GroupFactory(ward=elsewhere, households_total=500)
    admin = province_user("tinh@khanh-hoa.vn", province=ward_a.province)

    answer = client_for(admin).post("/province/campaigns/new/", _form())
    campaign = ProvinceCampaign.objects.get()
    assert answer["Location"] == f"/province/campaigns/{campaign.pk}/"
    parts = {c.ward_id: c for c in Campaign.objects.filter(province_campaign=campaign)}
    assert {w: c.target for w, c in parts.items()} == {ward_a.pk: 25_000_000, ward_b.pk: 75_000_000}
    assert empty.pk not in parts and elsewhere.pk not in parts
    # Each ward's share is split over its groups by their households, as a ward's own campaign is.
    a_groups = dict(GroupTarget.objects.filter(campaign=parts[ward_a.pk]).values_list("group_id", "target"))
    assert sum(a_groups.values()) == 25_000_000 and a_groups[group_a1.pk] == 2_500_000

    give(parts[ward_a.pk], HouseholdFactory(group=group_a1), 5_000_000, "k1", leader)
    give(parts[ward_a.pk], HouseholdFactory(group=group_a1), 1_250_000, "k2", leader)

    page = client_for(admin).get(f"/province/campaigns/{campaign.pk}/")
    progress = page.context["progress"]
    assert progress.amount == 6_250_000 and progress.percent == 6.2  # of 100 million
    assert [(w.code, w.percent) for w in progress.wards] == [(ward_b.code, 0.0), (ward_a.code, 25.0)]  # lowest first
    public = client.get(f"/t/{ward_a.province.code}/campaigns/{campaign.pk}/").content.decode()
    assert "25\u00a0%" in public and "Phường Bến Gỗ" in public
    assert f"/p/{ward_a.code}/campaigns/{parts[ward_a.pk].pk}/" in public  # each ward's own public page
    # The province's page counts it among each ward's running campaigns.
    line = next(w for w in client_for(admin).get("/province/").context["wards"] if w.code == ward_a.code)
    assert [c.percent for c in line.campaigns] == [25.0]


def test_the_province_changes_a_wards_share_and_nobody_else_can(client_for, ward_a, ward_b, group_a1, group_b1):
    admin = province_user("tinh@khanh-hoa.vn", province=ward_a.province)
    campaign = services.province_campaign_create(
        data=services.ProvinceCampaignData(
            name="Tết vì người nghèo",
            kind="fund",
            unit="vnd",
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate() + timedelta(days=30),
            target=18_000_000,
        ),
        by=admin,
    )
    part_b = Campaign.objects.get(province_campaign=campaign, ward=ward_b)
    viewer, other = Client(), Client()  # each signed in in its own browser
    viewer.force_login(province_user("xem@khanh-hoa.vn", province=ward_a.province, role="viewer"))
    other.force_login(province_user("tinh@ha-noi.vn", province=ProvinceFactory(name="Hà Nội", code="01")))
    assert (
        viewer.post(f"/province/campaigns/{campaign.pk}/share/", {"ward": ward_b.pk, "target": "1"}).status_code == 403
    )
    assert (
        other.post(f"/province/campaigns/{campaign.pk}/share/", {"ward": ward_b.pk, "target": "1"}).status_code == 404
    )
    assert Campaign.objects.get(pk=part_b.pk).target == part_b.target

    client_for(admin).post(f"/province/campaigns/{campaign.pk}/share/", {"ward": ward_b.pk, "target": "12.000.000"})
    assert Campaign.objects.get(pk=part_b.pk).target == 12_000_000
    refused = client_for(admin).post(f"/province/campaigns/{campaign.pk}/share/", {"ward": 999_999, "target": "5"})
    assert refused.status_code == 200 and "ward" in refused.context["form"].errors


def test_a_bad_campaign_is_refused_with_its_reasons_and_opens_nothing(client_for, ward_a, group_a1):
    admin = province_user("tinh@khanh-hoa.vn", province=ward_a.province)
    page = client_for(admin).post("/province/campaigns/new/", _form(target="0", ends_on="2020-01-01"))
    assert page.status_code == 200 and set(page.context["form"].errors) >= {"target", "ends_on"}
    assert not ProvinceCampaign.objects.exists() and not Campaign.objects.exists()


def test_the_api_opens_a_province_campaign_with_a_set_share_and_reports_each_ward(
    client, ward_a, ward_b, group_a1, group_b1
):
    from portal.common.tokens import token_create

    admin = province_user("tinh@khanh-hoa.vn", province=ward_a.province)
    auth = {"HTTP_AUTHORIZATION": f"Token {token_create(user=admin, name='tỉnh')[1]}"}
    today = timezone.localdate()
    body = {
        "name": "Quỹ API",
        "kind": "fund",
        "unit": "vnd",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=30)).isoformat(),
        "target": 30_000_000,
        "ward_targets": {ward_b.code: 20_000_000},
    }
    refused = client.post(
        "/api/province/campaigns/", {**body, "ward_targets": {"00070": 1}}, content_type="application/json", **auth
    )
    assert refused.status_code == 400 and "ward_targets" in refused.json()
    made = client.post("/api/province/campaigns/", body, content_type="application/json", **auth).json()
    shares = {w["code"]: w["target"] for w in made["wards"]}
    assert shares == {ward_a.code: 10_000_000, ward_b.code: 20_000_000}  # the set one, and the rest to ward A
    changed = client.post(
        f"/api/province/campaigns/{made['id']}/share/",
        {"ward_code": ward_a.code, "target": 12_000_000},
        content_type="application/json",
        **auth,
    ).json()
    assert {w["code"]: w["target"] for w in changed["wards"]}[ward_a.code] == 12_000_000
