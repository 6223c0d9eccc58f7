"""Reads of a province's campaigns: its own only, and their progress from each ward's group totals (one row a
group), so a province of a hundred wards costs the same at ten entries or a million."""

from dataclasses import dataclass, field

from django.db.models import Sum
from django.http import Http404

from campaigns.models import Campaign, ProvinceCampaign, Total
from groups.models import Province
from portal.common.numbers import percent_of


def province_campaigns(*, province: Province):  # noqa: ANN201 - a QuerySet
    return ProvinceCampaign.objects.filter(province=province)


def province_campaign_get(*, province: Province, pk: int) -> ProvinceCampaign:
    """One of the province's campaigns; another province's is not found, as if it did not exist."""
    campaign = ProvinceCampaign.objects.filter(province=province, pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


def province_campaign_public(*, province_code: str, pk: int) -> ProvinceCampaign:
    campaign = ProvinceCampaign.objects.filter(province__code=province_code, pk=pk).select_related("province").first()
    if campaign is None:
        raise Http404
    return campaign


@dataclass
class WardShare:
    ward_id: int
    code: str
    name: str
    part_id: int
    target: int
    amount: int = 0
    households: int = 0

    @property
    def percent(self) -> float | None:
        return percent_of(self.amount, self.target)

    @property
    def bar(self) -> float:
        return min(self.percent or 0.0, 100.0)


@dataclass
class ProvinceProgress:
    campaign: ProvinceCampaign
    wards: list[WardShare] = field(default_factory=list)

    @property
    def amount(self) -> int:
        return sum(w.amount for w in self.wards)

    @property
    def households(self) -> int:
        return sum(w.households for w in self.wards)

    @property
    def percent(self) -> float | None:
        return percent_of(self.amount, self.campaign.target)

    @property
    def bar(self) -> float:
        return min(self.percent or 0.0, 100.0)


def province_campaign_progress(*, campaign: ProvinceCampaign) -> ProvinceProgress:
    """Group → ward → province: each ward's share with the sum of its groups' totals, worst first."""
    parts = list(
        Campaign.objects.filter(province_campaign=campaign).values_list(
            "pk", "ward_id", "ward__code", "ward__name", "target"
        )
    )
    sums = {
        row["campaign_id"]: row
        for row in Total.objects.filter(campaign_id__in=[p[0] for p in parts])
        .values("campaign_id")
        .annotate(amount=Sum("amount"), households=Sum("households"))
    }
    wards = []
    for pk, ward_id, code, name, target in parts:
        row = sums.get(pk, {})
        wards.append(WardShare(ward_id, code, name, pk, target, row.get("amount") or 0, row.get("households") or 0))
    wards.sort(key=lambda w: (w.percent if w.percent is not None else 0.0, w.name))
    return ProvinceProgress(campaign, wards)
