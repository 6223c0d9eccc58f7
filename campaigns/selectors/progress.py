"""Reads for campaigns, each scoped to what the person may see. Progress is read from the running totals (Total
per group, DayTotal per day), never by summing the entries: a page costs the same at ten entries or a million."""

import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from campaigns.models import (
    Campaign,
    DayTotal,
    Entry,
    EntryImport,
    GroupTarget,
    Participation,
    Total,
)
from groups.models import Household, ResidentialGroup, Ward
from groups.selectors import groups_for_user, households_matching, staff_profile_of
from portal.common.numbers import percent_of

# A group with fewer declared households is not ranked: 3 of 4 households is 75 %, which says little beside
# 300 of 400, and a leader of a small group should not be shown at the bottom of a list for it.
RANK_MIN_HOUSEHOLDS = 10


class _Share:
    """Percent of target and the bar's width, for anything with an amount and a target."""

    amount: int
    target: int

    @property
    def percent(self) -> float | None:
        return percent_of(self.amount, self.target)

    @property
    def bar(self) -> float:
        return min(self.percent or 0.0, 100.0)


class _Reach(_Share):
    households: int
    households_total: int

    @property
    def coverage(self) -> float | None:
        return percent_of(self.households, self.households_total)


@dataclass
class GroupProgress(_Reach):
    group_id: int
    name: str
    households_total: int
    target: int
    amount: int
    entries: int
    households: int
    mine: bool = False
    rank: int | None = None


@dataclass
class Progress(_Reach):
    campaign: Campaign
    target: int = 0
    amount: int = 0
    entries: int = 0
    households: int = 0
    households_total: int = 0
    groups: list[GroupProgress] = field(default_factory=list)
    ranked: int = 0
    rank_min: int = RANK_MIN_HOUSEHOLDS


def campaigns_for_user(*, user: Any) -> QuerySet[Campaign]:
    profile = staff_profile_of(user)
    if profile is None:
        return Campaign.objects.none()
    return Campaign.objects.filter(ward_id=profile.ward_id)


def campaign_get_for_user(*, user: Any, pk: int) -> Campaign:
    try:
        return campaigns_for_user(user=user).select_related("ward").get(pk=pk)
    except (Campaign.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def campaign_get_public(*, ward_code: str, pk: int) -> Campaign:
    """A campaign's public page needs no login: any campaign of the ward, named by its ward's code."""
    try:
        return Campaign.objects.select_related("ward").get(pk=pk, ward__code=ward_code)
    except (Campaign.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def campaign_by_id(*, pk: Any) -> Campaign | None:
    """A campaign by its id alone, with its ward, for its public figures (no login); None for no such id."""
    return Campaign.objects.select_related("ward").filter(pk=pk).first()


def campaigns_public(*, ward: Ward) -> QuerySet[Campaign]:
    return Campaign.objects.filter(ward=ward).order_by("-starts_on", "-pk")


def _version_key(campaign_id: int) -> str:
    return f"campaign-progress:{campaign_id}"


def progress_version(campaign_id: int) -> int:
    """A number that changes whenever the campaign's running totals or targets change (campaigns.services bump
    it after each commit): a rendering kept under it is exact until the next entry. A version lost from the
    cache starts again from the clock, never from a number an older rendering may still be kept under."""
    return cache.get_or_set(_version_key(campaign_id), lambda: time.time_ns(), timeout=None)


def progress_changed(campaign_id: int) -> None:
    try:
        cache.incr(_version_key(campaign_id))
    except ValueError:
        cache.set(_version_key(campaign_id), time.time_ns(), timeout=None)


def groups_mine(*, user: Any) -> frozenset[int]:
    """The groups a leader records in (listed first on a campaign's page); none for ward-wide staff."""
    profile = staff_profile_of(user) if user is not None else None
    if profile is None or profile.is_ward_wide:
        return frozenset()
    return frozenset(groups_for_user(user=user).values_list("pk", flat=True))


def campaign_progress(*, campaign: Campaign, user: Any = None, mine: frozenset[int] | None = None) -> Progress:
    """The ward's figures and one row per group (its target, running total, households taking part). Groups the
    person records in come first; the others in ranking order (by % of target), the unranked last."""
    if mine is None:
        mine = groups_mine(user=user)
    # One flat read in SQL: at 2,000 groups, building ORM rows would cost more than the query itself.
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT g.id, g.name, g.households_total, COALESCE(t.target, 0), COALESCE(s.amount, 0),
                   COALESCE(s.entries, 0), COALESCE(s.households, 0)
            FROM (SELECT group_id, target FROM {GroupTarget._meta.db_table} WHERE campaign_id = %s) t
            -- FULL: a group made after the campaign was set up has a running total and no target.
            FULL JOIN (SELECT group_id, amount, entries, households FROM {Total._meta.db_table}
                       WHERE campaign_id = %s) s ON s.group_id = t.group_id
            JOIN {ResidentialGroup._meta.db_table} g ON g.id = COALESCE(t.group_id, s.group_id)
            """,
            [campaign.pk, campaign.pk],
        )
        rows = cursor.fetchall()
    progress = Progress(campaign=campaign, target=campaign.target)
    for group_id, name, households_total, target, amount, entries, households in rows:
        row = GroupProgress(group_id, name, households_total, target, amount, entries, households, group_id in mine)
        progress.groups.append(row)
        progress.amount += amount
        progress.entries += entries
        progress.households += households
        progress.households_total += households_total
    ranked = sorted(
        (g for g in progress.groups if g.households_total >= RANK_MIN_HOUSEHOLDS and g.target > 0),
        key=lambda g: (-(g.amount * 10_000 // g.target), g.name),
    )
    for place, row in enumerate(ranked, start=1):
        row.rank = place
    progress.ranked = len(ranked)
    progress.groups.sort(key=lambda g: (not g.mine, g.rank is None, g.rank or 0, g.name))
    return progress


def campaign_days(*, campaign: Campaign) -> list[DayTotal]:
    return list(DayTotal.objects.filter(campaign=campaign).exclude(entries=0, amount=0).order_by("-day"))


@dataclass
class PublicEntry:
    day: date
    amount: int
    name: str  # the household head's name if the household agreed, else empty ("một hộ dân" on the page)
    group: str


def public_entries(*, campaign: Campaign, limit: int = 30) -> list[PublicEntry]:
    """The latest entries that still count (not corrected), for the transparency page: a name only where the
    household agreed to be named."""
    entries = (
        Entry.objects.filter(campaign=campaign, reverses__isnull=True, reversed_by__isnull=True)
        .select_related("household__head", "group")
        .order_by("-id")[:limit]
    )
    return [
        PublicEntry(
            day=timezone.localdate(entry.recorded_at),
            amount=entry.amount,
            # The household agreed to its name being shown, never its home address: with no head there is no
            # name to show, and the page says "một hộ dân" as for those who did not agree.
            name=entry.household.head.full_name if entry.name_public and entry.household.head else "",
            group=entry.group.name,
        )
        for entry in entries
    ]


def households_find(
    *, user: Any, campaign: Campaign, query: str, limit: int = 20, ids: list[int] | None = None
) -> list[dict[str, Any]]:
    """Households of the groups the person records in, found by address or anyone's name without diacritics
    ("nguyen van a", "12 hem") or by their ids, each with what it has given so far to this campaign."""
    households = Household.objects.filter(group__in=groups_for_user(user=user), group__ward_id=campaign.ward_id)
    if ids is not None:
        households = households.filter(pk__in=ids)
    found = list(households_matching(households, query).prefetch_related("members")[:limit])
    given = dict(
        Participation.objects.filter(campaign=campaign, household__in=[h.pk for h in found]).values_list(
            "household_id", "amount"
        )
    )
    return [
        {
            "id": h.pk,
            "address": h.address,
            "head": h.head.full_name if h.head else "",
            # The others living there, so the phone finds a household by anyone's name, offline too.
            "people": ", ".join(m.full_name for m in h.members.all() if m.pk != h.head_id),
            "group": h.group.name,
            "given": given.get(h.pk, 0),
        }
        for h in found
    ]


def entries_recent(*, user: Any, campaign: Campaign, limit: int | None = 20) -> QuerySet[Entry]:
    """The latest entries in the groups the person records in, with whether each was corrected."""
    return (
        Entry.objects.filter(campaign=campaign, group__in=groups_for_user(user=user))
        .select_related("household", "recorded_by", "reverses")
        .annotate(corrected=Q(reversed_by__isnull=False))
        .order_by("-id")[:limit]
    )


def entry_get_for_user(*, user: Any, campaign: Campaign, pk: int) -> Entry:
    try:
        return (
            Entry.objects.select_related("campaign__ward", "household")
            .filter(campaign=campaign, group__in=groups_for_user(user=user))
            .get(pk=pk)
        )
    except (Entry.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def entry_import_get_for_user(*, user: Any, campaign: Campaign, pk: int) -> EntryImport:
    try:
        return EntryImport.objects.select_related("campaign__ward", "group").get(
            pk=pk, campaign=campaign, group__in=groups_for_user(user=user)
        )
    except (EntryImport.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def entries_for_audit(*, campaign: Campaign, group_id: int | None = None) -> QuerySet[Entry]:
    """Every entry with who, when and from where (the admin's audit view), newest first."""
    entries = Entry.objects.filter(campaign=campaign)
    if group_id:
        entries = entries.filter(group_id=group_id)
    return entries.select_related("household", "group", "recorded_by", "reverses").order_by("-id")


@dataclass
class LiveCampaign(_Share):
    campaign: Campaign
    amount: int
    today: int
    target: int
    last_day: bool = False
    days_left: int = 0  # after today


def _ward_sums(campaign_ids: list[int]) -> dict[int, int]:
    """Each campaign's ward-wide total, from its day totals (one row a day, not the entries)."""
    return dict(
        DayTotal.objects.filter(campaign_id__in=campaign_ids)
        .values("campaign_id")
        .annotate(s=Sum("amount"))
        .values_list("campaign_id", "s")
    )


def _running(ward_id: int, today: date) -> list[Campaign]:
    return list(
        Campaign.objects.filter(
            ward_id=ward_id, status=Campaign.Status.OPEN, starts_on__lte=today, ends_on__gte=today
        ).order_by("ends_on", "pk")[:50]
    )


def campaigns_running_public(*, ward_id: int, today: date | None = None) -> list[LiveCampaign]:
    """The ward's campaigns running today as its public page shows them: the ward's figure against its target
    and the days left. Two queries."""
    today = today or timezone.localdate()
    campaigns = _running(ward_id, today)
    sums = _ward_sums([c.pk for c in campaigns])
    return [
        LiveCampaign(c, sums.get(c.pk) or 0, 0, c.target, c.ends_on == today, (c.ends_on - today).days)
        for c in campaigns
    ]


def campaigns_live(*, user: Any, today: date | None = None) -> list[LiveCampaign]:
    """The ward's open campaigns running today, with the figure each person answers for: the ward's for ward
    staff, their own groups' for a leader. Two queries, whatever the number of entries."""
    profile = staff_profile_of(user)
    if profile is None:
        return []
    today = today or timezone.localdate()
    campaigns = _running(profile.ward_id, today)
    if not campaigns:
        return []
    ids = [c.pk for c in campaigns]
    if profile.is_ward_wide:
        sums = _ward_sums(ids)
        targets = {c.pk: c.target for c in campaigns}
    else:
        groups = groups_for_user(user=user).values("pk")
        sums = dict(
            Total.objects.filter(campaign_id__in=ids, group__in=groups)
            .values("campaign_id")
            .annotate(s=Sum("amount"))
            .values_list("campaign_id", "s")
        )
        targets = dict(
            GroupTarget.objects.filter(campaign_id__in=ids, group__in=groups)
            .values("campaign_id")
            .annotate(s=Sum("target"))
            .values_list("campaign_id", "s")
        )
    days = dict(DayTotal.objects.filter(campaign_id__in=ids, day=today).values_list("campaign_id", "amount"))
    return [
        LiveCampaign(
            c,
            sums.get(c.pk) or 0,
            days.get(c.pk, 0) if profile.is_ward_wide else 0,
            targets.get(c.pk, 0),
            c.ends_on == today,
            (c.ends_on - today).days,
        )
        for c in campaigns
    ]


def group_targets(*, campaign: Campaign) -> list[tuple[int, str, int]]:
    """(group id, name, target) of each group the campaign is split between, by name."""
    return list(
        GroupTarget.objects.filter(campaign=campaign)
        .order_by("group__name")
        .values_list("group_id", "group__name", "target")
    )
