"""A group leader cannot pull a resident of another group into theirs, nor learn who a phone number belongs to:
adding someone the ward already knows becomes a request that the resident confirms or their group decides."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from groups import services
from groups.models import Member, Membership, StaffProfile
from tests.factories import member_in, send_personal, staff_user
from tests.groups.spreadsheets import xlsx

pytestmark = pytest.mark.django_db

NEW = {"full_name": "Người Lạ", "phone": "0912 777 666", "role": "resident", "address": "9 Lê Lợi"}


@pytest.fixture
def erin(ward_a, group_a2):
    """The leader of group A2."""
    return staff_user("erin@an-binh.vn", ward=ward_a, role=StaffProfile.Role.GROUP_LEADER, groups=[group_a2])


@pytest.fixture
def neighbour(group_a2):
    """A resident of group A2, whose phone a leader of A1 might type."""
    return member_in(group_a2, full_name="Hoàng Thị Bích Ngọc", phone="+84912777666", consent_sms=True)


def _confirm_link(sms_gateway) -> str:
    text = sms_gateway.contents[-1][1]
    return re.search(r"https?://[^ ]+?(/join/confirm/[^ ]+/)", text).group(1)


def test_a_leader_typing_a_phone_of_another_group_sends_a_request_and_learns_no_name(
    carol, group_a1, neighbour, client_for
):
    leader = client_for(carol)

    response = leader.post(reverse("groups:member_add", args=[group_a1.pk]), NEW, follow=True)

    page = response.content.decode()
    assert "Hoàng Thị Bích Ngọc" not in page and "một tổ khác" in page
    request = Membership.objects.get(group=group_a1)
    assert (request.status, request.confirmation_required, request.member) == ("pending", True, neighbour)
    assert Member.objects.get(pk=neighbour.pk).full_name == "Hoàng Thị Bích Ngọc"  # nothing typed changed them
    assert leader.get(reverse("groups:member", args=[neighbour.pk])).status_code == 404
    detail = leader.get(reverse("groups:detail", args=[group_a1.pk])).content.decode()
    assert "Hoàng Thị Bích Ngọc" not in detail and "data-hidden-name" in detail


def test_the_asking_leader_cannot_approve_their_own_request(carol, group_a1, neighbour, client_for):
    request = services.member_create(
        group=group_a1, data=services.MemberData(full_name="x", phone="0912777666"), by=carol
    )

    refused = client_for(carol).post(reverse("groups:membership_action", args=[request.pk, "approve"]))

    assert refused.status_code == 404
    assert Membership.objects.get(pk=request.pk).status == "pending"


def test_the_residents_own_group_leader_decides(carol, erin, group_a1, group_a2, neighbour, client_for):
    request = services.member_create(
        group=group_a1, data=services.MemberData(full_name="x", phone="0912777666"), by=carol
    )
    other = client_for(erin)

    page = other.get(reverse("groups:detail", args=[group_a2.pk])).content.decode()
    other.post(reverse("groups:membership_action", args=[request.pk, "approve"]))

    assert f'data-membership="{request.pk}"' in page and "Hoàng Thị Bích Ngọc" in page
    request.refresh_from_db()
    assert request.status == "active" and request.added_by == carol


def test_the_resident_confirms_from_the_message_on_their_own_phone(
    carol, group_a1, neighbour, client, client_for, sms_gateway
):
    request = services.member_create(
        group=group_a1, data=services.MemberData(full_name="x", phone="0912777666"), by=carol
    )

    send_personal()
    link = _confirm_link(sms_gateway)
    asked = client.get(link).content.decode()
    client.post(link, {"answer": "yes"})

    assert [phone for phone, _text in sms_gateway.contents] == ["0912777666"]
    assert "Tổ dân phố 1" in asked
    request.refresh_from_db()
    assert request.status == "active" and request.confirmed_at is not None
    assert client_for(carol).get(reverse("groups:member", args=[neighbour.pk])).status_code == 200


def test_a_join_request_typed_with_someone_elses_phone_is_never_approved_without_the_owner(
    carol, group_a1, neighbour, client, client_for, sms_gateway
):
    client.post(
        reverse("join", args=[group_a1.invite_token]),
        {"full_name": "Kẻ Mạo Danh", "phone": "0912 777 666", "address": "1 Hẻm", "consent_sms": "on"},
    )
    request = Membership.objects.get(group=group_a1)
    leader = client_for(carol)

    page = leader.get(reverse("groups:detail", args=[group_a1.pk])).content.decode()
    refused = leader.post(
        reverse("groups:membership_action", args=[request.pk, "approve"]), {"next": "/groups/"}, follow=True
    )
    assert "Hoàng Thị Bích Ngọc" not in page and "Kẻ Mạo Danh" not in page and 'data-waiting="owner"' in page
    assert "chưa xác nhận" in refused.content.decode()
    assert Membership.objects.get(pk=request.pk).status == "pending"

    send_personal()
    client.post(_confirm_link(sms_gateway), {"answer": "no"})
    assert Membership.objects.get(pk=request.pk).status == "rejected"
    assert Member.objects.get(pk=neighbour.pk).full_name == "Hoàng Thị Bích Ngọc"


def test_the_owner_confirms_a_join_request_then_the_leader_approves_it(
    carol, group_a1, neighbour, client, client_for, sms_gateway
):
    client.post(
        reverse("join", args=[group_a1.invite_token]),
        {"full_name": "Ngọc", "phone": "0912 777 666", "address": "1 Hẻm", "consent_sms": "on"},
    )
    request = Membership.objects.get(group=group_a1)
    send_personal()
    client.post(_confirm_link(sms_gateway), {"answer": "yes"})

    client_for(carol).post(reverse("groups:membership_action", args=[request.pk, "approve"]))

    request.refresh_from_db()
    assert request.status == "active" and request.confirmed_at is not None


def test_an_expired_or_forged_confirmation_link_changes_nothing(client):
    response = client.get("/join/confirm/forged-token/")

    assert response.status_code == 404 and "không còn dùng được" in response.content.decode()


def test_importing_a_list_with_a_resident_of_another_group_sends_a_request_without_naming_them(
    carol, group_a1, neighbour, client_for
):
    content = xlsx([["Họ và tên", "Số điện thoại", "Địa chỉ/hộ"], ["Tên Gõ Sai", "0912777666", "9 Lê Lợi"]])
    leader = client_for(carol)

    from django.core.files.uploadedfile import SimpleUploadedFile

    preview = leader.post(
        reverse("groups:import", args=[group_a1.pk]), {"file": SimpleUploadedFile("ds.xlsx", content)}, follow=True
    )
    page = preview.content.decode()
    leader.post(preview.redirect_chain[-1][0])

    assert "Hoàng Thị Bích Ngọc" not in page and "yêu cầu" in page
    request = Membership.objects.get(group=group_a1)
    assert (request.status, request.confirmation_required, request.source) == ("pending", True, "import")


def test_through_the_api_a_leader_gets_a_request_not_the_resident(carol, group_a1, neighbour, api_for):
    response = api_for(carol).post(
        "/api/members/",
        {"group": group_a1.pk, "full_name": "x", "phone": "0912777666", "role": "resident"},
        format="json",
    )

    assert response.status_code == 202 and "Hoàng" not in response.content.decode()
    assert Membership.objects.get(group=group_a1).status == "pending"


def test_a_ward_admin_still_sees_who_the_phone_belongs_to(alice, group_a1, neighbour, client_for):
    response = client_for(alice).post(reverse("groups:member_add", args=[group_a1.pk]), NEW)

    assert "Hoàng Thị Bích Ngọc" in response.content.decode()
    assert not Membership.objects.filter(group=group_a1).exists()


def test_the_leader_sees_whether_the_owner_was_asked_and_when_nobody_could_be(
    carol, group_a1, neighbour, client, client_for, settings
):
    from tests.fakes.sms_gateway import FakeSmsGateway

    join = reverse("join", args=[group_a1.invite_token])
    form = {"full_name": "Ngọc", "phone": "0912 777 666", "address": "1 Hẻm", "consent_sms": "on"}
    client.post(join, form)  # no SMS gateway set up: the owner cannot be asked
    leader = client_for(carol)
    detail = reverse("groups:detail", args=[group_a1.pk])

    assert 'data-asked="none"' in leader.get(detail).content.decode()

    Membership.objects.filter(group=group_a1).delete()
    with FakeSmsGateway() as gateway:
        settings.SMS_GATEWAY_URL, settings.SMS_API_KEY = gateway.url, gateway.api_key
        settings.SMS_SECRET_KEY, settings.SMS_BRANDNAME = gateway.secret_key, gateway.brandname
        settings.QUIET_HOURS_SMS = "00:00-00:00"
        client.post(join, form)
        waiting = leader.get(detail).content.decode()
        send_personal()
        sent = leader.get(detail).content.decode()

    assert 'data-asked="queued"' in waiting and "Chờ gửi" in waiting
    assert 'data-asked="sent"' in sent and list(gateway.received) == ["0912777666"]


def test_rejecting_a_join_request_asks_first_and_only_the_yes_rejects_it(carol, dave, group_a1, client, client_for):
    client.post(
        reverse("join", args=[group_a1.invite_token]),
        {"full_name": "Châu Thị Kim", "phone": "0912 888 999", "address": "21 Trần Phú", "consent_zalo": "on"},
    )
    request = Membership.objects.get(group=group_a1)
    leader = client_for(carol)
    page = leader.get(reverse("groups:detail", args=[group_a1.pk])).content.decode()
    confirm_url = re.search(r'href="([^"]+)" data-reject', page).group(1).replace("&amp;", "&")

    question = leader.get(confirm_url).content.decode()
    assert "Từ chối yêu cầu?" in question and "Giữ yêu cầu" in question
    assert Membership.objects.get(pk=request.pk).status == "pending"  # opening the question changes nothing
    other = Client()
    other.force_login(dave)
    assert other.get(confirm_url).status_code == 404  # another ward's admin

    leader.post(reverse("groups:membership_action", args=[request.pk, "reject"]), {"next": "/groups/"})
    assert Membership.objects.get(pk=request.pk).status == "rejected"
