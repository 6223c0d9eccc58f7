"""SMS through an eSMS-style Vietnamese brandname gateway.

The gateway takes one number (`Phone`) or up to 5,000 (`Phones`) a request, answers CodeResult 100 for accepted
(not yet delivered), and answers 124 to a RequestId it has already accepted: so a repeat under the same id is
"already sent", never a second message. Messages with the same text go in bulk requests of up to SMS_BULK_MAX
numbers, the others one by one under their delivery id; which request a message belongs to is fixed before the
first try (`request_ids`) and kept through every retry.
"""

import httpx
from django.conf import settings
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy

from channels import ids
from channels.base import Batch, Message, Result, ResultKind, call_provider, http_client, throttle
from channels.sms_text import is_gsm7

# What the gateway's codes in a stored reason mean to a ward officer, and what to do (see channels.base).
FAILURE_CAUSES = [
    (
        "103",
        gettext_lazy("The SMS account is out of credit"),
        gettext_lazy("Top up the SMS account, then press “Retry failed”."),
    ),
    ("101", gettext_lazy("The SMS gateway refused the key"), gettext_lazy("Check the API key of the SMS account.")),
    (
        "104",
        gettext_lazy("The SMS brandname is not registered"),
        gettext_lazy("Register the brandname with the SMS provider."),
    ),
    (
        "108",
        gettext_lazy("Wrong phone numbers"),
        gettext_lazy("Correct these people's phone numbers in the member list."),
    ),
    (
        "99:",
        gettext_lazy("The phone number blocks messages"),
        gettext_lazy("Call them, or tell them through the group leader."),
    ),
]

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
    return settings.PUBLIC_BASE_URL + reverse("hooks:sms_callback") + f"?sig={callback_signature(request_id)}"


class SmsSender:
    kind = "sms"
    # The gateway answers a RequestId it has taken "124, already sent": asking again under the same id is safe,
    # and is how a delivery whose answers never came is settled.
    repeat_safe = True

    @property
    def batch_size(self) -> int:
        return settings.SMS_BULK_MAX

    def request_ids(self, key: str, messages: list[Message]) -> dict[int, str]:
        """Messages with the same text go in bulk requests under one id built from the batch key; the others
        (left out of the answer) one by one under their delivery id. Decided once, before the first request:
        which request a message belongs to must never depend on how many of its batch are still open at a
        retry."""
        by_text: dict[str, list[Message]] = {}
        for message in messages:
            by_text.setdefault(message.text, []).append(message)
        planned: dict[int, str] = {}
        groups = sorted(by_text.values(), key=lambda ms: min(m.delivery_id for m in ms))
        for index, group in enumerate(groups):
            for offset in range(0, len(group), settings.SMS_BULK_MAX):
                chunk = group[offset : offset + settings.SMS_BULK_MAX]
                if len(chunk) >= settings.SMS_BULK_MIN:
                    planned.update(dict.fromkeys((m.delivery_id for m in chunk), ids.bulk_id(key, index, offset)))
        return planned

    def send(self, batch: Batch) -> list[Result]:
        by_request: dict[str, list[Message]] = {}
        for message in batch.messages:
            by_request.setdefault(message.request_id or ids.single_id(message.delivery_id), []).append(message)
        results: list[Result] = []
        self._batch = batch
        with http_client() as client:
            for request_id, messages in sorted(by_request.items(), key=lambda i: min(m.delivery_id for m in i[1])):
                if ids.is_bulk(request_id):
                    results += self._send_bulk(client, messages, request_id=request_id)
                else:
                    results += [self._send_one(client, m, request_id=request_id) for m in messages]
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

    _batch: Batch | None = None

    def _post(self, client: httpx.Client, payload: dict) -> tuple[ResultKind, str, str]:
        if self._batch is not None:
            self._batch.still_ours()  # a long batch (many answers late, a refusal to narrow down) renews its lease
        throttle("sms", per_second=settings.SMS_REQUESTS_PER_SECOND)
        url = settings.SMS_GATEWAY_URL.rstrip("/") + "/SendMultipleMessage_V4_post_json/"
        answer = call_provider(client, "gateway", "POST", url, json=payload)
        if answer.failed:
            return answer.failed, "", answer.reason
        body = answer.body
        code = str(body.get("CodeResult", ""))
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

    def _send_one(self, client: httpx.Client, message: Message, *, request_id: str) -> Result:
        payload = self._base(message.text, request_id) | {"Phone": gateway_phone(message.address)}
        kind, sms_id, reason = self._post(client, payload)
        return Result(message.delivery_id, kind, provider_message_id=sms_id, reason=reason, request_id=request_id)

    def _send_bulk(self, client: httpx.Client, messages: list[Message], *, request_id: str) -> list[Result]:
        payload = self._base(messages[0].text, request_id) | {
            "Phones": [gateway_phone(m.address) for m in messages],
        }
        kind, sms_id, reason = self._post(client, payload)
        if kind == ResultKind.PERMANENT:
            # One bad number refuses the whole request, so nothing of it was sent. Find it by halves, each half a
            # bulk request of its own under an id derived from this one (so a worker that takes over asks the
            # same questions again), down to fewer than SMS_BULK_MIN numbers, which go one by one.
            if len(messages) < 2 * settings.SMS_BULK_MIN:
                return [self._send_one(client, m, request_id=ids.single_id(m.delivery_id)) for m in messages]
            half = len(messages) // 2
            return self._send_bulk(client, messages[:half], request_id=ids.half_id(request_id, 0)) + self._send_bulk(
                client, messages[half:], request_id=ids.half_id(request_id, 1)
            )
        return [
            Result(m.delivery_id, kind, provider_message_id=sms_id, reason=reason, request_id=request_id)
            for m in messages
        ]
