"""What residents read about a campaign (its purpose, how to take part, the fund's bank account as a VietQR code):
set by a ward admin here, shown on the public page. Thin: rules in campaigns.services.about."""

from typing import Any

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from campaigns import selectors, services
from campaigns.forms import AboutForm
from campaigns.models import Campaign
from groups.access import staff_required
from groups.selectors import is_ward_admin
from portal.common.web import apply_errors


@staff_required
@require_http_methods(["GET", "POST"])
def campaign_about(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get_for_user(user=request.user, pk=pk)
    if not is_ward_admin(user=request.user, ward=campaign.ward):
        raise PermissionDenied(_("Only a ward admin can change what residents read about a campaign."))
    initial = {name: getattr(campaign, name) for name in services.about.FIELDS}
    form = AboutForm(request.POST or None, initial=initial, banks=services.banks())
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_about_set(
                campaign=campaign, data=services.CampaignAbout(**form.cleaned_data), by=request.user
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Saved: residents read it on the campaign's public page."))
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(request, "campaigns/about.html", {"campaign": campaign, "form": form})


def about_context(campaign: Campaign) -> dict[str, Any]:
    """For the public page: the VietQR code of the fund's account (an SVG drawn here, no image service) and the
    bank's name."""
    payload = services.vietqr_payload(campaign)
    if not payload:
        return {}
    svg = segno.make(payload, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff")
    bank = dict(services.banks()).get(campaign.bank_bin, "")
    return {"vietqr_svg": mark_safe(svg), "bank_name": bank}  # segno's own SVG of our payload
