"""Campaign pages: thin views over campaigns.selectors (reads, scoped to the person) and campaigns.services
(writes). The recording page answers JSON to its own script, which keeps entries in the phone until they land."""

import hashlib
import secrets
from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from announcements.selectors import announcements_for_user
from campaigns import selectors, services
from campaigns.charts import progress_chart_png
from campaigns.forms import CampaignForm, EntryForm, ReverseForm, TargetsForm
from campaigns.models import Campaign
from campaigns.templatetags.campaign_rows import group_rows
from groups.access import staff_required, ward_admin_profile
from groups.selectors import groups_for_user, is_ward_admin
from portal.common.audit import client_ip
from portal.common.numbers import vn_number
from portal.common.text import clean_text
from portal.common.web import apply_errors, errors_say, int_or_none


def progress_page(campaign: Campaign, user: Any = None) -> tuple[Any, SafeString]:
    """The ward's figures and the groups' lines for a campaign's page. Kept in the cache under the campaign's
    progress version, which every entry, correction and change of targets moves: a page read between two
    entries costs one cache read instead of 2,000 rows, and is never staler than the last entry committed.
    (A renamed group shows its new name within five minutes.)"""
    mine = selectors.groups_mine(user=user)
    key = "campaign-rows:{}:{}:{}:{}".format(
        campaign.pk,
        selectors.progress_version(campaign.pk),
        get_language(),
        hashlib.sha1(",".join(map(str, sorted(mine))).encode()).hexdigest()[:12],  # a cache key
    )
    cached = cache.get(key)
    if cached is None:
        progress = selectors.campaign_progress(campaign=campaign, mine=mine)
        cached = (replace(progress, groups=[]), str(group_rows(progress, campaign.unit_name)))
        cache.set(key, cached, timeout=300)
    summary, rows = cached
    summary.campaign = campaign
    return summary, mark_safe(rows)  # written by group_rows, every value escaped


def _new_key() -> str:
    return secrets.token_urlsafe(16)


@staff_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    live = {item.campaign.pk: item for item in selectors.campaigns_live(user=request.user)}
    campaigns = selectors.campaigns_for_user(user=request.user).order_by("-starts_on", "-pk")[:200]
    rows = [(campaign, live.get(campaign.pk)) for campaign in campaigns]
    return render(request, "campaigns/list.html", {"rows": rows, "may_create": is_ward_admin(user=request.user)})


@staff_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    profile = ward_admin_profile(request, _("Only a ward admin can start a campaign."))
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(ward=profile.ward, data=form.campaign_data(), by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The campaign is open. Group leaders can record entries now."))
            return redirect("campaigns:detail", pk=campaign.pk)
    elif request.method == "GET":
        today = timezone.localdate()
        form = CampaignForm(initial={"kind": "fund", "unit": "vnd", "starts_on": today})
    return render(request, "campaigns/form.html", {"form": form})


@staff_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get_for_user(user=request.user, pk=pk)
    progress, rows = progress_page(campaign, request.user)
    is_admin = is_ward_admin(user=request.user, ward=campaign.ward)
    return render(
        request,
        "campaigns/detail.html",
        {
            "campaign": campaign,
            "progress": progress,
            "rows": rows,
            "may_record": campaign.status == Campaign.Status.OPEN and groups_for_user(user=request.user).exists(),
            "is_admin": is_admin,
            "may_announce": services.may_announce_results(request.user, campaign.ward_id),
            "linked": campaign.announcements.order_by("-pk"),
            # Only admins link announcements: nobody else pays for the query.
            "linkable": announcements_for_user(user=request.user).exclude(campaigns=campaign).order_by("-pk")[:30]
            if is_admin
            else [],
        },
    )


def _entry_json(entry: Any, created: bool) -> dict[str, Any]:
    return {
        "ok": True,
        "created": created,
        "entry": {"id": entry.pk, "household": entry.household_id, "amount": entry.amount},
    }


@staff_required
@require_http_methods(["GET", "POST"])
def entry_record(request: HttpRequest, pk: int) -> HttpResponse:
    """The leader's phone form. Its script sends each entry as JSON and keeps it in the phone until the answer
    comes; without the script, the same form posts and comes back here."""
    campaign = selectors.campaign_get_for_user(user=request.user, pk=pk)
    wants_json = "application/json" in request.headers.get("Accept", "")
    if request.method == "POST":
        form = EntryForm(request.POST)
        errors: Any = None
        if form.is_valid():
            try:
                entry, created = services.entry_record(
                    campaign=campaign, data=form.entry_data(), by=request.user, ip=client_ip(request)
                )
            except ValidationError as error:
                apply_errors(form, error)
                errors = form.errors.get_json_data()
            except PermissionDenied:
                message = _("You can record only for households of your own groups.")
                if wants_json:
                    return JsonResponse({"ok": False, "errors": {"household": [{"message": message}]}}, status=403)
                raise PermissionDenied(message) from None
            else:
                if wants_json:
                    return JsonResponse(_entry_json(entry, created), status=201 if created else 200)
                messages.success(request, _("Recorded: %s.") % entry_label(campaign, entry.amount))
                return redirect("campaigns:record", pk=campaign.pk)
        else:
            errors = form.errors.get_json_data()
        if wants_json:
            return JsonResponse({"ok": False, "errors": errors}, status=400)
    else:
        form = EntryForm(initial={"key": _new_key(), "method": "cash"})
    query = clean_text(request.GET.get("q", ""))[:100]
    found = selectors.households_find(user=request.user, campaign=campaign, query=query) if query else []
    chosen = int_or_none(form.data.get("household")) if form.is_bound else None
    if chosen and all(h["id"] != chosen for h in found):  # after an error, the household chosen is still there
        found = selectors.households_find(user=request.user, campaign=campaign, query="", ids=[chosen]) + found
    return render(
        request,
        "campaigns/record.html",
        {
            "campaign": campaign,
            "form": form,
            "query": query,
            "found": found,
            "recent": selectors.entries_recent(user=request.user, campaign=campaign),
        },
    )


def entry_label(campaign: Campaign, amount: int) -> str:
    return f"{vn_number(amount)} {campaign.unit_name}"


@staff_required
def households(request: HttpRequest, pk: int) -> HttpResponse:
    """Households the person records for, found without diacritics; `all=1` gives the whole list (up to a
    limit) so the phone can search it with no connection."""
    campaign = selectors.campaign_get_for_user(user=request.user, pk=pk)
    if request.GET.get("all"):
        limit = 3000
        found = selectors.households_find(user=request.user, campaign=campaign, query="", limit=limit + 1)
        return JsonResponse({"results": found[:limit], "complete": len(found) <= limit})
    query = clean_text(request.GET.get("q", ""))[:100]
    return JsonResponse(
        {"results": selectors.households_find(user=request.user, campaign=campaign, query=query), "complete": False}
    )


@staff_required
@require_http_methods(["GET", "POST"])
def entry_reverse(request: HttpRequest, pk: int, entry: int) -> HttpResponse:
    campaign = selectors.campaign_get_for_user(user=request.user, pk=pk)
    original = selectors.entry_get_for_user(user=request.user, campaign=campaign, pk=entry)
    form = ReverseForm(request.POST or None, initial={"key": _new_key()})
    if request.method == "POST" and form.is_valid():
        try:
            _reversal, again = services.entry_correct(
                entry=original,
                by=request.user,
                reason=form.cleaned_data["reason"],
                amount=form.cleaned_data["amount"],
                key=form.cleaned_data["key"],
                ip=client_ip(request),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if again is None:
                messages.success(request, _("The entry is corrected: it no longer counts."))
            else:
                messages.success(
                    request,
                    _("Corrected: %(amount)s is now recorded for this household.")
                    % {"amount": entry_label(campaign, again.amount)},
                )
            return redirect("campaigns:record", pk=campaign.pk)
    return render(request, "campaigns/reverse.html", {"campaign": campaign, "entry": original, "form": form})


@staff_required
def entry_audit(request: HttpRequest, pk: int) -> HttpResponse:
    """Every entry with who recorded it, when and from where: ward admins only, and their reading is recorded."""
    ward_admin_profile(request, _("Only a ward admin can see who recorded each entry."))
    campaign = selectors.campaign_get_for_user(user=request.user, pk=pk)
    group_id = int_or_none(request.GET.get("group"))
    page = Paginator(selectors.entries_for_audit(campaign=campaign, group_id=group_id), 50).get_page(
        request.GET.get("page")
    )
    services.entries_viewed(
        user=request.user,
        campaign=campaign,
        what=f"entries page {page.number}" + (f" group {group_id}" if group_id else ""),
        ip=client_ip(request),
    )
    groups = [(pk, name) for pk, name, _target in selectors.group_targets(campaign=campaign)]
    return render(
        request, "campaigns/audit.html", {"campaign": campaign, "page": page, "groups": groups, "group_id": group_id}
    )


@staff_required
@require_http_methods(["GET", "POST"])
def campaign_targets(request: HttpRequest, pk: int) -> HttpResponse:
    ward_admin_profile(request, _("Only a ward admin can change the targets."))
    campaign = selectors.campaign_get_for_user(user=request.user, pk=pk)
    groups = selectors.group_targets(campaign=campaign)
    form = TargetsForm(request.POST or None, groups=groups)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_targets_set(campaign=campaign, targets=form.targets(), by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The groups' targets are saved."))
            return redirect("campaigns:detail", pk=campaign.pk)
    shares = sum(target for _pk, _name, target in groups)
    return render(request, "campaigns/targets.html", {"campaign": campaign, "form": form, "shares": shares})


@staff_required
@require_http_methods(["GET", "POST"])
def campaign_close(request: HttpRequest, pk: int) -> HttpResponse:
    ward_admin_profile(request, _("Only a ward admin can close a campaign."))
    campaign = selectors.campaign_get_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        try:
            services.campaign_close(campaign=campaign, by=request.user)
        except ValidationError as error:
            errors_say(request, error)
        else:
            messages.success(request, _("The campaign is closed: no more entries can be recorded."))
        return redirect("campaigns:detail", pk=campaign.pk)
    return render(request, "campaigns/close.html", {"campaign": campaign})


@staff_required
@require_http_methods(["GET", "POST"])
def campaign_results(request: HttpRequest, pk: int) -> HttpResponse:
    """One click composes the results announcement (figures and chart); it opens as a draft, to be checked and
    sent for approval like any other."""
    campaign = selectors.campaign_get_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        announcement = services.campaign_results_draft(campaign=campaign, by=request.user)
        messages.success(
            request, _("The results announcement is ready as a draft: check it, then send it for approval.")
        )
        return redirect("announcements:edit", pk=announcement.pk)
    if not services.may_announce_results(request.user, campaign.ward_id):
        raise PermissionDenied(_("Only ward staff can announce a campaign's results."))
    title, body = services.results_text(campaign)
    linked = campaign.announcements.order_by("-pk")
    channels = services.results_channels(campaign)
    return render(
        request,
        "campaigns/results.html",
        {"campaign": campaign, "title": title, "body": body, "channels": channels, "linked": linked},
    )


@staff_required
@require_http_methods(["POST"])
def campaign_link(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get_for_user(user=request.user, pk=pk)
    announcement = (
        announcements_for_user(user=request.user).filter(pk=int_or_none(request.POST.get("announcement"))).first()
    )
    if announcement is None:
        messages.error(request, _("Please choose an announcement of this ward."))
    else:
        try:
            services.campaign_announcement_link(campaign=campaign, announcement=announcement, by=request.user)
        except ValidationError as error:
            errors_say(request, error)
        else:
            messages.success(request, _("The announcement is linked to the campaign."))
    return redirect("campaigns:detail", pk=campaign.pk)


@staff_required
def campaign_chart(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get_for_user(user=request.user, pk=pk)
    return chart_response(campaign)


def chart_response(campaign: Campaign) -> HttpResponse:
    response = HttpResponse(
        progress_chart_png(selectors.campaign_progress(campaign=campaign)), content_type="image/png"
    )
    response["Cache-Control"] = "max-age=60"
    return response
