"""A report asked for from the page: a job row, made by a Celery worker section by section (its progress shown
on the page), stored, and mailed to the ward's admins when ready."""

import logging
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from groups.models import StaffProfile
from groups.selectors import staff_profile_of
from portal.audit import audit_record
from portal.models import WardReportJob
from portal.ward_report.data import SECTIONS, build
from portal.ward_report.render import ReportUnavailable, to_pdf, to_xlsx

MAX_DAYS = 366 * 5
logger = logging.getLogger(__name__)


def report_request(*, user: Any, start: date | None, end: date | None, format: str) -> WardReportJob:  # noqa: A002
    profile = staff_profile_of(user)
    if profile is None or not profile.is_ward_admin:
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if start is None:
        errors["start"] = [_("Please give the first day.")]
    if end is None:
        errors["end"] = [_("Please give the last day.")]
    elif start is not None and end < start:
        errors["end"] = [_("The last day cannot be before the first.")]
    elif start is not None and (end - start).days > MAX_DAYS:
        errors["end"] = [_("At most five years in one report.")]
    if format not in WardReportJob.Format.values:
        errors["format"] = [_("Please choose PDF or Excel.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        job = WardReportJob.objects.create(ward=profile.ward, requested_by=user, start=start, end=end, format=format)
        audit_record(actor=user, action="export", obj=job, ward=profile.ward, summary=f"report {start}–{end} {format}")
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from portal.tasks import ward_report_make

    ward_report_make.delay(job_id)


def report_make(*, job_id: int) -> WardReportJob:
    """The worker's part: build each section (progress after each), render, store, mail the admins."""
    job = WardReportJob.objects.select_related("ward").get(pk=job_id)
    if job.status == WardReportJob.Status.DONE:
        return job  # a task delivered twice does the work once
    WardReportJob.objects.filter(pk=job.pk).update(status=WardReportJob.Status.RUNNING, progress=5)

    def progress(done: int) -> None:
        WardReportJob.objects.filter(pk=job.pk).update(progress=5 + 85 * done // SECTIONS)

    try:
        report = build(ward=job.ward, start=job.start, end=job.end, progress=progress)
        data = to_pdf(report) if job.format == WardReportJob.Format.PDF else to_xlsx(report)
    except ReportUnavailable:
        with translation.override("vi"):
            error = _("The PDF cannot be made on this server; please ask for the Excel file.")
        WardReportJob.objects.filter(pk=job.pk).update(status=WardReportJob.Status.FAILED, error=error[:300])
        return WardReportJob.objects.get(pk=job.pk)
    except Exception:  # noqa: BLE001 - whatever went wrong, the page waiting on this job must stop waiting
        logger.exception("ward report %s failed", job.pk)
        with translation.override("vi"):
            error = _("The report could not be made. Please try again; if it fails again, tell the portal's team.")
        WardReportJob.objects.filter(pk=job.pk).update(status=WardReportJob.Status.FAILED, error=error[:300])
        return WardReportJob.objects.get(pk=job.pk)
    with transaction.atomic():
        job.file.save(job.file_name, ContentFile(data), save=False)
        job.status, job.progress, job.finished_at = WardReportJob.Status.DONE, 100, timezone.now()
        job.save(update_fields=["file", "status", "progress", "finished_at"])
        _mail_admins(job)
    return job


def _mail_admins(job: WardReportJob) -> None:
    from django.conf import settings

    from announcements.services import personal_message_queue

    admins = StaffProfile.objects.filter(ward=job.ward, role=StaffProfile.Role.WARD_ADMIN).select_related("user")
    link = settings.PUBLIC_BASE_URL + reverse("ward_report_download", kwargs={"pk": job.pk})
    with translation.override("vi"):
        title = _("The report of %(start)s–%(end)s is ready") % {
            "start": f"{job.start:%d/%m/%Y}",
            "end": f"{job.end:%d/%m/%Y}",
        }
        text = _("The report you asked for is ready. Sign in to download it:") + f"\n{link}\n"
        for profile in admins:
            if profile.user.email:
                personal_message_queue(
                    kind="email",
                    address=profile.user.email,
                    # Not "report:<id>": that names a resident's report and its page lists what was sent about it.
                    topic=f"ward-report:{job.pk}",
                    what=_("Report ready"),
                    title=title,
                    text=text,
                    link=link,
                    ward_id=job.ward_id,
                )
