"""Celery tasks of announcements: thin, they take ids and call services.

A service enqueues a task and the task calls a service, so this module and the services import each other, as
modules: each reads the other's functions only when one runs, so either can be imported first."""

from celery import shared_task
from django.db import transaction

from announcements import services


@shared_task
def announcement_dispatch(announcement_id: int) -> int:
    return services.announcement_dispatch(announcement_id=announcement_id)


@shared_task
def deliveries_send(announcement_id: int, kind: str) -> float | None:
    """Send one batch, then go on as a new task (a chain), at once or when a retry comes due, so a worker that
    dies loses at most the batch in hand, which its lease gives back."""
    wait = services.deliveries_chain_step(announcement_id=announcement_id, kind=kind)
    if wait is not None:
        transaction.on_commit(lambda: deliveries_send.apply_async((announcement_id, kind), countdown=wait))
    return wait


@shared_task
def deliveries_sweep() -> dict[str, int]:
    return services.deliveries_sweep()
