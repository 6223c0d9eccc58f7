"""The province's report from a page: its admin picks the period and the format, a worker makes it (the same job
life as a ward's report: progress on the page, then mailed to the province's admins)."""

from collections.abc import Callable
from typing import Any

from groups.models import ProvinceStaff
from groups.selectors import province_admin_of
from portal import tasks
from portal.models import WardReportJob
from portal.province.report import SECTIONS, build, printed
from portal.ward_report.jobs import ReportAsk, job_create, job_make, ready_mail, signing_of
from portal.ward_report.printed import Printed


def province_report_request(*, user: Any, ask: ReportAsk) -> WardReportJob:
    staff = province_admin_of(user)
    return job_create(
        user=user,
        ask=ask,
        enqueue=tasks.province_report_make.delay,
        summary=f"province report {ask.start}–{ask.end}",
        province=staff.province,
    )


def province_report_jobs(*, province_id: int, limit: int = 10) -> Any:
    return WardReportJob.objects.filter(province_id=province_id, ward__isnull=True)[:limit]


def province_report_job(*, province_id: int, pk: int) -> WardReportJob | None:
    """One of the province's report jobs; None for another province's, a ward's, or a guessed id."""
    return WardReportJob.objects.filter(pk=pk, province_id=province_id, ward__isnull=True).first()


def _paper(job: WardReportJob, progress: Callable[[int], None]) -> Printed:
    return printed(
        build(province=job.province, start=job.start, end=job.end, signing=signing_of(job), progress=progress)
    )


def _mail(job: WardReportJob) -> None:
    admins = ProvinceStaff.objects.filter(province=job.province, role=ProvinceStaff.Role.ADMIN).exclude(user__email="")
    ready_mail(
        job,
        download="province_report_download",
        emails=list(admins.values_list("user__email", flat=True)),
        topic=f"province-report:{job.pk}",
        ward_id=None,
    )


def province_report_make(*, job_id: int) -> WardReportJob:
    return job_make(job_id=job_id, paper=_paper, mail=_mail, sections=SECTIONS)
