import re

from django.urls import reverse

from announcements.models import PersonalMessage
from groups.models import Member, Membership
from tests.factories import member_in

FORM = {"full_name": "Châu Thị Kim", "phone": "0912 888 999", "address": "21 Trần Phú", "consent_zalo": "on"}


def test_a_resident_asks_to_join_and_waits_for_the_leaders_approval(client, client_for, carol, group_a1):
    url = reverse("join", args=[group_a1.invite_token])
    assert "Tham gia Tổ dân phố 1" in client.get(url).content.decode()
    response = client.post(url, FORM)
    assert "Yêu cầu của bạn đã được gửi" in response.content.decode()
    membership = Membership.objects.get()
    assert (membership.status, membership.source, membership.requested_address) == (
        "pending",
        "self_join",
        "21 Trần Phú",
    )
    assert membership.member.phone == "+84912888999" and membership.member.preferred_channel == "zalo"

    leader = client_for(carol)
    assert "Châu Thị Kim" in leader.get(reverse("groups:detail", args=[group_a1.pk])).content.decode()
    leader.post(reverse("groups:membership_action", args=[membership.pk, "approve"]))
    membership.refresh_from_db()
    assert membership.status == "active" and membership.added_by == carol
    assert membership.member.household.address == "21 Trần Phú"
    assert membership.member.household.group == group_a1


def test_a_join_request_sent_twice_is_one_request(client, group_a1):
    url = reverse("join", args=[group_a1.invite_token])
    client.post(url, FORM)
    response = client.post(url, {**FORM, "phone": "+84912888999"})
    assert "Cảm ơn" in response.content.decode()
    assert Membership.objects.count() == 1 and Member.objects.count() == 1


def test_the_join_page_answers_alike_whoever_the_phone_belongs_to_and_tells_the_owner_alone(
    client, group_a1, sms_gateway
):
    """Anyone holding a group's poster link must not learn from it who lives in which group."""
    url = reverse("join", args=[group_a1.invite_token])
    member_in(group_a1, phone="+84912888999", consent_sms=True)
    member_in(group_a1, phone="+84912777666", consent_sms=True)
    client.post(url, {**FORM, "phone": "0912 555 444"})  # a request that now waits

    def answer(phone: str) -> str:
        body = client.post(url, {**FORM, "phone": phone}).content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)

    member, pending, unknown = answer("0912 888 999"), answer("0912 555 444"), answer("0912 333 222")
    assert member == pending == unknown and "Cảm ơn" in unknown
    assert Membership.objects.filter(status="active").count() == 2  # nothing changed for the member

    told = {m.delivery.address: m.text for m in PersonalMessage.objects.select_related("delivery")}
    assert "da la thanh vien cua To dan pho 1" in told["+84912888999"]
    assert "+84912777666" not in told  # only the phone that was typed
    answer("0912 888 999")  # asked again the same day: the owner is not told twice
    assert PersonalMessage.objects.filter(delivery__address="+84912888999").count() == 1


def test_a_bad_phone_on_the_join_form_is_explained_and_nothing_is_saved(client, group_a1):
    response = client.post(reverse("join", args=[group_a1.invite_token]), {**FORM, "phone": "0912 345 67"})
    assert "không phải số điện thoại Việt Nam hợp lệ" in response.content.decode()
    assert not Member.objects.exists()


def test_a_bot_filling_the_hidden_field_is_thanked_and_ignored(client, group_a1):
    response = client.post(reverse("join", args=[group_a1.invite_token]), {**FORM, "website": "http://spam"})
    assert response.status_code == 200
    assert not Member.objects.exists()


def test_one_connection_cannot_flood_a_group_with_requests(client, group_a1, settings):
    settings.JOIN_RATE_LIMIT_PER_HOUR = 3
    url = reverse("join", args=[group_a1.invite_token])
    for number in range(3):
        client.post(url, {**FORM, "phone": f"091288800{number}"})
    response = client.post(url, {**FORM, "phone": "0912888009"})
    assert "Quá nhiều yêu cầu" in response.content.decode()
    assert Member.objects.count() == 3


def test_an_unknown_invite_link_is_not_found(client, group_a1):
    assert client.get(reverse("join", args=["not-a-token"])).status_code == 404


def test_the_poster_carries_a_qr_code_of_the_invite_link(client_for, carol, group_a1):
    page = client_for(carol).get(reverse("groups:poster", args=[group_a1.pk])).content.decode()
    assert "<svg" in page and group_a1.invite_token in page


def test_the_join_form_refuses_to_finish_without_a_way_to_reach_the_person(client, group_a1):
    url = reverse("join", args=[group_a1.invite_token])

    response = client.post(url, {**FORM, "consent_zalo": ""})

    assert "ít nhất một cách nhận thông báo" in response.content.decode()
    assert not Membership.objects.exists()
