"""Each channel adapter against a local fake of its provider, through the same fan-out a real send takes."""

import hashlib
import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from announcements import services
from announcements.models import Delivery
from channels.models import ProviderToken
from channels.zalo import zalo_signature
from groups.models import Outlet
from tests.announcements.conftest import announcement_data, back_off_over, drain, sent_out
from tests.announcements.test_compose import jpeg_bytes
from tests.factories import member_in
from tests.fakes.facebook import FakeGraph
from tests.fakes.smtp import LocalSmtpServer
from tests.fakes.zalo import FakeZalo

pytestmark = pytest.mark.django_db


@pytest.fixture
def zalo(settings):
    with FakeZalo() as fake:
        settings.ZALO_OA_API_URL = settings.ZALO_ZNS_API_URL = settings.ZALO_OAUTH_URL = fake.url
        settings.ZALO_APP_ID, settings.ZALO_APP_SECRET = fake.app_id, fake.app_secret
        settings.ZALO_OA_ACCESS_TOKEN, settings.ZALO_OA_REFRESH_TOKEN = fake.access_token, fake.refresh_token
        settings.ZALO_OA_SECRET_KEY = "oa-secret"
        settings.ZALO_ZNS_TEMPLATE_ID = "241531"
        settings.ZALO_REQUESTS_PER_SECOND = 0
        yield fake


@pytest.fixture
def graph(settings):
    with FakeGraph() as fake:
        settings.FACEBOOK_GRAPH_URL = fake.base_url
        settings.FACEBOOK_PAGE_ACCESS_TOKEN = fake.page_token
        settings.FACEBOOK_REQUESTS_PER_SECOND = 0
        yield fake


def _send(alice, bob, group, **overrides):
    announcement = sent_out(author=bob, approver=alice, group_ids=[group.pk], **overrides)
    drain(announcement)
    return announcement


def test_zalo_followers_get_an_oa_message_and_others_a_zns_to_their_phone(alice, bob, group_a1, zalo):
    follower = member_in(group_a1, consent_zalo=True, zalo_user_id="8472016", preferred_channel="zalo")
    phone_only = member_in(group_a1, consent_zalo=True, phone="+84912777888", preferred_channel="zalo")
    zalo.followers.add("8472016")

    announcement = _send(alice, bob, group_a1, channels=["zalo_oa"])

    assert [user for user, _text in zalo.user_messages] == ["8472016"]
    assert "Thông báo thu gom rác" in zalo.user_messages[0][1]
    assert [(z["phone"], z["tracking_id"]) for z in zalo.zns] == [
        ("84912777888", f"d{Delivery.objects.get(member=phone_only).pk}")
    ]
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert Delivery.objects.get(member=follower).provider_message_id.startswith("msg")
    assert announcement.status == "sent"


def test_an_expired_zalo_token_is_refreshed_once_and_both_tokens_are_kept(alice, bob, group_a1, zalo):
    for user_id in ("u1", "u2", "u3"):
        member_in(group_a1, consent_zalo=True, zalo_user_id=user_id, preferred_channel="zalo")
        zalo.followers.add(user_id)
    zalo.expire_token()

    _send(alice, bob, group_a1, channels=["zalo_oa"])

    assert zalo.refreshes == 1
    assert len(zalo.user_messages) == 3
    stored = ProviderToken.objects.get(provider="zalo_oa")
    assert (stored.access_token, stored.refresh_token) == (zalo.access_token, zalo.refresh_token)


def test_a_refused_refresh_pauses_the_channel_without_failing_anyone_until_the_token_is_fixed(
    alice, bob, group_a1, zalo, settings
):
    settings.DELIVERY_MAX_ATTEMPTS = 1  # a refusal of the credentials spends no try
    for user in ("u1", "u2"):
        member_in(group_a1, consent_zalo=True, zalo_user_id=user, preferred_channel="zalo")
        zalo.followers.add(user)
    zalo.expire_token()
    good_refresh = zalo.refresh_token
    zalo.refresh_token = "someone-else-used-it"

    announcement = _send(alice, bob, group_a1, channels=["zalo_oa"])

    waiting = list(Delivery.objects.all())
    assert {d.status for d in waiting} == {"queued"} and all("refresh refused" in d.reason for d in waiting)
    assert all(d.not_before > timezone.now() for d in waiting)
    assert zalo.refresh_asks == 1 and zalo.user_messages == []  # asked for a new token once, not once a message
    assert announcement.status == "sending"

    zalo.refresh_token = good_refresh  # an admin put a working token in
    back_off_over()
    drain(announcement)

    assert {d.status for d in Delivery.objects.all()} == {"sent"}
    assert len(zalo.user_messages) == 2


def test_zalo_refusing_night_sends_defers_them_to_the_morning(alice, bob, group_a1, zalo):
    member_in(group_a1, consent_zalo=True, zalo_user_id="u1", preferred_channel="zalo")
    zalo.followers.add("u1")
    zalo.night = True

    _send(alice, bob, group_a1, channels=["zalo_oa"])

    delivery = Delivery.objects.get()
    morning = timezone.localtime(delivery.not_before)
    assert delivery.status == "queued" and "-234" in delivery.reason
    assert (morning.hour, morning.minute) == (6, 0) and morning > timezone.now()


def test_a_blocked_or_unfollowed_user_fails_with_the_reason(alice, bob, group_a1, zalo):
    member_in(group_a1, consent_zalo=True, zalo_user_id="gone", preferred_channel="zalo")

    _send(alice, bob, group_a1, channels=["zalo_oa"])

    delivery = Delivery.objects.get()
    assert delivery.status == "failed" and "does not follow" in delivery.reason


def test_a_zalo_group_gets_one_post_with_its_picture(alice, bob, group_a1, zalo):
    Outlet.objects.create(ward=group_a1.ward, group=group_a1, kind="zalo_group", external_id="g-77", mode="per_group")
    zalo.groups.add("g-77")
    announcement = services.announcement_save(
        user=bob,
        data=announcement_data(group_ids=[group_a1.pk], channels=["zalo_group"]),
        images=[SimpleUploadedFile("rac.jpg", jpeg_bytes(), content_type="image/jpeg")],
    )
    services.announcement_submit(announcement=announcement, by=bob)
    services.announcement_approve(announcement=announcement, by=alice)  # no time set: it goes out
    drain(announcement)

    texts = [m for g, m in zalo.group_messages if "text" in m]
    media = [m for g, m in zalo.group_messages if "attachment" in m]
    assert len(texts) == 1 and "Thông báo thu gom rác" in texts[0]["text"]
    assert len(media) == 1 and zalo.uploads == 1
    assert Delivery.objects.get().status == "sent"


def test_the_facebook_page_gets_a_post_with_the_link(alice, bob, group_a1, graph):
    graph.pages.add("104729")
    Outlet.objects.create(ward=group_a1.ward, kind="facebook_page", external_id="104729", mode="per_group")

    announcement = _send(alice, bob, group_a1, channels=["facebook_page"])

    assert len(graph.posts) == 1
    post = graph.posts[0]
    assert post["edge"] == "feed" and post["link"].endswith(f"/a/{announcement.pk}/")
    assert Delivery.objects.get().provider_message_id.startswith("104729_")


def test_facebook_throttling_is_retried_and_an_expired_page_token_is_reported(alice, bob, group_a1, graph, settings):
    graph.pages.add("104729")
    Outlet.objects.create(ward=group_a1.ward, kind="facebook_page", external_id="104729", mode="per_group")
    graph.failures.append((400, 32))

    _send(alice, bob, group_a1, channels=["facebook_page"])
    first = Delivery.objects.get()
    assert first.status == "queued" and "Facebook 32" in first.reason  # waiting for its back-off

    settings.FACEBOOK_PAGE_ACCESS_TOKEN = "revoked"
    settings.DELIVERY_MAX_ATTEMPTS = 2
    back_off_over()
    drain(first.announcement)
    # An expired Page token: the post waits for a new one, with the reason for the admin to read.
    paused = Delivery.objects.get()
    assert paused.status == "queued" and "190" in paused.reason and paused.not_before > timezone.now()
    assert graph.posts == []


def test_email_reaches_a_real_smtp_server_and_a_refused_address_fails(alice, bob, group_a1, settings):
    with LocalSmtpServer() as smtp:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
        settings.EMAIL_MESSAGES_PER_SECOND = 0
        member_in(group_a1, consent_sms=False, consent_email=True, email="lan@example.vn", preferred_channel="email")
        member_in(group_a1, consent_sms=False, consent_email=True, email="nobody@example.vn")
        smtp.inbox.refuse.add("nobody@example.vn")

        _send(alice, bob, group_a1, channels=["email"], action="confirm")

    assert [m["To"] for m in smtp.messages] == ["lan@example.vn"]
    html = next(p for p in smtp.messages[0].walk() if p.get_content_type() == "text/html").get_payload(decode=True)
    assert "/r/" in html.decode()  # the signed confirmation link
    assert dict(Delivery.objects.values_list("address", "status")) == {
        "lan@example.vn": "sent",
        "nobody@example.vn": "failed",
    }
    # The server's refusal quotes the address; the reason staff read does not.
    refused = Delivery.objects.get(address="nobody@example.vn")
    assert "nobody@example.vn" not in refused.reason and "n***@example.vn" in refused.reason


def test_sms_delivery_reports_need_the_signed_callback_url_and_mark_deliveries_delivered(
    alice, bob, group_a1, sms_gateway, client
):
    member_in(group_a1, phone="+84912000111")
    _send(alice, bob, group_a1)
    delivery = Delivery.objects.get()
    callback = sms_gateway.callback_urls[-1]
    report = {
        "SMSID": delivery.provider_message_id,
        "SendStatus": "5",
        "RequestId": f"d{delivery.pk}",
        "phonenumber": "0912000111",
    }

    # The URL the gateway (and every access log on the way) sees carries a signature, never the secret.
    assert "callback-secret" not in callback and "sig=" in callback
    signature = callback.split("sig=", 1)[1]
    assert client.get("/hooks/sms/", {**report, "secret": "callback-secret"}).status_code == 403
    assert client.get("/hooks/sms/", {**report, "sig": signature, "RequestId": "d999"}).status_code == 403
    assert Delivery.objects.get().status == "sent"
    assert client.get("/hooks/sms/", {**report, "sig": signature}).json()["updated"] == 1
    assert Delivery.objects.get().status == "delivered"
    # A provider hook answers a wrong method with 405, not with the CSRF refusal page.
    assert client.post("/hooks/sms/", report).status_code == 405


def test_a_row_whose_every_try_went_unanswered_is_unknown_not_failed_and_a_delivery_report_settles_it(
    alice, bob, group_a1, sms_gateway, client, settings
):
    from announcements.selectors import delivery_stats, reach_of
    from channels.sms import callback_signature
    from tests.factories import HouseholdFactory

    settings.DELIVERY_MAX_ATTEMPTS = 1
    member_in(group_a1, phone="+84912000222", household=HouseholdFactory(group=group_a1))
    sms_gateway.fail_next(500)  # as an answer lost after the gateway took the message
    announcement = _send(alice, bob, group_a1)
    delivery = Delivery.objects.get()
    assert delivery.status == "unknown" and delivery.request_id
    stats = delivery_stats(announcement)
    assert (stats.by_status["unknown"], stats.by_status["failed"], reach_of(announcement).by_channel) == (1, 0, 0)
    page = client_for_staff(bob).get(f"/announcements/{announcement.pk}/").content.decode()
    assert 'data-stat="unknown">1<' in page and "Chưa rõ kết quả" in page
    request_id = delivery.request_id
    report = {"SMSID": "sms-1", "SendStatus": "5", "RequestId": request_id, "phonenumber": "0912000222"}

    answer = client.get("/hooks/sms/", {**report, "sig": callback_signature(request_id)})

    assert answer.json()["updated"] == 1
    assert Delivery.objects.get().status == "delivered"  # counted reached once the provider says so
    assert reach_of(announcement).by_channel == 1


def test_an_unknown_outcome_is_asked_about_again_under_the_same_request_id_and_never_sent_twice(
    alice, bob, group_a1, sms_gateway, settings
):
    settings.DELIVERY_MAX_ATTEMPTS = 2
    settings.DELIVERY_SETTLE_AFTER_SECONDS = 0
    phones = [member_in(group_a1).phone for _ in range(4)]
    original_accept = sms_gateway._accept

    def taken_but_unanswered(body):  # the gateway takes the request (and sends it), but its answer is lost
        original_accept(body)
        return 504, {"error": "lost"}

    sms_gateway._accept = taken_but_unanswered
    announcement = sent_out(author=bob, approver=alice, group_ids=[group_a1.pk])
    drain(announcement)
    back_off_over()
    drain(announcement)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"unknown"}
    received = sum(sms_gateway.received.values())

    sms_gateway._accept = original_accept  # the gateway answers again
    assert services.deliveries_sweep()["asked_again"] == 4
    drain(announcement)

    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert all(n == 1 for n in sms_gateway.received.values()) and sum(sms_gateway.received.values()) == received
    assert sorted("+84" + p[1:] for p in sms_gateway.received) == sorted(phones)
    announcement.refresh_from_db()
    assert announcement.status == "sent"


def client_for_staff(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_zalo_delivery_webhooks_are_verified_by_signature(alice, bob, group_a1, zalo, client):
    member = member_in(group_a1, consent_zalo=True, phone="+84912777888", preferred_channel="zalo")
    _send(alice, bob, group_a1, channels=["zalo_oa"])
    delivery = Delivery.objects.get(member=member)
    event = {
        "app_id": "app-1",
        "event_name": "user_received_message",
        "timestamp": str(int(time.time() * 1000)),
        "message": {"msg_id": delivery.provider_message_id, "tracking_id": f"d{delivery.pk}"},
    }
    body = json.dumps(event)
    good = zalo_signature(app_id="app-1", body=body, timestamp=event["timestamp"], secret="oa-secret")
    bad = "mac=" + hashlib.sha256(b"forged").hexdigest()

    refused = client.post("/hooks/zalo/", body, content_type="application/json", HTTP_X_ZEVENT_SIGNATURE=bad)
    assert refused.status_code == 403 and Delivery.objects.get(pk=delivery.pk).status == "sent"
    accepted = client.post("/hooks/zalo/", body, content_type="application/json", HTTP_X_ZEVENT_SIGNATURE=good)
    assert accepted.json()["updated"] == 1 and Delivery.objects.get(pk=delivery.pk).status == "delivered"


def test_every_transport_failure_becomes_a_retry_in_one_place():
    from channels.base import call_provider, http_client
    from tests.fakes.server import FakeServer

    answers = iter(
        [
            (503, {}),
            (429, {}),
            (200, b"<html>Bad gateway</html>"),  # a proxy's page, not the provider
            (200, ["not", "an", "object"]),
            (400, {"error": {"code": 100}}),
        ]
    )
    with FakeServer() as server:
        server.routes[("POST", "/")] = lambda request: next(answers)
        with http_client() as client:
            seen = [call_provider(client, "Zalo", "POST", server.url + "/send") for _ in range(5)]
            unreachable = call_provider(client, "Zalo", "POST", "http://127.0.0.1:9/send")

    assert [(a.failed, a.reason) for a in seen[:4]] == [
        ("retry", "Zalo HTTP 503"),
        ("retry", "Zalo HTTP 429"),
        ("retry", "Zalo answered HTTP 200 without JSON"),
        ("retry", "Zalo answered HTTP 200 without JSON"),
    ]
    assert seen[4].failed is None and seen[4].body == {"error": {"code": 100}}  # an answer, for the adapter to read
    assert unreachable.failed == "retry" and unreachable.reason.startswith("Zalo unreachable")
