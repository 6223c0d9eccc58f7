"""Endpoints that providers call: SMS delivery reports and Zalo OA webhooks. Each verifies its secret first.

In the project's shell, above the apps: one webhook serves several of them (a delivery report goes to
announcements, a resident's message to the OA becomes a report in feedback)."""

import hmac
import json
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from announcements import services
from channels.kinds import ChannelKind
from channels.sms import callback_signature
from channels.zalo import zalo_signature
from feedback.services import report_from_zalo_message
from groups.selectors import outlet_of_zalo_oa
from portal.common.phones import normalize_phone
from portal.common.web import int_or_none

SMS_DELIVERED = "5"
SMS_REJECTED = "4"


def _same(given: str, expected: str) -> bool:
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


@csrf_exempt  # a provider's hook: a POST is answered 405 by require_GET, not with the CSRF page
@require_GET
def sms_callback(request: HttpRequest) -> HttpResponse:
    """eSMS calls back with SMSID, SendStatus (5 sent, 4 rejected, 7 waiting), RequestId and phonenumber, to the
    URL we gave it, which carries a signature of the request id."""
    request_id = request.GET.get("RequestId", "")
    if not settings.SMS_CALLBACK_SECRET or not _same(request.GET.get("sig", ""), callback_signature(request_id)):
        return JsonResponse({"error": "forbidden"}, status=403)
    status = request.GET.get("SendStatus", "")
    if status not in {SMS_DELIVERED, SMS_REJECTED}:
        return JsonResponse({"ok": True, "updated": 0})
    phone = request.GET.get("phonenumber", "")
    updated = services.delivery_report(
        kind="sms",
        delivered=status == SMS_DELIVERED,
        provider_message_id=request.GET.get("SMSID", ""),
        address=_e164(phone),
        reason="rejected by the network",
        request_id=request_id,
    )
    return JsonResponse({"ok": True, "updated": updated})


def _e164(gateway_number: str) -> str:
    if not gateway_number.strip():
        return ""  # matched by request id or SMS id alone
    try:
        return normalize_phone(gateway_number)
    except ValidationError:
        return gateway_number  # unreadable: as before, it matches no delivery rather than every row of a bulk send


ZALO_EVENT_MAX_AGE_MS = 15 * 60 * 1000


@csrf_exempt
@require_POST
def zalo_webhook(request: HttpRequest) -> HttpResponse:
    raw = request.body.decode("utf-8", errors="replace")
    try:
        event = json.loads(raw)
    except ValueError:
        return JsonResponse({"error": "invalid JSON"}, status=400)
    if not isinstance(event, dict):
        return JsonResponse({"error": "the event must be a JSON object"}, status=400)
    expected = zalo_signature(
        app_id=str(event.get("app_id", "")),
        body=raw,
        timestamp=str(event.get("timestamp", "")),
        secret=settings.ZALO_OA_SECRET_KEY,
    )
    if not settings.ZALO_OA_SECRET_KEY or not _same(request.headers.get("X-ZEvent-Signature", ""), expected):
        return JsonResponse({"error": "bad signature"}, status=403)
    if str(event.get("app_id", "")) != settings.ZALO_APP_ID:
        return JsonResponse({"error": "app_id is not this portal's"}, status=403)
    # A signed event replayed later is refused: Zalo sends it within seconds, and retries within minutes.
    sent_ms = int_or_none(event.get("timestamp"))
    if sent_ms is None or abs(time.time() * 1000 - sent_ms) > ZALO_EVENT_MAX_AGE_MS:
        return JsonResponse({"error": "the event is too old or its timestamp is missing"}, status=403)
    message = event.get("message")
    if message is not None and not isinstance(message, dict):
        return JsonResponse({"error": "message must be a JSON object"}, status=400)
    updated = 0
    if event.get("event_name") == "user_received_message":
        message = message or {}
        tracking = str(message.get("tracking_id") or event.get("tracking_id") or "")
        updated = services.delivery_report(
            kind=ChannelKind.ZALO_OA,
            delivered=True,
            request_id=tracking,
            provider_message_id=str(message.get("msg_id") or event.get("msg_id") or ""),
        )
    elif event.get("event_name") == "user_send_text":
        return _message_to_report(event)
    return JsonResponse({"ok": True, "updated": updated})


def _message_to_report(event: dict) -> HttpResponse:
    """A follower wrote to the ward's OA: the OA (recipient id) names the ward through its Zalo OA channel."""
    recipient, sender = event.get("recipient"), event.get("sender")
    if not isinstance(recipient or {}, dict) or not isinstance(sender or {}, dict):
        return JsonResponse({"error": "sender and recipient must be JSON objects"}, status=400)
    oa_id = str((recipient or {}).get("id", ""))
    outlet = outlet_of_zalo_oa(oa_id=oa_id)
    message = event.get("message") or {}
    text = str(message.get("text", "")).strip()
    if outlet is None or not text:
        return JsonResponse({"ok": True, "report": None})
    try:
        report, _created = report_from_zalo_message(
            ward=outlet.ward,
            zalo_user_id=str((sender or {}).get("id", "")),
            message_id=str(message.get("msg_id", "")),
            text=text,
        )
    except ValidationError:
        return JsonResponse({"ok": True, "report": None})  # too short to be a report ("ok", "cảm ơn")
    return JsonResponse({"ok": True, "report": report.tracking_code})
