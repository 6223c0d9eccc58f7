"""What a resident sees of a campaign without signing in: its page, its chart and its Atom feed."""

from datetime import datetime, time
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from campaigns import selectors
from campaigns.about_views import about_context
from campaigns.models import Campaign
from campaigns.views import chart_response, entry_label, progress_page
from portal.common.numbers import vn_number, vn_percent
from portal.common.text import clean_text


def public_campaign(request: HttpRequest, ward_code: str, pk: int) -> HttpResponse:
    """Công khai quỹ: what was collected, per group and per day; a contributor's name only where the household
    agreed to be named."""
    campaign = selectors.campaign_get_public(ward_code=ward_code, pk=pk)
    progress, rows = progress_page(campaign)
    return render(
        request,
        "campaigns/public.html",
        {
            "campaign": campaign,
            "progress": progress,
            "rows": rows,
            "days": selectors.campaign_days(campaign=campaign)[:60],
            "entries": selectors.public_entries(campaign=campaign),
            **about_context(campaign),
        },
    )


def public_chart(request: HttpRequest, ward_code: str, pk: int) -> HttpResponse:
    return chart_response(selectors.campaign_get_public(ward_code=ward_code, pk=pk))


def _committee(campaign: Campaign) -> str:
    return clean_text(_("Fatherland Front Committee of %(ward)s") % {"ward": campaign.ward.name})


def _tag(campaign: Campaign) -> str:
    """The campaign's tag: URI, minted from the portal's public host and the year the campaign was made."""

    host = urlsplit(settings.PUBLIC_BASE_URL).hostname or "localhost"
    return f"tag:{host},{campaign.created_at:%Y}:campaign/{campaign.pk}"


class CampaignAtomFeed(Feed):
    """A campaign's running totals by day, as Atom: one item per day something was recorded."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, ward_code: str, pk: int) -> Campaign:  # type: ignore[override]
        return selectors.campaign_get_public(ward_code=ward_code, pk=pk)

    def title(self, obj: Campaign) -> str:
        return clean_text(f"{obj.name} — {obj.ward.name}")

    def link(self, obj: Campaign) -> str:
        return reverse("campaigns:public", kwargs={"ward_code": obj.ward.code, "pk": obj.pk})

    def subtitle(self, obj: Campaign) -> str:
        progress = selectors.campaign_progress(campaign=obj)
        return _("%(amount)s of %(target)s (%(percent)s)") % {
            "amount": entry_label(obj, progress.amount),
            "target": entry_label(obj, progress.target),
            "percent": vn_percent(progress.percent),
        }

    def items(self, obj: Campaign) -> list[Any]:
        return [(obj, day) for day in selectors.campaign_days(campaign=obj)[:60]]

    def item_title(self, item: Any) -> str:
        campaign, day = item
        return _("%(day)s: %(amount)s") % {
            "day": day.day.strftime("%d/%m/%Y"),
            "amount": entry_label(campaign, day.amount),
        }

    def item_description(self, item: Any) -> str:
        _campaign, day = item
        return _("%(count)s entries recorded that day (corrections included).") % {"count": vn_number(day.entries)}

    def item_link(self, item: Any) -> str:
        campaign, day = item
        return self.link(campaign) + f"#day-{day.day.isoformat()}"

    def item_guid(self, item: Any) -> str:
        # A tag: URI (RFC 4151), the same for a day however many entries it gets: a reader shows one item per day,
        # updated as the day's total moves, not a new item for each contribution.
        campaign, day = item
        return f"{_tag(campaign)}/day/{day.day.isoformat()}"

    def item_guid_is_permalink(self, item: Any) -> bool:
        return False

    def feed_guid(self, obj: Campaign) -> str:
        return _tag(obj)

    def author_name(self, obj: Campaign) -> str:
        return _committee(obj)

    def item_author_name(self, item: Any) -> str:
        return _committee(item[0])

    def item_updateddate(self, item: Any) -> Any:
        if item[1].updated_at is not None:
            return item[1].updated_at
        return timezone.make_aware(datetime.combine(item[1].day, time.min))
