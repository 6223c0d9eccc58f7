"""Facebook Page posts through the Graph API with a Page access token.

Facebook Groups cannot be posted to by any app since April 2024: a group's Facebook group is a link the portal
shows, never a channel here.
"""

import httpx
from django.conf import settings
from django.utils.translation import gettext_lazy

from channels.base import Batch, Message, Result, ResultKind, call_provider, http_client, throttle

# What the Graph API's codes in a stored reason mean to a ward officer, and what to do (see channels.base).
FAILURE_CAUSES = [
    (
        "190",
        gettext_lazy("The Facebook Page token has expired"),
        gettext_lazy("Issue a new access token for the Facebook Page."),
    ),
]

THROTTLING_CODES = {4, 17, 32, 613}
TOKEN_CODES = {190}


class FacebookPageSender:
    kind = "facebook_page"
    batch_size = 20

    def send(self, batch: Batch) -> list[Result]:
        with http_client() as client:
            return [self._send_one(client, m) for m in batch.messages]

    def _send_one(self, client: httpx.Client, message: Message) -> Result:
        base = settings.FACEBOOK_GRAPH_URL.rstrip("/")
        token = settings.FACEBOOK_PAGE_ACCESS_TOKEN
        if message.image_urls:
            url = f"{base}/{message.address}/photos"
            data = {"url": message.image_urls[0], "caption": message.text, "access_token": token}
        else:
            url = f"{base}/{message.address}/feed"
            data = {"message": message.text, "link": message.link, "access_token": token}
        throttle("facebook", per_second=settings.FACEBOOK_REQUESTS_PER_SECOND)
        answer = call_provider(client, "Facebook", "POST", url, data=data)
        if answer.failed:
            return Result(message.delivery_id, answer.failed, reason=answer.reason)
        body = answer.body
        if answer.status < 400 and "id" in body:
            return Result(
                message.delivery_id, ResultKind.ACCEPTED, provider_message_id=str(body.get("post_id") or body["id"])
            )
        error = body.get("error") or {}
        code = int(error.get("code") or 0)
        reason = f"Facebook {code}: {str(error.get('message', ''))[:200]}"
        if code in THROTTLING_CODES:
            return Result(message.delivery_id, ResultKind.RETRY, reason=reason)
        if code in TOKEN_CODES:
            return Result(message.delivery_id, ResultKind.AUTH, reason=reason)
        return Result(message.delivery_id, ResultKind.PERMANENT, reason=reason)
