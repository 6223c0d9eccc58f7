"""Zalo Official Account (Open API v3): messages to followers, ZNS to phones, messages to the OA's groups.

Zalo answers most refusals with HTTP 200 and a non-zero `error`, so results are classified by the body. The
access token is refreshed once on an auth error; the refresh token is single-use, so both are stored together
under a row lock and a worker that lost the race uses the token the winner stored.
"""

import hashlib
from datetime import datetime, timedelta
from typing import Any

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from channels import ids
from channels.base import Batch, Message, Result, ResultKind, call_provider, http_client, throttle
from channels.kinds import ChannelKind
from channels.models import ProviderToken

# What Zalo's codes in a stored reason mean to a ward officer, and what to do (see channels.base).
FAILURE_CAUSES = [
    (
        "Zalo -213",
        gettext_lazy("Not following the ward's Zalo OA"),
        gettext_lazy("Invite them to follow the Zalo OA, or send by SMS."),
    ),
    (
        "Zalo -217",
        gettext_lazy("Blocked the ward's Zalo OA"),
        gettext_lazy("Send by SMS, or tell them through the group leader."),
    ),
    ("Zalo -2", gettext_lazy("Zalo refused the message"), gettext_lazy("Send by SMS, or press “Retry failed” later.")),
]

TOKEN_NAME = "zalo_oa"
TEXT_PIECE = 1800
AUTH_ERRORS = {-216, -124}
PERMANENT_ERRORS = {
    -201: "invalid parameter",
    -213: "user does not follow the OA",
    -217: "user blocked the OA",
    -227: "user inactive",
    -230: "no interaction in 7 days",
    -232: "user never interacted with the OA",
    -233: "message type not supported",
}


class ZaloAuthError(Exception):
    pass


def _seeded_token() -> ProviderToken:
    token, _ = ProviderToken.objects.get_or_create(
        provider=TOKEN_NAME,
        defaults={"access_token": settings.ZALO_OA_ACCESS_TOKEN, "refresh_token": settings.ZALO_OA_REFRESH_TOKEN},
    )
    return token


def access_token() -> str:
    return _seeded_token().access_token


def refresh_access_token(client: httpx.Client, *, stale: str) -> str:
    """Swap the refresh token for a new pair, once, however many workers saw the stale access token."""
    _seeded_token()
    with transaction.atomic():
        token = ProviderToken.objects.select_for_update().get(provider=TOKEN_NAME)
        if token.access_token != stale:
            return token.access_token  # another worker refreshed while we waited for the lock
        response = client.post(
            settings.ZALO_OAUTH_URL.rstrip("/") + "/v4/oa/access_token",
            headers={"secret_key": settings.ZALO_APP_SECRET},
            data={"app_id": settings.ZALO_APP_ID, "grant_type": "refresh_token", "refresh_token": token.refresh_token},
        )
        body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
        if not body.get("access_token"):
            raise ZaloAuthError(f"refresh refused: {body.get('error', response.status_code)}")
        token.access_token = body["access_token"]
        token.refresh_token = body.get("refresh_token", token.refresh_token)
        token.expires_at = timezone.now() + timedelta(seconds=int(body.get("expires_in", 90000)))
        token.save()
        return token.access_token


def next_morning_epoch(now: datetime | None = None) -> float:
    hour, minute = (int(part) for part in settings.ZALO_NIGHT_RESUME.split(":"))
    local = timezone.localtime(now or timezone.now())
    morning = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if morning <= local:
        morning += timedelta(days=1)
    return morning.timestamp()


def classify(body: dict[str, Any]) -> tuple[ResultKind, str]:
    error = int(body.get("error", -1))
    if error == 0:
        return ResultKind.ACCEPTED, ""
    reason = f"Zalo {error}: {body.get('message', '')}"[:300]
    if error == -32:
        return ResultKind.RETRY, reason
    if error in AUTH_ERRORS:
        return ResultKind.AUTH, reason
    if error == -211:
        return ResultKind.QUOTA, reason
    if error == -234:
        return ResultKind.DEFERRED, reason
    if error in PERMANENT_ERRORS:
        return ResultKind.PERMANENT, f"Zalo {error}: {PERMANENT_ERRORS[error]}"
    return ResultKind.RETRY, reason


class ZaloClient:
    """One HTTP client and the current token, with the refresh-once rule applied to every call."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        self.token = access_token()

    def call(self, method: str, url: str, **kwargs: Any) -> tuple[ResultKind, str, dict]:
        for attempt in (1, 2):
            throttle("zalo", per_second=settings.ZALO_REQUESTS_PER_SECOND)
            answer = call_provider(self.client, "Zalo", method, url, headers={"access_token": self.token}, **kwargs)
            if answer.failed:
                return answer.failed, answer.reason, {}
            body = answer.body
            kind, reason = classify(body)
            if kind == ResultKind.AUTH and attempt == 1:
                try:
                    self.token = refresh_access_token(self.client, stale=self.token)
                except (ZaloAuthError, httpx.HTTPError, ValueError) as error:
                    return ResultKind.AUTH, str(error)[:300], {}
                continue
            return kind, reason, body.get("data") or {}
        return ResultKind.AUTH, "token refused after refresh", {}

    def upload_image(self, name: str, content: bytes) -> tuple[ResultKind, str, str]:
        kind, reason, data = self.call(
            "POST",
            settings.ZALO_OA_API_URL.rstrip("/") + "/v2.0/oa/upload/image",
            files={"file": (name, content, "image/png" if name.endswith(".png") else "image/jpeg")},
        )
        return kind, reason, str(data.get("attachment_id", ""))


def _result(message: Message, kind: ResultKind, reason: str, message_id: str) -> Result:
    not_before = next_morning_epoch() if kind == ResultKind.DEFERRED else None
    return Result(message.delivery_id, kind, provider_message_id=message_id, reason=reason, not_before=not_before)


def _media_template(attachment_id: str) -> dict:
    return {
        "attachment": {
            "type": "template",
            "payload": {
                "template_type": "media",
                "elements": [{"media_type": "image", "attachment_id": attachment_id}],
            },
        }
    }


def _pieces(text: str) -> list[str]:
    return [text[i : i + TEXT_PIECE] for i in range(0, len(text), TEXT_PIECE)] or [""]


def _send_text(zalo: ZaloClient, url: str, recipient: dict, text: str) -> tuple[ResultKind, str, str]:
    """Send the text in pieces Zalo accepts; stop at the first refusal. Returns (kind, reason, first message id)."""
    message_id = ""
    for piece in _pieces(text):
        kind, reason, data = zalo.call("POST", url, json={"recipient": recipient, "message": {"text": piece}})
        if kind != ResultKind.ACCEPTED:
            return kind, reason, message_id
        message_id = message_id or str(data.get("message_id", ""))
    return ResultKind.ACCEPTED, "", message_id


class _ZaloSender:
    """One HTTP client and token for the batch, then each message on its own (Zalo has no bulk call)."""

    def send(self, batch: Batch) -> list[Result]:
        results: list[Result] = []
        with http_client() as client:
            zalo = ZaloClient(client)
            for message in batch.messages:
                result = self._send_one(zalo, message)
                results.append(result)
                if result.kind == ResultKind.AUTH:
                    # Refused even after the one refresh: the rest would hit the same wall (and ask for a
                    # refresh each); they wait with the channel, unsent.
                    rest = batch.messages[len(results) :]
                    results += [Result(m.delivery_id, ResultKind.AUTH, reason=result.reason) for m in rest]
                    break
        return results

    def _send_one(self, zalo: ZaloClient, message: Message) -> Result:
        raise NotImplementedError


class ZaloPersonalSender(_ZaloSender):
    """A follower gets an OA message; a member known only by phone gets a ZNS template message."""

    kind = ChannelKind.ZALO_OA
    batch_size = 100

    def _send_one(self, zalo: ZaloClient, message: Message) -> Result:
        if message.address.startswith("+"):
            kind, reason, data = zalo.call(
                "POST",
                settings.ZALO_ZNS_API_URL.rstrip("/") + "/message/template",
                json={
                    "phone": message.address.lstrip("+"),
                    "template_id": settings.ZALO_ZNS_TEMPLATE_ID,
                    "template_data": {"title": message.title[:100], "link": message.link},
                    "tracking_id": message.request_id or ids.single_id(message.delivery_id),
                },
            )
            return _result(message, kind, reason, str(data.get("msg_id", "")))
        url = settings.ZALO_OA_API_URL.rstrip("/") + "/v3.0/oa/message/cs"
        kind, reason, message_id = _send_text(zalo, url, {"user_id": message.address}, message.text)
        return _result(message, kind, reason, message_id)


class ZaloGroupSender(_ZaloSender):
    """One post per Zalo group of the OA (GMF): the text, then each image as a media message."""

    kind = "zalo_group"
    batch_size = 20

    def _send_one(self, zalo: ZaloClient, message: Message) -> Result:
        url = settings.ZALO_OA_API_URL.rstrip("/") + "/v3.0/oa/group/message"
        recipient = {"group_id": message.address}
        kind, reason, message_id = _send_text(zalo, url, recipient, message.text)
        if kind != ResultKind.ACCEPTED:
            return _result(message, kind, reason, message_id)
        for name, content in message.images:
            kind, reason, attachment_id = zalo.upload_image(name, content)
            if kind == ResultKind.ACCEPTED:
                kind, reason, _data = zalo.call(
                    "POST", url, json={"recipient": recipient, "message": _media_template(attachment_id)}
                )
            if kind != ResultKind.ACCEPTED:
                # The text is out already; a missing picture must not re-send the whole post.
                return _result(message, ResultKind.ACCEPTED, f"text sent, image refused: {reason}", message_id)
        return _result(message, ResultKind.ACCEPTED, "", message_id)


def zalo_signature(*, app_id: str, body: str, timestamp: str, secret: str) -> str:
    """Zalo signs a webhook as sha256(app_id + raw body + timestamp + OA secret key), sent in X-ZEvent-Signature."""
    return "mac=" + hashlib.sha256(f"{app_id}{body}{timestamp}{secret}".encode()).hexdigest()
