import pytest

from campaigns import services
from groups.models import StaffProfile
from tests.factories import staff_user


@pytest.fixture
def leader(ward_a, group_a1):
    return staff_user("to1@an-binh.vn", ward=ward_a, role=StaffProfile.Role.GROUP_LEADER, groups=[group_a1])


def give(campaign, household, amount, key, by, **more):
    data = services.EntryData(household_id=household.pk, amount=amount, key=key, **more)
    return services.entry_record(campaign=campaign, data=data, by=by)
