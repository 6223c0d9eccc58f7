"""Celery tasks of the groups app: thin, they take ids and call services. Invitations and confirmation requests
are personal messages, sent by the deliveries' own tasks (announcements.services.personal)."""

from celery import shared_task

from groups import member_files


@shared_task
def expire_stale_imports() -> int:
    return member_files.expire_stale_imports()
