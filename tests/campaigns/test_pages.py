"""The campaign pages as their people use them: a leader recording on a phone (the script's JSON and the plain
form), the ward's progress, the admin's audit, the public page that names only those who agreed, and its feed."""

import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns import services as campaign_services
from campaigns.models import Entry, Total
from portal.models import AuditEvent
from tests.campaigns.conftest import give
from tests.factories import HouseholdFactory, member_in

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def _record(client, campaign, household, amount="500.000", key="k1", **more):
    data = {"household": household.pk, "amount": amount, "key": key, "method": "cash"} | more
    return client.post(f"/campaigns/{campaign.pk}/record/", data, **JSON)


def test_an_entry_sent_twice_by_the_phone_is_recorded_once_and_moves_its_group(client_for, fund, group_a1, carol):
    household = HouseholdFactory(group=group_a1)
    client = client_for(carol)

    first = _record(client, fund, household, "500.000", key="phone-1")
    again = _record(client, fund, household, "500.000", key="phone-1")  # the answer was lost; the phone retries

    assert first.status_code == 201 and first.json()["created"] is True
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["entry"]["id"] == first.json()["entry"]["id"]
    assert Total.objects.get(campaign=fund, group=group_a1).amount == 500_000
    page = client.get(f"/campaigns/{fund.pk}/").content.decode()
    assert "500.000 đ" in page and "5\xa0%" in page  # 500.000 of the ward's 14.000.000 → 3,6 %; the group's 5 %


def test_the_form_works_without_the_script_and_keeps_what_was_typed_after_an_error(client_for, fund, group_a1, carol):
    household = HouseholdFactory(group=group_a1, address="12 Hẻm Chợ")
    client = client_for(carol)

    found = client.get(f"/campaigns/{fund.pk}/record/", {"q": "hem cho"}).content.decode()
    assert "12 Hẻm Chợ" in found  # found without diacritics

    refused = client.post(
        f"/campaigns/{fund.pk}/record/",
        {"household": household.pk, "amount": "2.000.000.000", "key": "plain-1", "receipt_number": "BL-7"},
    )
    body = refused.content.decode()
    assert refused.status_code == 200 and "1.000.000.000 đ" in body
    assert 'value="BL-7"' in body and 'value="plain-1"' in body  # nothing typed is lost, the key stays the same
    assert f'value="{household.pk}" checked' in body  # nor the household chosen
    assert not Entry.objects.exists()

    saved = client.post(
        f"/campaigns/{fund.pk}/record/",
        {"household": household.pk, "amount": "200.000", "key": "plain-1", "receipt_number": "BL-7"},
        follow=True,
    )
    assert "Đã ghi: 200.000 đ." in saved.content.decode()
    assert Entry.objects.get().receipt_number == "BL-7"


@pytest.mark.parametrize(
    ("amount", "words"),
    [("-50.000", "lớn hơn 0"), ("abc", "số nguyên"), ("0", "lớn hơn 0"), ("1.000.000.001", "1.000.000.000 đ")],
)
def test_a_wrong_amount_is_answered_in_words_and_records_nothing(client_for, fund, group_a1, carol, amount, words):
    household = HouseholdFactory(group=group_a1)
    answer = _record(client_for(carol), fund, household, amount)
    assert answer.status_code == 400
    assert words in answer.json()["errors"]["amount"][0]["message"]
    assert not Entry.objects.exists() and Total.objects.get(campaign=fund, group=group_a1).amount == 0


def test_a_leader_cannot_record_for_a_household_of_another_group(client_for, fund, group_a2, carol):
    answer = _record(client_for(carol), fund, HouseholdFactory(group=group_a2))
    assert answer.status_code == 403
    assert "tổ của mình" in answer.json()["errors"]["household"][0]["message"]
    assert not Entry.objects.exists()


def test_a_leader_finds_only_the_households_of_their_own_groups(client_for, fund, group_a1, group_a2, carol):
    HouseholdFactory(group=group_a1, address="5 Nguyễn Trãi")
    HouseholdFactory(group=group_a2, address="7 Nguyễn Trãi")
    client = client_for(carol)
    found = client.get(f"/campaigns/{fund.pk}/households/", {"q": "nguyen trai"}).json()["results"]
    assert [h["address"] for h in found] == ["5 Nguyễn Trãi"]
    everything = client.get(f"/campaigns/{fund.pk}/households/", {"all": "1"}).json()
    assert everything["complete"] and [h["address"] for h in everything["results"]] == ["5 Nguyễn Trãi"]


def test_progress_ranks_only_groups_of_at_least_ten_households(client_for, fund, group_a1, group_a2, alice, bob):
    give(fund, HouseholdFactory(group=group_a1), 1_000_000, "a", alice)
    give(fund, HouseholdFactory(group=group_a2), 4_000_000, "b", alice)  # 100 % of a 4-household group

    page = client_for(bob).get(f"/campaigns/{fund.pk}/")
    rows = _rows(page)
    assert rows["Tổ dân phố 1"].startswith("1. Tổ dân phố 1 10\xa0%")  # ranked first
    assert rows["Tổ dân phố 2"].startswith("Tổ dân phố 2 100\xa0%")  # 4 households: not ranked
    progress = page.context["progress"]
    assert (progress.amount, progress.households, progress.households_total) == (5_000_000, 2, 14)
    assert "35,7\xa0%" in page.content.decode()  # 5.000.000 of 14.000.000


def _rows(page) -> dict[str, str]:
    """Each group's line on a campaign's page, as its text."""
    lines = re.findall(r'<li[^>]*data-group="([^"]+)">(.*?)</li>', page.content.decode())
    text = {name: html.unescape(re.sub(r"<[^>]+>", " ", body)) for name, body in lines}
    return {html.unescape(name): re.sub(r"[ \n]+", " ", line).strip() for name, line in text.items()}


def test_the_progress_page_is_never_staler_than_the_last_entry(
    client_for, fund, group_a1, alice, bob, django_capture_on_commit_callbacks
):
    client = client_for(bob)
    assert "0 / 10.000.000 đ" in _rows(client.get(f"/campaigns/{fund.pk}/"))["Tổ dân phố 1"]  # now kept in the cache
    with django_capture_on_commit_callbacks(execute=True):  # what a real commit runs
        give(fund, HouseholdFactory(group=group_a1), 2_500_000, "s1", alice)
    assert "2.500.000 / 10.000.000 đ" in _rows(client.get(f"/campaigns/{fund.pk}/"))["Tổ dân phố 1"]
    with django_capture_on_commit_callbacks(execute=True):
        campaign_services.campaign_targets_set(campaign=fund, targets={group_a1.pk: 5_000_000}, by=alice)
    assert "2.500.000 / 5.000.000 đ" in _rows(client.get(f"/campaigns/{fund.pk}/"))["Tổ dân phố 1"]


def test_the_public_page_names_only_the_households_that_agreed(client, fund, group_a1, alice):
    agreed = HouseholdFactory(group=group_a1)
    agreed.head = member_in(group_a1, household=agreed, full_name="Trần Văn Đồng")
    agreed.save()
    private = HouseholdFactory(group=group_a1)
    private.head = member_in(group_a1, household=private, full_name="Lê Thị Kín")
    private.save()
    give(fund, agreed, 300_000, "p1", alice, name_public=True)
    give(fund, private, 700_000, "p2", alice)

    page = client.get(f"/p/{fund.ward.code}/campaigns/{fund.pk}/")  # nobody signed in
    body = page.content.decode()
    assert page.status_code == 200
    assert "Trần Văn Đồng" in body and "Lê Thị Kín" not in body and private.address not in body
    assert "một hộ dân" in body
    assert "1.000.000 đ" in body  # the total counts both
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert today in body

    feed = client.get(f"/p/{fund.ward.code}/campaigns/{fund.pk}/feed.atom")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("application/atom+xml")
    assert f"{today}: 1.000.000 đ" in feed.content.decode() and "Lê Thị Kín" not in feed.content.decode()


def test_a_household_with_no_head_that_agreed_to_be_named_is_never_shown_by_its_address(client, fund, group_a1, alice):
    headless = HouseholdFactory(group=group_a1, address="1 Bạch Đằng")
    give(fund, headless, 30_000, "p1", alice, name_public=True)

    page = client.get(f"/p/{fund.ward.code}/campaigns/{fund.pk}/").content.decode()
    api = client.get(f"/api/campaigns/{fund.pk}/public/").json()
    feed = client.get(f"/p/{fund.ward.code}/campaigns/{fund.pk}/feed.atom").content.decode()

    assert "1 Bạch Đằng" not in page and "một hộ dân" in page
    assert [entry["name"] for entry in api["entries"]] == [""]
    assert "1 Bạch Đằng" not in feed


def test_a_campaign_of_another_ward_is_not_found_by_its_number(client, fund, ward_b):
    assert client.get(f"/p/{ward_b.code}/campaigns/{fund.pk}/").status_code == 404


def test_a_correction_takes_the_entry_out_and_the_admin_sees_who_did_what_from_where(
    client_for, fund, group_a1, carol, alice
):
    household = HouseholdFactory(group=group_a1)
    client = client_for(carol)
    entry_id = _record(client, fund, household, "900.000", key="w1").json()["entry"]["id"]

    assert "Vì sao" in client.get(f"/campaigns/{fund.pk}/entries/{entry_id}/reverse/").content.decode()
    client.post(f"/campaigns/{fund.pk}/entries/{entry_id}/reverse/", {"reason": "Gõ nhầm số", "key": "r1"})
    assert Total.objects.get(campaign=fund, group=group_a1).amount == 0
    assert Entry.objects.count() == 2  # the old one stays

    assert client.get(f"/campaigns/{fund.pk}/entries/").status_code == 403  # a leader does not see the audit
    audit = client_for(alice).get(f"/campaigns/{fund.pk}/entries/").content.decode()
    assert "Gõ nhầm số" in audit and "carol@an-binh.vn" in audit and "127.0.0.1" in audit
    assert AuditEvent.objects.filter(actor=alice, action="view", object_id=str(fund.pk)).exists()


def test_a_closed_campaign_asks_first_then_takes_no_more_entries(client_for, fund, group_a1, alice):
    client = client_for(alice)
    assert "không ai ghi nhận" in client.get(f"/campaigns/{fund.pk}/close/").content.decode()
    client.post(f"/campaigns/{fund.pk}/close/")
    answer = _record(client, fund, HouseholdFactory(group=group_a1))
    assert answer.status_code == 400 and "đã kết thúc" in answer.json()["errors"]["__all__"][0]["message"]


def test_an_admin_opens_a_campaign_from_the_form_and_moves_a_group_target(
    client_for, ward_a, group_a1, group_a2, alice
):
    client = client_for(alice)
    refused = client.post(
        "/campaigns/new/",
        {
            "name": "Ngày Chủ nhật xanh",
            "kind": "action",
            "unit": "households",
            "starts_on": str(timezone.localdate()),
            "ends_on": str(timezone.localdate() - timedelta(days=5)),
            "target": "0",
        },
    )
    body = refused.content.decode()
    assert "kết thúc trước" in body and "lớn hơn 0" in body and 'value="Ngày Chủ nhật xanh"' in body

    made = client.post(
        "/campaigns/new/",
        {
            "name": "Ngày Chủ nhật xanh",
            "kind": "action",
            "unit": "households",
            "starts_on": str(timezone.localdate()),
            "ends_on": str(timezone.localdate()),
            "target": "14",
        },
    )
    campaign_id = int(made["Location"].strip("/").split("/")[-1])
    client.post(f"/campaigns/{campaign_id}/targets/", {f"g{group_a1.pk}": "12", f"g{group_a2.pk}": "2"})
    rows = _rows(client.get(f"/campaigns/{campaign_id}/"))
    assert "/ 12 hộ" in rows["Tổ dân phố 1"] and "/ 2 hộ" in rows["Tổ dân phố 2"]


def test_the_today_page_shows_each_running_campaign_with_its_percent(client_for, fund, group_a1, alice, carol):
    give(fund, HouseholdFactory(group=group_a1), 7_000_000, "t1", alice)
    ward = client_for(alice).get("/today/").content.decode()
    assert "Quỹ Vì người nghèo 2026" in ward and "50\xa0%" in ward  # 7 of the ward's 14 million
    leader = client_for(carol).get("/today/").content.decode()
    assert "70\xa0%" in leader  # 7 of their group's 10 million


def test_a_group_made_after_the_campaign_shows_its_entries_without_a_target(client_for, fund, ward_a, alice):
    from tests.factories import GroupFactory

    late = GroupFactory(ward=ward_a, name="Tổ dân phố 9", households_total=12)
    give(fund, HouseholdFactory(group=late), 400_000, "late", alice)
    page = client_for(alice).get(f"/campaigns/{fund.pk}/")
    assert _rows(page)["Tổ dân phố 9"].startswith("Tổ dân phố 9 — 400.000 / 0 đ")  # no target, not ranked
    assert page.context["progress"].amount == 400_000


def test_the_campaign_feed_keeps_one_item_a_day_with_a_stable_tag_id_an_author_and_a_moving_update(
    client, fund, group_a1, alice
):
    from xml.etree import ElementTree

    atom = "{http://www.w3.org/2005/Atom}"

    def feed():
        body = client.get(f"/p/{fund.ward.code}/campaigns/{fund.pk}/feed.atom").content
        return ElementTree.fromstring(body)

    from datetime import timedelta as later

    from campaigns.models import DayTotal

    give(fund, HouseholdFactory(group=group_a1), 100_000, "f1", alice)
    DayTotal.objects.update(updated_at=timezone.now() - later(hours=1))  # the first entry, an hour ago
    first = feed()
    give(fund, HouseholdFactory(group=group_a1), 200_000, "f2", alice)
    second = feed()

    (entry_before,) = first.findall(f"{atom}entry")
    (entry_after,) = second.findall(f"{atom}entry")  # one item for the day, not one per contribution
    assert entry_before.find(f"{atom}id").text == entry_after.find(f"{atom}id").text
    assert (
        entry_after.find(f"{atom}id").text.startswith("tag:")
        and f"campaign/{fund.pk}/day/" in entry_after.find(f"{atom}id").text
    )
    assert second.find(f"{atom}id").text.startswith("tag:")
    assert entry_after.find(f"{atom}updated").text > entry_before.find(f"{atom}updated").text
    assert "Ủy ban MTTQ Việt Nam" in second.find(f"{atom}author/{atom}name").text
    page = client.get(f"/p/{fund.ward.code}/campaigns/{fund.pk}/").content.decode()
    assert "Theo dõi bằng ứng dụng đọc tin" in page


def test_the_ward_page_leads_residents_to_the_running_campaigns(client, fund, group_a1, alice):
    give(fund, HouseholdFactory(group=group_a1), 1_400_000, "w1", alice)
    campaign_services.campaign_close(
        campaign=campaign_services.campaign_create(
            ward=fund.ward,
            data=campaign_services.CampaignData(
                name="Quỹ đã xong", kind="fund", unit="vnd", starts_on=fund.starts_on, ends_on=fund.ends_on, target=1
            ),
            by=alice,
        ),
        by=alice,
    )

    page = client.get(f"/p/{fund.ward.code}/").content.decode()

    assert page.index("data-running-campaigns") < page.index("<h2>Thông báo</h2>")
    assert f'href="/p/{fund.ward.code}/campaigns/{fund.pk}/"' in page and "Quỹ Vì người nghèo 2026" in page
    assert "10 % chỉ tiêu" in page.replace("\u00a0", " ") and "còn 30 ngày" in page
    assert "Quỹ đã xong" not in page


def test_a_leader_finds_a_household_by_anyones_name_and_the_exact_house_number_comes_first(
    client_for, fund, group_a1, carol
):
    for address in ("17 Lê Lợi", "27 Lê Lợi", "7 Lê Lợi"):
        HouseholdFactory(group=group_a1, address=address)
    home = HouseholdFactory(group=group_a1, address="9 Trần Phú")
    home.head = member_in(group_a1, household=home, full_name="Lê Văn Hùng")
    home.save()
    member_in(group_a1, household=home, full_name="Huỳnh Thanh Tuấn")
    client = client_for(carol)

    def found(query):
        return client.get(f"/campaigns/{fund.pk}/households/", {"q": query}).json()["results"]

    by_member = found("huynh thanh tuan")
    assert [h["address"] for h in by_member] == ["9 Trần Phú"] and by_member[0]["head"] == "Lê Văn Hùng"
    assert found("7 le loi")[0]["address"] == "7 Lê Lợi"
    everything = client.get(f"/campaigns/{fund.pk}/households/", {"all": "1"}).json()
    assert "Huỳnh Thanh Tuấn" in next(h["people"] for h in everything["results"] if h["address"] == "9 Trần Phú")


def test_a_leader_corrects_an_entry_by_typing_the_right_amount(client_for, fund, group_a1, carol):
    household = HouseholdFactory(group=group_a1)
    client = client_for(carol)
    entry_id = _record(client, fund, household, "500.000", key="c1").json()["entry"]["id"]

    form = client.get(f"/campaigns/{fund.pk}/entries/{entry_id}/reverse/").content.decode()
    assert "Số đúng" in form
    same = client.post(
        f"/campaigns/{fund.pk}/entries/{entry_id}/reverse/", {"amount": "500.000", "reason": "Gõ nhầm", "key": "r1"}
    )
    assert "Đây là số đã ghi" in same.content.decode() and not Entry.objects.filter(reverses__isnull=False).exists()
    client.post(
        f"/campaigns/{fund.pk}/entries/{entry_id}/reverse/", {"amount": "50.000", "reason": "Gõ thừa số 0", "key": "r2"}
    )

    assert sorted(Entry.objects.filter(campaign=fund).values_list("amount", flat=True)) == [-500_000, 50_000, 500_000]
    assert Total.objects.get(campaign=fund, group=group_a1).amount == 50_000


def test_a_ward_admin_tells_residents_what_the_fund_is_for_and_how_to_give_with_a_vietqr_code(
    client_for, client, fund, group_a1, alice, carol
):
    from vietnam_qr_pay import QRPay

    from campaigns import services as campaigns

    about = {
        "purpose": "Giúp 12 hộ nghèo sửa nhà trước mùa mưa.",
        "how_to_give": "Tổ trưởng thu tại nhà văn hóa, 18–20 giờ các tối thứ Bảy, đến 31/12.",
        "bank_bin": "970436",
        "bank_account": "0011 0012 34567",
        "bank_holder": "UB MTTQ phuong An Binh",
    }
    assert client_for(carol).post(f"/campaigns/{fund.pk}/about/", about).status_code == 403  # a leader
    refused = client_for(alice).post(f"/campaigns/{fund.pk}/about/", {**about, "bank_account": ""})
    assert "cả ngân hàng và số tài khoản" in refused.content.decode()
    client_for(alice).post(f"/campaigns/{fund.pk}/about/", about)

    page = client.get(f"/p/{fund.ward.code}/campaigns/{fund.pk}/").content.decode()
    assert page.index("Giúp 12 hộ nghèo") < page.index("data-progress") < page.index("Cách tham gia")
    assert page.index("Cách tham gia") < page.index("Theo tổ") and "nhà văn hóa" in page
    fund.refresh_from_db()
    decoded = QRPay(campaigns.vietqr_payload(fund))
    assert decoded.is_valid and decoded.consumer.bank_bin == "970436"
    assert (
        decoded.consumer.bank_number == "0011001234567"
        and decoded.additional_data.purpose == f"MTTQ {fund.ward.code} QUY{fund.pk}"
    )
    assert "<svg" in page and f"MTTQ {fund.ward.code} QUY{fund.pk}" in page


def test_the_public_page_labels_its_days_and_group_targets_are_round_thousands(client, fund, group_a1, alice):
    give(fund, HouseholdFactory(group=group_a1), 40_150_000, "d1", alice)
    page = client.get(f"/p/{fund.ward.code}/campaigns/{fund.pk}/").content.decode()
    assert "40.150.000 đ" in page and "1 lượt ghi" in page
    split = campaign_services.campaign_create(
        ward=fund.ward,
        data=campaign_services.CampaignData(
            name="Quỹ khuyến học",
            kind="fund",
            unit="vnd",
            starts_on=fund.starts_on,
            ends_on=fund.ends_on,
            target=10_000_000,
        ),
        by=alice,
    )
    targets = sorted(t.target for t in split.group_targets.all())
    assert targets == [2_857_000, 7_143_000] and sum(targets) == 10_000_000  # not 2.857.143 and 7.142.857
