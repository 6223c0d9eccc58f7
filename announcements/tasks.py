"""Celery tasks of announcements: thin, they take ids and call services."""

from celery import shared_task
from django.db import transaction

from announcements import services


@shared_task
def announcement_dispatch(announcement_id: int) -> int:
    return services.announcement_dispatch(announcement_id=announcement_id)


@shared_task
def deliveries_send(announcement_id: int, kind: str) -> int:
    """Send one batch; if it was a batch, go on with the next one as a new task (a chain), so a worker that dies
    loses at most the batch in hand, which its lease gives back."""
    sent = services.deliveries_send_batch(announcement_id=announcement_id, kind=kind)
    if sent:
        transaction.on_commit(lambda: deliveries_send.delay(announcement_id, kind))
    return sent


@shared_task
def deliveries_sweep() -> dict[str, int]:
    return services.deliveries_sweep()
