"""The portal's own public web feed: publishing is the announcement being sent, so it is delivered at once."""

from channels.base import Batch, Result, ResultKind


class WebFeedSender:
    kind = "web_feed"
    batch_size = 500

    def send(self, batch: Batch) -> list[Result]:
        return [Result(m.delivery_id, ResultKind.DELIVERED, provider_message_id="web") for m in batch.messages]
