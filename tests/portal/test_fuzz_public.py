"""Property-based: whatever a client sends to a public endpoint, the answer is never a server error."""

import json
import os

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedback.models import Open311Key
from tests.feedback.conftest import submitted

pytestmark = pytest.mark.django_db

# Text a client can put in a form or a query: any character but lone surrogates (which HTTP cannot carry as
# UTF-8), with the awkward ones made likely.
AWKWARD = st.sampled_from(
    [
        "",
        " ",
        "nan",
        "inf",
        "-1",
        "0",
        "9" * 40,
        "²",
        "٣",
        "1e999",
        "2026-02-30",
        "2026-13-45T00:00:00Z",
        "\x00",
        "\x0b",
        "\x0c",
        "\x85",
        "'",
        '"',
        "<script>",
        "%",
        "PA-26-ABCDE",
        "[]",
        "{}",
        "null",
        "../..",
    ]
)
TEXT = st.one_of(AWKWARD, st.text(st.characters(blacklist_categories=["Cs"]), max_size=60))
FORM = st.dictionaries(
    st.sampled_from(
        [
            "category",
            "description",
            "group_id",
            "address",
            "share_location",
            "latitude",
            "longitude",
            "name",
            "phone",
            "email",
            "anonymous",
            "public",
            "website",
            "form_token",
            "code",
            "digits",
            "t",
            "rating",
            "comment",
            "not_fixed",
            "full_name",
            "consent_sms",
            "consent_zalo",
            "preferred_channel",
            "answer",
            "lat",
            "lon",
            "long",
            "q",
            "group",
            "page",
            "jurisdiction_id",
            "service_code",
            "api_key",
            "service_request_id",
            "start_date",
            "end_date",
            "status",
            "address_string",
            "device_id",
            "SMSID",
            "SendStatus",
            "RequestId",
            "phonenumber",
            "sig",
            "k",
        ]
    ),
    TEXT,
    max_size=8,
)
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def public(ward_a, group_a1, client):
    report = submitted(ward_a)
    _key, secret = Open311Key.issue(ward=ward_a, name="fuzz")
    return {"ward": ward_a, "group": group_a1, "report": report, "key": secret, "client": client}


def _paths(p):
    code, ward = p["report"].tracking_code, p["ward"].code
    return [
        ("GET", f"/p/{ward}/"),
        ("GET", f"/p/{ward}/feed.atom"),
        ("GET", f"/p/{ward}/g/{p['group'].pk}/"),
        ("GET", f"/p/{ward}/answers/"),
        ("GET", f"/p/{ward}/report/similar/"),
        ("POST", f"/p/{ward}/report/"),
        ("GET", "/report/status/"),
        ("GET", f"/report/done/?code={code}"),
        ("POST", "/report/rate/"),
        ("POST", f"/join/{p['group'].invite_token}/"),
        ("POST", "/join/confirm/not-a-token/"),
        ("GET", "/hooks/sms/"),
        ("GET", "/open311/v2/discovery.xml"),
        ("GET", "/open311/v2/services.json"),
        ("GET", "/open311/v2/services/traffic.xml"),
        ("GET", "/open311/v2/requests.json"),
        ("GET", "/open311/v2/requests.xml"),
        ("POST", "/open311/v2/requests.json"),
        ("GET", f"/open311/v2/requests/{code}.xml"),
        ("GET", f"/open311/v2/tokens/{code}.json"),
    ]


@FUZZ
@given(form=FORM, which=st.integers(min_value=0, max_value=19), with_key=st.booleans())
def test_no_public_endpoint_answers_a_server_error(public, form, which, with_key):
    cache.clear()  # past the rate limits, so the deeper checks are reached too
    method, path = _paths(public)[which]
    client = public["client"]
    if with_key:
        form = {**form, "api_key": public["key"], "jurisdiction_id": public["ward"].code}

    response = client.get(path, form) if method == "GET" else client.post(path, form)

    assert response.status_code < 500, (method, path, form)


@FUZZ
@given(
    body=st.one_of(
        st.text(max_size=200),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
            lambda children: (
                st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
            ),
            max_leaves=12,
        ).map(json.dumps),
    )
)
def test_the_zalo_webhook_never_answers_a_server_error(client, db, settings, body):
    settings.ZALO_APP_ID, settings.ZALO_OA_SECRET_KEY = "app-1", "oa-secret"

    response = client.post("/hooks/zalo/", body, content_type="application/json")

    assert response.status_code < 500


JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=10,
)


@FUZZ
@given(
    event_name=st.sampled_from(["user_send_text", "user_received_message", "follow", "anything"]),
    fields=st.dictionaries(st.sampled_from(["message", "sender", "recipient", "msg_id", "tracking_id"]), JSON_VALUE),
)
def test_a_signed_zalo_event_of_any_shape_never_answers_a_server_error(client, ward_a, settings, event_name, fields):
    import time

    from channels.zalo import zalo_signature

    settings.ZALO_APP_ID, settings.ZALO_OA_SECRET_KEY = "app-1", "oa-secret"
    event = {**fields, "app_id": "app-1", "event_name": event_name, "timestamp": str(int(time.time() * 1000))}
    body = json.dumps(event)
    signature = zalo_signature(app_id="app-1", body=body, timestamp=event["timestamp"], secret="oa-secret")

    response = client.post("/hooks/zalo/", body, content_type="application/json", HTTP_X_ZEVENT_SIGNATURE=signature)

    assert response.status_code < 500, body
