"""SMS through an eSMS-style Vietnamese brandname gateway (CHANNELS.md, "SMS").

Messages with the same text go in bulk requests of up to SMS_BULK_MAX numbers; the request id is derived from the
claimed batch, so a batch re-sent after a worker died is answered "124 duplicate RequestId", which means it was
already sent. Single messages use the delivery id as request id for the same reason.
"""

import httpx
from django.conf import settings
from django.urls import reverse
from django.utils.crypto import salted_hmac

from announcements.channels.base import Batch, Message, Result, ResultKind, all_results, http_client, throttle
from announcements.sms_text import is_gsm7

ACCEPTED_CODES = {"100"}
ALREADY_SENT = "124"
PERMANENT_CODES = {"99": "number blocked", "108": "bad phone number"}
AUTH_CODES = {"101": "API key refused", "104": "brandname not registered"}
QUOTA_CODES = {"103": "gateway balance too low"}


def gateway_phone(e164: str) -> str:
    """+84912345678 -> 0912345678, the form Vietnamese gateways take."""
    return "0" + e164[3:] if e164.startswith("+84") else e164.lstrip("+")


def callback_signature(request_id: str) -> str:
    """The callback URL carries a signature of its request id, never the secret itself: gateways and proxies
    write callback URLs into their access logs, and a logged signature only vouches for that one request."""
    return salted_hmac("sms-callback", request_id, secret=settings.SMS_CALLBACK_SECRET, algorithm="sha256").hexdigest()


def callback_url(request_id: str) -> str:
    return settings.PUBLIC_BASE_URL + reverse("announcements:sms_callback") + f"?sig={callback_signature(request_id)}"


class SmsSender:
    kind = "sms"

    @property
    def batch_size(self) -> int:
        return settings.SMS_BULK_MAX

    def send(self, batch: Batch) -> list[Result]:
        by_text: dict[str, list[Message]] = {}
        for message in batch.messages:
            by_text.setdefault(message.text, []).append(message)
        results: list[Result] = []
        with http_client() as client:
            # Order the groups by their first delivery so a re-sent batch makes the same requests and request ids.
            groups = sorted(by_text.values(), key=lambda ms: min(m.delivery_id for m in ms))
            for index, messages in enumerate(groups):
                if len(messages) >= settings.SMS_BULK_MIN:
                    results += self._send_bulk(client, messages, request_id=f"{batch.request_id}-{index}")
                else:
                    results += [self._send_one(client, m) for m in messages]
        return results

    def _base(self, text: str, request_id: str) -> dict:
        return {
            "RequestId": request_id,
            "ApiKey": settings.SMS_API_KEY,
            "SecretKey": settings.SMS_SECRET_KEY,
            "Content": text,
            "Brandname": settings.SMS_BRANDNAME,
            "SmsType": "2",
            "IsUnicode": "0" if is_gsm7(text) else "1",
            "CallbackUrl": callback_url(request_id),
        }

    def _post(self, client: httpx.Client, payload: dict) -> tuple[ResultKind, str, str]:
        throttle("sms", per_second=settings.SMS_REQUESTS_PER_SECOND)
        url = settings.SMS_GATEWAY_URL.rstrip("/") + "/SendMultipleMessage_V4_post_json/"
        try:
            response = client.post(url, json=payload)
        except httpx.HTTPError as error:
            return ResultKind.RETRY, "", f"gateway unreachable: {type(error).__name__}"
        if response.status_code == 429 or response.status_code >= 500:
            return ResultKind.RETRY, "", f"gateway HTTP {response.status_code}"
        try:
            body = response.json()
            code = str(body.get("CodeResult", ""))
        except (ValueError, AttributeError):
            return ResultKind.RETRY, "", f"gateway answered HTTP {response.status_code} without JSON"
        sms_id = str(body.get("SMSID") or "")
        if code in ACCEPTED_CODES:
            return ResultKind.ACCEPTED, sms_id, ""
        if code == ALREADY_SENT:
            return ResultKind.ACCEPTED, sms_id, "already sent (duplicate request id)"
        if code in PERMANENT_CODES:
            return ResultKind.PERMANENT, "", f"{code}: {PERMANENT_CODES[code]}"
        if code in AUTH_CODES:
            return ResultKind.AUTH, "", f"{code}: {AUTH_CODES[code]}"
        if code in QUOTA_CODES:
            return ResultKind.QUOTA, "", f"{code}: {QUOTA_CODES[code]}"
        return ResultKind.RETRY, "", f"gateway code {code or '?'}: {str(body.get('ErrorMessage', ''))[:200]}"

    def _send_one(self, client: httpx.Client, message: Message) -> Result:
        payload = self._base(message.text, message.request_id or f"d{message.delivery_id}") | {
            "Phone": gateway_phone(message.address),
        }
        kind, sms_id, reason = self._post(client, payload)
        return Result(message.delivery_id, kind, provider_message_id=sms_id, reason=reason)

    def _send_bulk(self, client: httpx.Client, messages: list[Message], *, request_id: str) -> list[Result]:
        payload = self._base(messages[0].text, request_id) | {
            "Phones": [gateway_phone(m.address) for m in messages],
        }
        kind, sms_id, reason = self._post(client, payload)
        if kind == ResultKind.PERMANENT:
            # One bad number refuses the whole request; ask number by number so each gets its own verdict.
            return [self._send_one(client, m) for m in messages]
        return (
            all_results(Batch(request_id, messages), kind, reason)
            if kind != ResultKind.ACCEPTED
            else [Result(m.delivery_id, kind, provider_message_id=sms_id, reason=reason) for m in messages]
        )
