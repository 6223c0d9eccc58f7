from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns import services
from groups.models import StaffProfile
from tests.factories import staff_user


@pytest.fixture
def fund(ward_a, group_a1, group_a2, alice):
    """A fund for the poor of 14.000.000 đ, running since three days, split 10:4 by declared households."""
    today = timezone.localdate()
    data = services.CampaignData(
        name="Quỹ Vì người nghèo 2026",
        kind="fund",
        unit="vnd",
        starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=30),
        target=14_000_000,
    )
    return services.campaign_create(ward=ward_a, data=data, by=alice)


@pytest.fixture
def leader(ward_a, group_a1):
    return staff_user("to1@an-binh.vn", ward=ward_a, role=StaffProfile.Role.GROUP_LEADER, groups=[group_a1])


def give(campaign, household, amount, key, by, **more):
    data = services.EntryData(household_id=household.pk, amount=amount, key=key, **more)
    return services.entry_record(campaign=campaign, data=data, by=by)
