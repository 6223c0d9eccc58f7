import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from groups import services
from groups.models import Member, Membership
from groups.services import MemberData
from portal.common.phones import normalize_phone
from portal.models import AuditEvent
from tests.factories import HouseholdFactory, member_in


def members_table(response) -> str:
    page = response.content.decode()
    return page[page.index('<table id="members"') :]


def test_spaced_national_and_international_forms_are_one_number():
    assert normalize_phone("0912 345 678") == normalize_phone("+84912345678") == "+84912345678"
    assert normalize_phone("84 912.345.678") == "+84912345678"


@pytest.mark.parametrize("raw", ["0912 345 67", "12345", "abc", "+1 202 555 0143"])
def test_a_number_that_is_not_a_vietnamese_phone_is_refused_in_vietnamese(raw):
    with pytest.raises(ValidationError) as error:
        normalize_phone(raw)
    assert (
        "không phải số điện thoại Việt Nam hợp lệ" in error.value.messages[0]
        or "không hợp lệ" in error.value.messages[0]
    )


def test_a_phone_already_in_the_ward_is_refused_and_nothing_is_written(group_a1, group_a2, alice):
    member_in(group_a1, full_name="Lê Thị Hoa", phone="+84912345678")
    with pytest.raises(ValidationError) as error:
        services.member_create(group=group_a2, data=MemberData(full_name="Người Khác", phone="0912 345 678"), by=alice)
    assert "Lê Thị Hoa" in error.value.message_dict["phone"][0]
    assert Member.objects.count() == 1
    assert not Membership.objects.filter(group=group_a2).exists()


def test_the_same_phone_may_live_in_two_wards(group_a1, group_b1, alice, dave):
    services.member_create(group=group_a1, data=MemberData(full_name="A", phone="0912345678"), by=alice)
    services.member_create(group=group_b1, data=MemberData(full_name="B", phone="0912345678"), by=dave)
    assert Member.objects.filter(phone="+84912345678").count() == 2


def test_add_member_page_shows_the_phone_error_beside_the_field(client_for, alice, group_a1):
    response = client_for(alice).post(
        reverse("groups:member_add", args=[group_a1.pk]),
        {"full_name": "Trần Văn Bình", "phone": "0912 345 67", "role": "resident"},
    )
    assert response.status_code == 200
    assert "không phải số điện thoại Việt Nam hợp lệ" in response.content.decode()
    assert not Member.objects.exists()


def test_member_search_ignores_diacritics_and_finds_by_phone(client_for, alice, group_a1):
    member_in(group_a1, full_name="Nguyễn Văn A", phone="+84912000111")
    member_in(group_a1, full_name="Đỗ Thị Bích", phone="+84987654321")
    client = client_for(alice)
    page = client.get(reverse("groups:detail", args=[group_a1.pk]), {"q": "nguyen van a"}).content.decode()
    assert "Nguyễn Văn A" in page and "Đỗ Thị Bích" not in page
    page = client.get(reverse("groups:detail", args=[group_a1.pk]), {"q": "do thi"}).content.decode()
    assert "Đỗ Thị Bích" in page and "Nguyễn Văn A" not in page
    page = client.get(reverse("groups:detail", args=[group_a1.pk]), {"q": "0987654"}).content.decode()
    assert "Đỗ Thị Bích" in page and "Nguyễn Văn A" not in page


def test_removing_a_member_keeps_the_history(client_for, alice, group_a1):
    member = member_in(group_a1, full_name="Phan Văn Rời")
    membership = member.memberships.get()
    client = client_for(alice)
    client.post(reverse("groups:membership_action", args=[membership.pk, "remove"]))
    membership.refresh_from_db()
    assert membership.status == Membership.Status.LEFT and membership.left_at is not None
    assert "Phan Văn Rời" not in members_table(client.get(reverse("groups:detail", args=[group_a1.pk])))
    former = members_table(client.get(reverse("groups:detail", args=[group_a1.pk]), {"status": "left"}))
    assert "Phan Văn Rời" in former
    assert AuditEvent.objects.filter(action="delete", object_id=str(membership.pk), actor=alice).exists()


def test_moving_a_member_ends_the_old_membership_and_starts_one_in_the_new_group(client_for, alice, group_a1, group_a2):
    household = HouseholdFactory(group=group_a1, address="5 Lê Lợi")
    member = member_in(group_a1, household=household)
    membership = member.memberships.get()
    client_for(alice).post(
        reverse("groups:membership_action", args=[membership.pk, "move"]),
        {"group": group_a2.pk, "address": "9 Hùng Vương"},
    )
    membership.refresh_from_db()
    member.refresh_from_db()
    assert membership.status == Membership.Status.LEFT
    assert member.memberships.get(status="active").group == group_a2
    assert member.household.group == group_a2 and member.household.address == "9 Hùng Vương"


def test_changing_a_role_to_branch_head_asks_for_the_organisation(client_for, alice, group_a1):
    membership = member_in(group_a1).memberships.get()
    client = client_for(alice)
    response = client.post(
        reverse("groups:membership_action", args=[membership.pk, "role"]), {"role": "branch_head"}, follow=True
    )
    membership.refresh_from_db()
    assert membership.role == "resident"
    assert "chi hội" in response.content.decode()
    client.post(
        reverse("groups:membership_action", args=[membership.pk, "role"]),
        {"role": "branch_head", "organisation": "Hội Phụ nữ"},
    )
    membership.refresh_from_db()
    assert (membership.role, membership.organisation) == ("branch_head", "Hội Phụ nữ")


def test_a_ward_leader_can_sit_in_several_groups_but_once_in_each(alice, group_a1, group_a2):
    member = member_in(group_a1, full_name="Mai Thị Lý")
    services.membership_add(member=member, group=group_a2, role="ward_leader", by=alice)
    assert member.memberships.filter(status="active").count() == 2
    with pytest.raises(ValidationError):
        services.membership_add(member=member, group=group_a2, by=alice)


def test_an_edit_form_opened_before_someone_elses_change_is_refused(client_for, alice, group_a1):
    member = member_in(group_a1, full_name="Võ Văn Cũ", phone="+84912000222")
    client = client_for(alice)
    form = client.get(reverse("groups:member_edit", args=[member.pk])).context["form"]
    stale_version = form.initial["version"]
    services.member_update(member=member, data=MemberData(full_name="Võ Văn Mới", phone="0912000222"), by=alice)
    response = client.post(
        reverse("groups:member_edit", args=[member.pk]),
        {"full_name": "Võ Văn Cũ Sửa", "phone": "0912000222", "version": stale_version},
    )
    assert "Người khác đã sửa" in response.content.decode()
    member.refresh_from_db()
    assert member.full_name == "Võ Văn Mới"


def test_opening_a_member_page_is_recorded_in_the_audit_trail(client_for, bob, group_a1):
    member = member_in(group_a1)
    client_for(bob).get(reverse("groups:member", args=[member.pk]))
    assert AuditEvent.objects.filter(actor=bob, action="view", object_id=str(member.pk)).count() == 1


def test_changes_record_old_and_new_values(alice, group_a1):
    member = member_in(group_a1, full_name="Tên Cũ", phone="+84912000333")
    services.member_update(member=member, data=MemberData(full_name="Tên Mới", phone="0912000333"), by=alice)
    event = AuditEvent.objects.get(action="update", object_id=str(member.pk))
    assert event.changes["full_name"] == ["Tên Cũ", "Tên Mới"]
    assert event.actor == alice


def test_names_and_groups_are_in_vietnamese_order(client_for, alice, ward_a, group_a1):
    from tests.factories import GroupFactory

    for name in ("Huỳnh Văn Ba", "Hồ Thị Hai", "Đỗ Văn Một"):
        member_in(group_a1, full_name=name)
    GroupFactory(ward=ward_a, name="Tổ dân phố 10")
    GroupFactory(ward=ward_a, name="Tổ dân phố 2")
    staff = client_for(alice)

    members = members_table(staff.get(reverse("groups:detail", args=[group_a1.pk])))
    groups = staff.get(reverse("groups:list")).content.decode()

    assert members.index("Đỗ Văn Một") < members.index("Hồ Thị Hai") < members.index("Huỳnh Văn Ba")
    assert groups.index("Tổ dân phố 1<") < groups.index("Tổ dân phố 2<") < groups.index("Tổ dân phố 10<")
