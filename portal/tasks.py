"""Site-wide tasks: thin, they take ids and call a service."""

from celery import shared_task


@shared_task(acks_late=True)
def ward_report_make(job_id: int) -> None:
    from portal.ward_report.jobs import report_make

    report_make(job_id=job_id)
