"""The province's report from a page, as a ward's: its admin picks the period and the format, a worker makes it
while the page shows its progress, and it is mailed to the province's admins when ready."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from groups.access import province_admin, province_required
from portal.common.web import apply_errors
from portal.models import WardReportJob
from portal.province.report import default_signing
from portal.province.report_jobs import province_report_job, province_report_jobs, province_report_request
from portal.ward_report.data import last_half_year
from portal.ward_report.forms import WardReportForm
from portal.ward_report.jobs import ReportAsk
from portal.ward_report.views import report_file

DOWNLOAD = "province_report_download"


def _job(request: HttpRequest, pk: int) -> WardReportJob:
    staff = province_admin(request)
    job = province_report_job(province_id=staff.province_id, pk=pk)
    if job is None:
        raise Http404
    return job


@province_required
@require_http_methods(["GET", "POST"])
def report_page(request: HttpRequest) -> HttpResponse:
    staff = province_admin(request)
    start, end = last_half_year()
    signing = default_signing(staff.province)
    initial = {
        "start": start,
        "end": end,
        "format": "pdf",
        "place": signing.place,
        "recipients": "\n".join(signing.recipients),
    }
    form = WardReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            job = province_report_request(user=request.user, ask=ReportAsk(**form.cleaned_data))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The report is being made. It is mailed to the province's admins when ready."))
            return redirect("province_report_status", pk=job.pk)
    jobs = province_report_jobs(province_id=staff.province_id)
    return render(request, "province/report.html", {"form": form, "jobs": jobs, "download": DOWNLOAD, "staff": staff})


@province_required
def report_status(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    fetch = request.headers.get("X-Requested-With") == "fetch"
    template = "ward_report/_job.html" if fetch else "province/report_job.html"
    return render(request, template, {"job": job, "download": DOWNLOAD})


@province_required
def report_download(request: HttpRequest, pk: int) -> HttpResponse:
    return report_file(_job(request, pk))
