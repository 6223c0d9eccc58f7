"""A report asked for from the page: a job row, made by a Celery worker section by section (its progress shown
on the page), stored, and mailed to the ward's admins when ready."""

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from channels.personal import personal_queue
from groups.models import StaffProfile, Ward
from groups.selectors import staff_profile_of
from portal import tasks
from portal.common.audit import audit_record
from portal.models import AuditEvent, WardReportJob
from portal.ward_report.data import SECTIONS, Signing, build
from portal.ward_report.document import MAX_RECIPIENTS, TITLES, default_signing
from portal.ward_report.printed import Printed, printed
from portal.ward_report.render import ReportUnavailable, pdf_of
from portal.ward_report.word import docx_of
from portal.ward_report.workbook import xlsx_of

MAX_DAYS = 366 * 5
RENDER = {WardReportJob.Format.PDF: pdf_of, WardReportJob.Format.DOCX: docx_of, WardReportJob.Format.XLSX: xlsx_of}
CONTENT_TYPES = {
    WardReportJob.Format.PDF: "application/pdf",
    WardReportJob.Format.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    WardReportJob.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
logger = logging.getLogger(__name__)


@dataclass
class ReportAsk:
    """What a ward admin asks for: the period, the file, and what the signed document carries."""

    start: date | None
    end: date | None
    format: str
    number: str = ""
    place: str = ""
    signer: str = ""
    signer_title: str = TITLES[0]
    recipients: str = ""


NUMBER = re.compile(r"[0-9A-Za-z\-]{1,20}")


def ask_check(ask: ReportAsk) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if ask.start is None:
        errors["start"] = [_("Please give the first day.")]
    if ask.end is None:
        errors["end"] = [_("Please give the last day.")]
    elif ask.start is not None and ask.end < ask.start:
        errors["end"] = [_("The last day cannot be before the first.")]
    elif ask.start is not None and (ask.end - ask.start).days > MAX_DAYS:
        errors["end"] = [_("At most five years in one report.")]
    if ask.format not in WardReportJob.Format.values:
        errors["format"] = [_("Please choose PDF, Word or Excel.")]
    if ask.number.strip() and not NUMBER.fullmatch(ask.number.strip()):
        errors["number"] = [_("The number is digits (letters and “-” allowed), at most 20, for example 12.")]
    if len(ask.place) > 80:
        errors["place"] = [_("At most 80 characters.")]
    signed = ask.format in {WardReportJob.Format.PDF, WardReportJob.Format.DOCX}
    if signed and not ask.signer.strip():
        errors["signer"] = [_("Please give the name of who signs: the document is signed on the committee's behalf.")]
    elif len(ask.signer) > 120:
        errors["signer"] = [_("At most 120 characters.")]
    if ask.signer_title not in TITLES:
        errors["signer_title"] = [_("Please choose who signs: the chair or a vice-chair.")]
    lines = [line for line in ask.recipients.splitlines() if line.strip()]
    if len(lines) > MAX_RECIPIENTS or len(ask.recipients) > 2000 or any(len(line) > 200 for line in lines):
        errors["recipients"] = [
            _("At most %(count)d recipients, one per line, each at most 200 characters.") % {"count": MAX_RECIPIENTS}
        ]
    return errors


def report_request(*, user: Any, ask: ReportAsk) -> WardReportJob:
    profile = staff_profile_of(user)
    if profile is None or not profile.is_ward_admin:
        raise PermissionDenied
    return job_create(
        user=user, ask=ask, enqueue=_enqueue, summary=f"report {ask.start}–{ask.end} {ask.format}", ward=profile.ward
    )


def job_create(
    *, user: Any, ask: ReportAsk, enqueue: Callable[[int], None], summary: str, **owner: Any
) -> WardReportJob:
    """A report job for its `owner` (ward= or province=), checked, recorded in the audit trail and handed to the
    worker (`enqueue`) once its transaction commits."""
    errors = ask_check(ask)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        job = WardReportJob.objects.create(
            **owner,
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
        audit_record(actor=user, action=AuditEvent.Action.EXPORT, obj=job, ward=owner.get("ward"), summary=summary)
        transaction.on_commit(lambda: enqueue(job.pk))
    return job


def report_jobs_recent(*, ward_id: int, limit: int = 10) -> Any:
    return WardReportJob.objects.filter(ward_id=ward_id)[:limit]


def report_job_get(*, ward_id: int, pk: int) -> WardReportJob | None:
    """One of the ward's report jobs; None for another ward's or a guessed id."""
    return WardReportJob.objects.filter(pk=pk, ward_id=ward_id).first()


def signing_last(ward: Ward) -> dict[str, str]:
    """What the form offers: the ward's last report's number, place, signer and recipients, or the defaults."""
    last = WardReportJob.objects.filter(ward=ward).exclude(signer="").order_by("-created_at").first()
    if last is not None:
        return {
            "number": "",  # a new document takes a new number
            "place": last.place,
            "signer": last.signer,
            "signer_title": last.signer_title or TITLES[0],
            "recipients": last.recipients,
        }
    signing = default_signing(ward)
    return {
        "number": "",
        "place": signing.place,
        "signer": "",
        "signer_title": TITLES[0],
        "recipients": "\n".join(signing.recipients),
    }


def signing_of(job: WardReportJob) -> Signing:
    return Signing(
        number=job.number,
        place=job.place,
        signer=job.signer,
        title=job.signer_title or TITLES[0],
        recipients=job.recipients.splitlines(),
        signed_on=timezone.localdate(job.created_at),
    )


def _enqueue(job_id: int) -> None:
    tasks.ward_report_make.delay(job_id)


def report_make(*, job_id: int) -> WardReportJob:
    """The worker's part for a ward: build each section (progress after each), render, store, mail the admins."""
    return job_make(job_id=job_id, paper=_ward_paper, mail=_mail_admins)


def _ward_paper(job: WardReportJob, progress: Callable[[int], None]) -> Printed:
    return printed(build(ward=job.ward, start=job.start, end=job.end, signing=signing_of(job), progress=progress))


def job_make(
    *,
    job_id: int,
    paper: Callable[[WardReportJob, Callable[[int], None]], Printed],
    mail: Callable[[WardReportJob], None],
    sections: int = SECTIONS,
) -> WardReportJob:
    """Make a report job's file, whoever's report it is: `paper` gathers what it prints (calling back after each
    of its `sections`), then it is rendered, stored and `mail`ed. A failure of any kind ends the job as failed,
    with words, so the page waiting on it stops waiting."""
    job = WardReportJob.objects.select_related("ward", "province").get(pk=job_id)
    if job.status == WardReportJob.Status.DONE:
        return job  # a task delivered twice does the work once
    WardReportJob.objects.filter(pk=job.pk).update(status=WardReportJob.Status.RUNNING, progress=5)

    def progress(done: int) -> None:
        WardReportJob.objects.filter(pk=job.pk).update(progress=5 + 85 * done // sections)

    try:
        data = RENDER[job.format](paper(job, progress))
    except ReportUnavailable:
        with translation.override("vi"):
            error = _("The PDF cannot be made on this server; please ask for the Excel file.")
        WardReportJob.objects.filter(pk=job.pk).update(status=WardReportJob.Status.FAILED, error=error[:300])
        return WardReportJob.objects.get(pk=job.pk)
    except Exception:  # whatever went wrong, the page waiting on this job must stop waiting
        logger.exception("ward report %s failed", job.pk)
        with translation.override("vi"):
            error = _("The report could not be made. Please try again; if it fails again, tell the portal's team.")
        WardReportJob.objects.filter(pk=job.pk).update(status=WardReportJob.Status.FAILED, error=error[:300])
        return WardReportJob.objects.get(pk=job.pk)
    with transaction.atomic():
        job.file.save(job.file_name, ContentFile(data), save=False)
        job.status, job.progress, job.finished_at = WardReportJob.Status.DONE, 100, timezone.now()
        job.save(update_fields=["file", "status", "progress", "finished_at"])
        mail(job)
    return job


def ready_mail(job: WardReportJob, *, download: str, emails: list[str], topic: str, ward_id: int | None) -> None:
    """Tell each of `emails` that the report is ready, with the link to its download page (`download`, the view's
    name), in Vietnamese, through the delivery pipeline."""
    link = settings.PUBLIC_BASE_URL + reverse(download, kwargs={"pk": job.pk})
    with translation.override("vi"):
        title = _("The report of %(start)s–%(end)s is ready") % {
            "start": f"{job.start:%d/%m/%Y}",
            "end": f"{job.end:%d/%m/%Y}",
        }
        text = _("The report you asked for is ready. Sign in to download it:") + f"\n{link}\n"
        for email in emails:
            personal_queue(
                kind="email",
                address=email,
                topic=topic,
                what=_("Report ready"),
                title=title,
                text=text,
                link=link,
                ward_id=ward_id,
            )


def _mail_admins(job: WardReportJob) -> None:
    admins = StaffProfile.objects.filter(ward=job.ward, role=StaffProfile.Role.WARD_ADMIN).exclude(user__email="")
    ready_mail(
        job,
        download="ward_report_download",
        emails=list(admins.values_list("user__email", flat=True)),
        # Not "report:<id>": that names a resident's report and its page lists what was sent about it.
        topic=f"ward-report:{job.pk}",
        ward_id=job.ward_id,
    )
