"""The one small interface every channel adapter implements, and the one HTTP helper they share.

An adapter turns every provider answer into a ResultKind; the delivery service decides what each kind means
for the delivery rows (CHANNELS.md, "Rules the adapters follow").
"""

import enum
import functools
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import certifi
import httpx
from django.conf import settings
from django.utils.translation import gettext_lazy

from channels.kinds import ChannelKind
from portal.common import ratelimit


class ResultKind(enum.StrEnum):
    ACCEPTED = "accepted"  # the provider took it; delivery may be confirmed later by a webhook
    DELIVERED = "delivered"  # nothing further to wait for (the portal's own web feed)
    RETRY = "retry"  # rate limited, 5xx, timeout: try again later with backoff
    AUTH = "auth"  # credentials refused even after one refresh: not sent; the channel pauses
    QUOTA = "quota"  # the account is out of quota or balance: pause the channel
    DEFERRED = "deferred"  # not now (quiet hours): try again at `not_before`
    PERMANENT = "permanent"  # this recipient can never get it this way


@dataclass(slots=True)
class Message:
    """What one delivery row asks an adapter to send. Not frozen: the fan-out fills in `request_id` once the
    batch's plan is known, and a copy per message (thousands a batch) costs more than the send."""

    delivery_id: int
    address: str  # phone in E.164, email, Zalo user id, group id or page id, by channel
    title: str
    text: str  # the channel's plain text, links included
    html: str = ""
    link: str = ""
    # Each picture's file name and bytes: read from the store (a disk or S3) by the worker, never a path, which
    # an S3 store does not have.
    images: tuple[tuple[str, bytes], ...] = ()
    image_urls: tuple[str, ...] = ()
    request_id: str = ""  # the provider's idempotency key; empty: derived from delivery_id


@dataclass
class Result:
    delivery_id: int
    kind: ResultKind
    provider_message_id: str = ""
    reason: str = ""
    not_before: float | None = None  # epoch seconds, for DEFERRED, QUOTA and AUTH
    request_id: str = ""  # the idempotency key it went under, when it differs from the one planned


class ClaimLost(Exception):
    """The batch was taken over by another worker while this one was still sending it: stop at once."""


@dataclass
class Batch:
    """Messages claimed together. `request_id` is stable across re-sends of the same batch.

    `keep`, when given, is called before each request of a long batch: it renews the worker's lease on the batch
    and answers False once another worker has taken it over, after which nothing more may be sent."""

    request_id: str
    messages: list[Message] = field(default_factory=list)
    urgent: bool = False
    keep: Callable[[], bool] | None = None

    def still_ours(self) -> None:
        if self.keep is not None and not self.keep():
            raise ClaimLost(self.request_id)


class Sender(Protocol):
    """A channel adapter. One that sends several messages per request also has
    `request_ids(key, messages) -> {delivery_id: request_id}`: the idempotency keys of the requests that carry
    several messages (built from the batch's key; a message left out goes alone under its delivery's id), which
    the fan-out stores with the batch before the first request and hands back (as Message.request_id) at every
    retry, so a repeat is always the same request. One whose provider deduplicates request ids sets
    `repeat_safe = True`: a delivery whose answers never came is then asked about again under the same id."""

    kind: str
    batch_size: int

    def send(self, batch: Batch) -> list[Result]: ...


@functools.cache
def _tls_context() -> ssl.SSLContext:
    # Loading the CA bundle costs ~50 ms; built once per process instead of once per client.
    return ssl.create_default_context(cafile=certifi.where())


def http_client() -> httpx.Client:
    """The one place adapters get HTTP from: timeouts from settings, no redirects, no ambient proxies."""
    return httpx.Client(
        timeout=settings.PROVIDER_HTTP_TIMEOUT, follow_redirects=False, trust_env=False, verify=_tls_context()
    )


@dataclass(frozen=True)
class Answer:
    """A provider's HTTP answer, read once. `failed` is set when there is nothing to read: no answer (a
    timeout, a refused connection), throttling (429), a server error (5xx) or a body that is not a JSON object;
    each of those is RETRY, with the reason staff read. Otherwise `body` is the JSON object to classify."""

    status: int
    body: dict
    failed: ResultKind | None = None
    reason: str = ""


def call_provider(client: httpx.Client, provider: str, method: str, url: str, **kwargs: object) -> Answer:
    """The one place transport failures become result kinds, for every adapter alike."""
    try:
        response = client.request(method, url, **kwargs)  # type: ignore[arg-type]
    except httpx.HTTPError as error:
        return Answer(0, {}, ResultKind.RETRY, f"{provider} unreachable: {type(error).__name__}")
    if response.status_code == 429 or response.status_code >= 500:
        return Answer(response.status_code, {}, ResultKind.RETRY, f"{provider} HTTP {response.status_code}")
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        reason = f"{provider} answered HTTP {response.status_code} without JSON"
        return Answer(response.status_code, {}, ResultKind.RETRY, reason)
    return Answer(response.status_code, body)


def throttle(account: str, *, per_second: float, cost: float = 1.0) -> None:
    """Wait for the provider account's shared token bucket (all workers draw from the same one)."""
    while True:
        wait = ratelimit.take(f"provider:{account}", rate=per_second, burst=max(per_second, cost), cost=cost)
        if wait <= 0:
            return
        time.sleep(min(wait, 5.0))


def all_results(batch: Batch, kind: ResultKind, reason: str = "", not_before: float | None = None) -> list[Result]:
    return [Result(m.delivery_id, kind, reason=reason, not_before=not_before) for m in batch.messages]


REQUIRED_SETTINGS = {
    ChannelKind.SMS: ["SMS_API_KEY", "SMS_SECRET_KEY", "SMS_BRANDNAME"],
    ChannelKind.ZALO_OA: ["ZALO_APP_ID", "ZALO_OA_ACCESS_TOKEN"],
    ChannelKind.ZALO_GROUP: ["ZALO_APP_ID", "ZALO_OA_ACCESS_TOKEN"],
    ChannelKind.FACEBOOK_PAGE: ["FACEBOOK_PAGE_ACCESS_TOKEN"],
}


def missing_settings(kind: str) -> list[str]:
    """Settings a channel cannot work without: unset, its deliveries fail at once with that reason instead of
    retrying against a provider that will never accept them."""
    return [name for name in REQUIRED_SETTINGS.get(kind, []) if not getattr(settings, name, "")]


# What a failure's reason means for a ward officer, and what to do about it: (a pattern in the stored reason,
# the cause, what to do). Each adapter lists its provider's codes as FAILURE_CAUSES; the first match wins.
RETRY_LATER = gettext_lazy("Press “Retry failed” in a few minutes.")
NOT_CONFIGURED = (
    "channel not configured",
    gettext_lazy("The channel is not set up"),
    gettext_lazy("Ask the technical administrator to set up the channel, then press “Retry failed”."),
)
