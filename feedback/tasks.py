"""Celery tasks of report: thin, they call services. Messages to reporters and staff are personal messages,
sent by the deliveries' own tasks (announcements.services.personal)."""

from celery import shared_task

from feedback import services


@shared_task
def reports_escalate_overdue() -> int:
    return services.reports_escalate_overdue()
