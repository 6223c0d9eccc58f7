"""Site-wide tasks: thin, they take ids and call a service. The ward report's jobs enqueue the task that makes
them, so the two modules import each other, as modules, each reading the other only when a function runs."""

from celery import shared_task

from campaigns.services import entry_imports_expire
from groups.services.imports import member_imports_expire
from groups.services.onboarding import onboardings_expire
from portal.province import report_jobs
from portal.ward_report import jobs


@shared_task(acks_late=True)
def ward_report_make(job_id: int) -> None:
    jobs.report_make(job_id=job_id)


@shared_task(acks_late=True)
def province_report_make(job_id: int) -> None:
    report_jobs.province_report_make(job_id=job_id)


@shared_task
def imports_expire() -> dict[str, int]:
    """Hourly: previews of member lists, contribution sheets and new wards' sheets nobody committed lose their rows after a day
    (portal.common.sheets.IMPORT_KEEP). Here, above both apps, because the import life is one for both."""

    return {
        "members": member_imports_expire(),
        "contributions": entry_imports_expire(),
        "onboardings": onboardings_expire(),
    }
