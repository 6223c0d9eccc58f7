"""The province's report from a page: its admin picks the period and the format, a worker makes it (the same job
life as a ward's report: progress on the page, then mailed to the province's admins)."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from channels.personal import personal_queue
from groups.models import ProvinceStaff
from groups.selectors import province_staff_of
from portal import tasks
from portal.common.audit import audit_record
from portal.models import AuditEvent, WardReportJob
from portal.province.report import SECTIONS, build, printed
from portal.ward_report.jobs import ReportAsk, ask_check, job_make, signing_of
from portal.ward_report.printed import Printed


def province_report_request(*, user: Any, ask: ReportAsk) -> WardReportJob:
    staff = province_staff_of(user)
    if staff is None or not staff.is_admin:
        raise PermissionDenied
    errors = ask_check(ask)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        job = WardReportJob.objects.create(
            province=staff.province,
            requested_by=user,
            start=ask.start,
            end=ask.end,
            format=ask.format,
            number=ask.number.strip(),
            place=ask.place.strip(),
            signer=ask.signer.strip(),
            signer_title=ask.signer_title,
            recipients="\n".join(line.strip() for line in ask.recipients.splitlines() if line.strip()),
        )
        audit_record(
            actor=user, action=AuditEvent.Action.EXPORT, obj=job, summary=f"province report {ask.start}–{ask.end}"
        )
        transaction.on_commit(lambda: tasks.province_report_make.delay(job.pk))
    return job


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
    link = settings.PUBLIC_BASE_URL + reverse("province_report_download", kwargs={"pk": job.pk})
    admins = ProvinceStaff.objects.filter(province=job.province, role=ProvinceStaff.Role.ADMIN).select_related("user")
    with translation.override("vi"):
        title = _("The report of %(start)s–%(end)s is ready") % {
            "start": f"{job.start:%d/%m/%Y}",
            "end": f"{job.end:%d/%m/%Y}",
        }
        text = _("The report you asked for is ready. Sign in to download it:") + f"\n{link}\n"
        for staff in admins:
            if staff.user.email:
                personal_queue(
                    kind="email",
                    address=staff.user.email,
                    topic=f"province-report:{job.pk}",
                    what=_("Report ready"),
                    title=title,
                    text=text,
                    link=link,
                )


def province_report_make(*, job_id: int) -> WardReportJob:
    return job_make(job_id=job_id, paper=_paper, mail=_mail, sections=SECTIONS)
