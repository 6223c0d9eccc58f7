"""Celery tasks of announcements: thin, they take ids and call services.

A service enqueues a task and the task calls a service, so this module and the services import each other, as
modules: each reads the other's functions only when one runs, so either can be imported first."""

from functools import lru_cache

from celery import shared_task
from django.db import transaction

from announcements import services
from announcements.models import Announcement

# A province's alert to millions goes through its own queue; everything else (a ward's own notices, personal
# messages, the sweeper) through the default one, which a worker asks first (CELERY_BROKER_TRANSPORT_OPTIONS): a
# ward's notice sent in the middle of a province-wide send waits for the batch in hand, not for every batch
# queued before it. Within the alert, each ward's part has its own chains, taken in turn.
BULK, DEFAULT = "bulk", "celery"


@lru_cache(maxsize=4096)
def queue_for(announcement_id: int | None) -> str:
    """The queue of an announcement's dispatch and batches (it never changes: a province's part stays one)."""
    if announcement_id is None:
        return DEFAULT
    part = Announcement.objects.filter(pk=announcement_id, province_announcement__isnull=False).exists()
    return BULK if part else DEFAULT


def dispatch(announcement_id: int) -> None:
    announcement_dispatch.apply_async((announcement_id,), queue=queue_for(announcement_id))


def chain_send(announcement_id: int | None, kind: str, countdown: float | None = None) -> None:
    deliveries_send.apply_async((announcement_id, kind), countdown=countdown, queue=queue_for(announcement_id))


@shared_task
def announcement_dispatch(announcement_id: int) -> int:
    return services.announcement_dispatch(announcement_id=announcement_id)


@shared_task
def deliveries_send(announcement_id: int, kind: str) -> float | None:
    """Send one batch, then go on as a new task (a chain), at once or when a retry comes due, so a worker that
    dies loses at most the batch in hand, which its lease gives back."""
    wait = services.deliveries_chain_step(announcement_id=announcement_id, kind=kind)
    if wait is not None:
        transaction.on_commit(lambda: chain_send(announcement_id, kind, countdown=wait))
    return wait


@shared_task
def deliveries_sweep() -> dict[str, int]:
    return services.deliveries_sweep()


@shared_task
def deliveries_keep() -> dict[str, list[str]]:
    """Daily: the coming months' delivery partitions made, the months past the retention period removed."""
    return services.deliveries_keep()
