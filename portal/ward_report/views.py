"""The ward's report from a page: a ward admin picks the period and the format, a worker makes it while the page
shows its progress, and it is mailed to the admins when ready."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from groups.access import staff_required, ward_admin_profile
from portal.common.web import apply_errors, file_response
from portal.models import WardReportJob
from portal.ward_report.data import last_half_year
from portal.ward_report.forms import WardReportForm
from portal.ward_report.jobs import (
    CONTENT_TYPES,
    ReportAsk,
    report_job_get,
    report_jobs_recent,
    report_request,
    signing_last,
)


def _job(request: HttpRequest, pk: int) -> WardReportJob:
    profile = ward_admin_profile(request, _("Only a ward admin can make the ward's report."))
    job = report_job_get(ward_id=profile.ward_id, pk=pk)
    if job is None:
        raise Http404
    return job


@staff_required
@require_http_methods(["GET", "POST"])
def ward_report(request: HttpRequest) -> HttpResponse:
    profile = ward_admin_profile(request, _("Only a ward admin can make the ward's report."))
    start, end = last_half_year()
    initial = {"start": start, "end": end, "format": "pdf"} | signing_last(profile.ward)
    form = WardReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            job = report_request(user=request.user, ask=ReportAsk(**form.cleaned_data))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The report is being made. It is mailed to the ward's admins when ready."))
            return redirect("ward_report_status", pk=job.pk)
    jobs = report_jobs_recent(ward_id=profile.ward_id)
    return render(request, "ward_report/page.html", {"form": form, "jobs": jobs})


@staff_required
def ward_report_status(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    template = "ward_report/_job.html" if request.headers.get("X-Requested-With") == "fetch" else "ward_report/job.html"
    return render(request, template, {"job": job})


@staff_required
def ward_report_download(request: HttpRequest, pk: int) -> HttpResponse:
    return report_file(_job(request, pk))


def report_file(job: WardReportJob) -> HttpResponse:
    """A finished report's file (a ward's or a province's), once its owner's page has found the job."""
    if job.status != WardReportJob.Status.DONE or not job.file:
        raise Http404
    # A file to keep (and mail on), not a page to read in the browser.
    return file_response(job.file, content_type=CONTENT_TYPES[job.format], filename=job.file_name, attachment=True)
