"""Campaign entries: recorded once, refused with a clear message when they cannot be right, corrected by a
reversing entry, and running totals that stay exact under concurrent entries and corrections."""

import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from campaigns import services
from campaigns.models import Campaign, Entry, GroupTarget, Participation, Total
from tests.campaigns.conftest import give as _give
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def _total(campaign, group):
    return Total.objects.get(campaign=campaign, group=group)


def test_the_ward_target_is_split_by_households_and_adds_up(fund, group_a1, group_a2):
    targets = {t.group_id: t.target for t in GroupTarget.objects.filter(campaign=fund)}
    assert targets == {group_a1.pk: 10_000_000, group_a2.pk: 4_000_000}  # 10 and 4 households declared


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"target": 0}, "target", "lớn hơn 0"),
        ({"ends_on": date(2020, 1, 1)}, "ends_on", "kết thúc trước"),
        ({"name": "   "}, "name", "tên"),
    ],
)
def test_a_campaign_that_cannot_be_right_is_refused_with_words(ward_a, group_a1, alice, change, field, words):
    today = timezone.localdate()
    values = {
        "name": "Ngày Chủ nhật xanh",
        "kind": "action",
        "unit": "households",
        "starts_on": today,
        "ends_on": today,
        "target": 100,
    } | change
    with pytest.raises(ValidationError) as refused:
        services.campaign_create(ward=ward_a, data=services.CampaignData(**values), by=alice)
    assert words in " ".join(refused.value.message_dict[field]).lower()
    assert not Campaign.objects.exists()


def test_the_same_entry_sent_twice_is_recorded_once(fund, group_a1, leader):
    household = HouseholdFactory(group=group_a1)

    first, created = _give(fund, household, 200_000, "phone-key-1", leader, receipt_number="BL-001")
    again, created_again = _give(fund, household, 200_000, "phone-key-1", leader, receipt_number="BL-001")

    assert created and not created_again and first.pk == again.pk
    total = _total(fund, group_a1)
    assert (total.amount, total.entries, total.households) == (200_000, 1, 1)


@pytest.mark.parametrize(
    ("amount", "receipt", "words"),
    [
        (-50_000, "", "lớn hơn 0"),
        (1_500_000_000, "", "kiểm tra lại"),
        (100_000, "BL-001", "đã được ghi"),
    ],
)
def test_an_entry_that_cannot_be_right_is_refused_and_nothing_is_counted(
    fund, group_a1, leader, amount, receipt, words
):
    household = HouseholdFactory(group=group_a1)
    _give(fund, household, 100_000, "k-0", leader, receipt_number="BL-001")

    with pytest.raises(ValidationError) as refused:
        _give(fund, household, amount, "k-1", leader, receipt_number=receipt)

    assert words in " ".join(sum(refused.value.message_dict.values(), [])).lower()
    assert Entry.objects.count() == 1 and _total(fund, group_a1).amount == 100_000


def test_a_leader_records_only_in_their_groups_and_never_after_the_campaign_closed(
    fund, group_a1, group_a2, leader, alice
):
    with pytest.raises(PermissionDenied):
        _give(fund, HouseholdFactory(group=group_a2), 100_000, "k-2", leader)
    theirs, _created = _give(fund, HouseholdFactory(group=group_a2), 100_000, "admin-key", alice)
    # A key is its author's: the admin's key in the leader's hands names the leader's own new entry, never the
    # admin's entry of another group.
    mine, created = _give(fund, HouseholdFactory(group=group_a1), 100_000, "admin-key", leader)
    assert created and mine.pk != theirs.pk and mine.group_id == group_a1.pk
    services.campaign_close(campaign=fund, by=alice)
    with pytest.raises(ValidationError) as refused:
        _give(fund, HouseholdFactory(group=group_a1), 100_000, "k-3", leader)
    assert "đã kết thúc" in " ".join(refused.value.message_dict["campaign"])
    assert Entry.objects.count() == 2


def test_a_correction_reverses_the_entry_and_keeps_both(fund, group_a1, leader):
    household = HouseholdFactory(group=group_a1)
    entry, _created = _give(fund, household, 500_000, "k-4", leader, receipt_number="BL-009")

    reversal = services.entry_reverse(entry=entry, by=leader, reason="Ghi nhầm hộ", key="k-5")

    assert reversal.amount == -500_000 and reversal.reverses_id == entry.pk
    assert Entry.objects.get(pk=entry.pk).amount == 500_000  # the old entry stays as it was
    total = _total(fund, group_a1)
    assert (total.amount, total.entries, total.households) == (0, 0, 0)
    with pytest.raises(ValidationError):
        services.entry_reverse(entry=entry, by=leader, reason="Lần nữa", key="k-6")


@pytest.mark.django_db(transaction=True)
def test_running_totals_stay_exact_under_concurrent_entries_and_corrections(fund, group_a1, leader):
    households = [HouseholdFactory(group=group_a1) for _ in range(6)]
    errors: list[BaseException] = []

    def writer(thread: int) -> None:
        try:
            for i in range(15):
                household = households[(thread + i) % len(households)]
                entry, _created = _give(fund, household, 10_000 * (i + 1), f"t{thread}-{i}", leader)
                if i % 4 == 0:
                    services.entry_reverse(entry=entry, by=leader, reason="Sửa", key=f"t{thread}-{i}-r")
        except BaseException as error:  # handed to the test thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors, errors
    total = _total(fund, group_a1)
    entries = Entry.objects.filter(campaign=fund, group=group_a1)
    assert total.amount == entries.aggregate(s=Sum("amount"))["s"]
    assert (
        total.entries == entries.filter(reverses__isnull=True).count() - entries.filter(reverses__isnull=False).count()
    )
    net = {p.household_id: p.amount for p in Participation.objects.filter(campaign=fund)}
    for household in households:
        assert net[household.pk] == entries.filter(household=household).aggregate(s=Sum("amount"))["s"]
    assert total.households == sum(1 for amount in net.values() if amount > 0)


def test_an_entry_before_the_campaign_starts_is_refused_with_its_first_day(fund, group_a1, alice):
    from campaigns.models import Campaign

    Campaign.objects.filter(pk=fund.pk).update(starts_on=timezone.localdate() + timedelta(days=2))
    fund.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        _give(fund, HouseholdFactory(group=group_a1), 100_000, "early", alice)
    assert (timezone.localdate() + timedelta(days=2)).strftime("%d/%m/%Y") in refused.value.messages[0]
    assert not Entry.objects.exists()


@pytest.mark.parametrize(
    ("starts", "ends", "field"),
    [
        (date(1, 1, 1), date(1, 12, 31), "starts_on"),
        (None, date(9999, 12, 31), "ends_on"),
        ("next-decade", None, "starts_on"),
    ],
)
def test_a_campaign_is_bounded_to_a_sensible_span_with_a_vietnamese_message(ward_a, alice, starts, ends, field):
    today = timezone.localdate()
    starts = {None: today, "next-decade": today.replace(year=today.year + 10)}.get(starts, starts)
    ends = ends or starts + timedelta(days=30)
    data = services.CampaignData(name="Quỹ", kind="fund", unit="vnd", starts_on=starts, ends_on=ends, target=1_000_000)
    with pytest.raises(ValidationError) as refused:
        services.campaign_create(ward=ward_a, data=data, by=alice)
    assert field in refused.value.message_dict and "năm" in " ".join(refused.value.message_dict[field])
