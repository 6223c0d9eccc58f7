from django.urls import reverse

from tests.factories import HouseholdFactory, MembershipFactory, member_in


def test_coverage_counts_households_with_an_active_member_against_the_declared_total(
    client_for, alice, group_a1, group_a2
):
    for number in range(4):
        household = HouseholdFactory(group=group_a1)
        member_in(group_a1, household=household)
        if number == 0:
            member_in(group_a1, household=household)  # two people of one household still count once
    left = member_in(group_a1, household=HouseholdFactory(group=group_a1))
    left.memberships.update(status="left")
    member_in(group_a2, household=HouseholdFactory(group=group_a2))

    page = client_for(alice).get(reverse("groups:list")).content.decode()
    # Tổ 1: 4 of 10 households; Tổ 2: 1 of 4; the ward: 5 of 14.
    assert "40,0%" in page and "4 / 10" in page
    assert "25,0%" in page and "1 / 4" in page
    assert "35,7%" in page and "5 / 14" in page


def test_a_group_page_shows_its_coverage_change_when_a_household_joins(client_for, alice, group_a1):
    client = client_for(alice)
    assert "0,0%" in client.get(reverse("groups:detail", args=[group_a1.pk])).content.decode()
    member = member_in(group_a1, household=HouseholdFactory(group=group_a1))
    assert "10,0%" in client.get(reverse("groups:detail", args=[group_a1.pk])).content.decode()
    # A ward leader sitting in the group without a household of it adds no household.
    MembershipFactory(member__ward=group_a1.ward, group=group_a1)
    assert "10,0%" in client.get(reverse("groups:detail", args=[group_a1.pk])).content.decode()
    assert member.household.group == group_a1
