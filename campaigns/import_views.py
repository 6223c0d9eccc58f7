"""Contributions recorded from a spreadsheet: the upload, its template, and the preview to record from."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from campaigns import selectors, services
from groups.access import staff_required
from groups.selectors import groups_for_user
from portal.common.audit import client_ip
from portal.common.numbers import vn_number
from portal.common.sheets import upload_read
from portal.common.text import natural_sorted
from portal.common.web import errors_say, int_or_none


@staff_required
@require_http_methods(["GET", "POST"])
def entry_import(request: HttpRequest, pk: int) -> HttpResponse:
    """A group's list from a sheet: upload, then see every row before anything is recorded."""
    campaign = selectors.campaign_get_for_user(user=request.user, pk=pk)
    groups = natural_sorted(groups_for_user(user=request.user).filter(is_active=True).values_list("pk", "name"))
    chosen = int_or_none(request.POST.get("group") or request.GET.get("group")) or (groups[0][0] if groups else None)
    if request.method == "POST":
        try:
            name, content = upload_read(request.FILES.get("file"))
            made = services.entry_import_preview(
                campaign=campaign, group_id=chosen, name=name, content=content, by=request.user
            )
        except ValidationError as error:
            errors_say(request, error)
        else:
            return redirect("campaigns:import_preview", pk=campaign.pk, entry_import=made.pk)
    return render(request, "campaigns/import.html", {"campaign": campaign, "groups": groups, "chosen": chosen})


@staff_required
def entry_import_template(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get_for_user(user=request.user, pk=pk)
    data = services.entry_import_template(
        campaign=campaign, group_id=int_or_none(request.GET.get("group")), by=request.user
    )
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="danh-sach-dong-gop-{campaign.pk}.xlsx"'
    return response


@staff_required
@require_http_methods(["GET", "POST"])
def entry_import_preview(request: HttpRequest, pk: int, entry_import: int) -> HttpResponse:
    campaign = selectors.campaign_get_for_user(user=request.user, pk=pk)
    found = selectors.entry_import_get_for_user(user=request.user, campaign=campaign, pk=entry_import)
    if request.method == "POST":
        try:
            created = services.entry_import_commit(entry_import=found, by=request.user, ip=client_ip(request))
        except ValidationError as error:
            errors_say(request, error)
            return redirect("campaigns:import_preview", pk=campaign.pk, entry_import=found.pk)
        messages.success(request, _("Recorded: %s entries from the sheet.") % vn_number(created))
        return redirect("campaigns:detail", pk=campaign.pk)
    total = sum(row["amount"] for row in found.valid_rows)
    return render(
        request, "campaigns/import_preview.html", {"campaign": campaign, "entry_import": found, "total": total}
    )
