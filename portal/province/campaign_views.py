"""The province's campaigns: its admin starts one over every ward, follows each ward's share and changes one;
a viewer follows them; the public page shows each ward's per cent."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from campaigns import selectors
from campaigns import services as campaigns
from groups.access import province_admin, province_required
from groups.selectors import province_staff_of
from portal.common.web import apply_errors
from portal.province.forms import ProvinceCampaignForm, ShareForm


@province_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    staff = province_staff_of(request.user)
    rows = [
        selectors.province_campaign_progress(campaign=c)
        for c in selectors.province_campaigns(province=staff.province)[:30]
    ]
    return render(request, "province/campaigns.html", {"rows": rows, "staff": staff})


@province_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    staff = province_admin(request)
    form = ProvinceCampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaigns.province_campaign_create(data=form.province_data(), by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The campaign is open in every ward with households declared."))
            return redirect("province_campaign", pk=campaign.pk)
    elif request.method == "GET":
        form = ProvinceCampaignForm(initial={"kind": "fund", "unit": "vnd", "starts_on": timezone.localdate()})
    return render(request, "province/campaign_form.html", {"form": form, "staff": staff})


@province_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    staff = province_staff_of(request.user)
    campaign = selectors.province_campaign_get(province=staff.province, pk=pk)
    progress = selectors.province_campaign_progress(campaign=campaign)
    form = ShareForm(wards=progress.wards) if staff.is_admin else None
    return render(
        request, "province/campaign.html", {"progress": progress, "campaign": campaign, "form": form, "staff": staff}
    )


@province_required
@require_POST
def campaign_share(request: HttpRequest, pk: int) -> HttpResponse:
    """Change one ward's share; the ward keeps how it split it over its groups."""
    staff = province_admin(request)
    campaign = selectors.province_campaign_get(province=staff.province, pk=pk)
    progress = selectors.province_campaign_progress(campaign=campaign)
    form = ShareForm(request.POST, wards=progress.wards)
    if form.is_valid():
        try:
            campaigns.province_share_set(
                campaign=campaign,
                ward_id=form.cleaned_data["ward"],
                target=form.cleaned_data["target"],
                by=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The ward's share is changed."))
            return redirect("province_campaign", pk=campaign.pk)
    return render(
        request, "province/campaign.html", {"progress": progress, "campaign": campaign, "form": form, "staff": staff}
    )


def campaign_public(request: HttpRequest, province_code: str, pk: int) -> HttpResponse:
    """What a resident sees of the province's campaign: its total and each ward's per cent, each ward linking to
    its own public page."""
    campaign = selectors.province_campaign_public(province_code=province_code[:4], pk=pk)
    return render(
        request,
        "province/campaign_public.html",
        {"progress": selectors.province_campaign_progress(campaign=campaign), "campaign": campaign},
    )
