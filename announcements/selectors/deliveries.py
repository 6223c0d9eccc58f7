"""The numbers of a fan-out and who it reached: counts by status and channel, reach (by a channel, told in
person, on the loudspeaker), what failed and why, what waits, and the households a leader tells in person."""

from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Min, OuterRef, QuerySet, Subquery, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from announcements.models import (
    SKIP_REASONS,
    Announcement,
    AnnouncementReach,
    Delivery,
    DeliveryBatch,
    InPersonReach,
    PersonalMessage,
    Response,
)
from announcements.selectors.base import announcements_for_user
from channels.base import RETRY_LATER
from channels.registry import failure_causes as failure_causes_known
from groups.models import Household, Member, Membership, StaffProfile
from groups.selectors import groups_for_user, households_matching, staff_profile_of
from portal.common.numbers import percent_of


@dataclass
class DeliveryStats:
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_channel: dict[str, dict[str, int]] = field(default_factory=dict)
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    reached_households: int = 0  # by a channel
    told_households: int = 0  # in person, not also reached by a channel
    loudspeaker_households: int = 0  # by the loudspeaker, not also reached by a channel
    audience_households: int = 0
    confirmations: int = 0
    rsvp: dict[str, int] = field(default_factory=dict)
    poll: dict[str, int] = field(default_factory=dict)

    @property
    def reach_total(self) -> int:
        """Households reached at all: by a channel, plus those only told in person or by the loudspeaker."""
        return self.reached_households + self.told_households + self.loudspeaker_households

    @property
    def reach_percent(self) -> float:
        return 100.0 * self.reach_total / self.audience_households if self.audience_households else 0.0

    @property
    def done(self) -> bool:
        return not self.by_status.get("open", 0)

    @property
    def skipped_words(self) -> list[tuple[str, int]]:
        """The skip reasons as a reader says them (the API keeps the codes)."""
        return [(str(SKIP_REASONS.get(code, code)), n) for code, n in self.skipped_reasons.items()]


def _zero_counts() -> dict[str, int]:
    """Every status, plus "sending" (queued, in a batch a worker holds now), "open" (queued) and "out" (sent or
    delivered), at zero."""
    return dict.fromkeys([*Delivery.Status.values, "sending", "open", "out"], 0)


def _being_sent(announcement: Announcement) -> dict[str, int]:
    """Per channel, the queued deliveries in the batches workers hold now (a few at a time)."""

    held = DeliveryBatch.objects.filter(announcement=announcement, done=False, lease_until__gt=timezone.now())
    found: dict[str, int] = {}
    for batch in held:
        found[batch.kind] = found.get(batch.kind, 0) + batch.deliveries().filter(status=Delivery.Status.QUEUED).count()
    return found


def unmade_people(batches: QuerySet[DeliveryBatch]) -> dict[str, int]:
    """Per channel, the people of batches still carrying them instead of their delivery rows."""
    rows = batches.filter(members_count__gt=0).values("kind").annotate(n=Sum("members_count"))
    return {row["kind"]: row["n"] for row in rows}


def unmade_people_waiting(batches: QuerySet[DeliveryBatch], now: Any) -> list[dict[str, Any]]:
    """Per channel, the people of such batches held back until later (quiet hours, a paused channel): kind, n,
    until."""
    held = batches.filter(members_count__gt=0, not_before__gt=now)
    return list(held.values("kind").annotate(n=Sum("members_count"), until=Min("not_before")))


def personal_messages_about(topics: list[str]) -> QuerySet[PersonalMessage]:
    """The personal messages filed under these topics (announcements.services.personal), with their deliveries,
    oldest first."""
    return PersonalMessage.objects.filter(topic__in=topics).select_related("delivery").order_by("created_at", "id")


def personal_messages_listed(deliveries: QuerySet[Delivery], limit: int = 200) -> QuerySet[PersonalMessage]:
    """The personal messages of these deliveries, newest first, each with its delivery."""
    return (
        PersonalMessage.objects.filter(delivery__in=deliveries)
        .select_related("delivery")
        .order_by("-created_at", "-id")[:limit]
    )


def counts_by_status(deliveries: QuerySet[Delivery]) -> dict[str, int]:
    return {row["status"]: row["n"] for row in deliveries.values("status").annotate(n=Count("id"))}


def answers_of(*, announcement_id: int, member_id: int | None) -> dict[str, str]:
    """What one person answered to an announcement, by kind of answer (confirm, rsvp, poll)."""
    rows = Response.objects.filter(announcement_id=announcement_id, member_id=member_id)
    return {row.kind: row.value for row in rows}


def rsvp_counts(*, announcement_id: int) -> dict[str, int]:
    """How many answered each RSVP choice (yes, no, maybe) to a meeting's invitation."""
    rows = Response.objects.filter(announcement_id=announcement_id, kind=Response.Kind.RSVP)
    return dict(rows.values("value").annotate(n=Count("id")).values_list("value", "n"))


def people_not_listed_yet(*, user: Any, announcement: Announcement) -> int:
    """How many people of a large audience wait for their message without a row yet (their batch is made when it
    goes), for ward staff who see every person; a group leader's list is of their groups only, this count is not."""
    profile = staff_profile_of(user)
    if profile is None or profile.role == StaffProfile.Role.GROUP_LEADER:
        return 0
    return sum(unmade_people(DeliveryBatch.objects.filter(announcement=announcement)).values())


@dataclass
class Reach:
    """Households reached: by a channel, and apart from those, told in person or by the loudspeaker."""

    announcement: Announcement
    by_channel: int = 0
    told: int = 0
    loudspeaker: int = 0

    @property
    def total(self) -> int:
        return self.by_channel + self.told + self.loudspeaker

    @property
    def percent(self) -> float | None:
        return percent_of(self.total, self.announcement.audience_households)


def reach_of(announcement: Announcement) -> Reach:
    if announcement.deliveries_removed_on:
        # Its deliveries are gone (retention): the reach kept when they were removed is all there is.
        kept = AnnouncementReach.objects.filter(announcement=announcement).first()
        if kept is not None:
            return Reach(announcement, kept.by_channel, kept.told, kept.loudspeaker)
    reach = Reach(announcement)
    # Each reached person's household looked up by the member's key, row by row: a join lets the planner read all
    # five million members of a province when it misjudges how many rows an announcement has (as it does on a
    # month's partition still filling), 0.8 s where this takes 0.07 s.
    home = Subquery(Member.objects.filter(pk=OuterRef("member_id")).order_by().values("household_id")[:1])
    reached = Delivery.objects.filter(
        announcement=announcement, status__in=[Delivery.Status.SENT, Delivery.Status.DELIVERED], member__isnull=False
    ).annotate(home=home)
    reach.by_channel = reached.aggregate(n=Count("home", distinct=True))["n"]
    by_channel = reached.filter(home__isnull=False).values("home")
    in_person = InPersonReach.objects.filter(announcement=announcement).exclude(household__in=by_channel)
    for row in in_person.values("how").annotate(n=Count("id")):
        if row["how"] == InPersonReach.How.TOLD:
            reach.told = row["n"]
        else:
            reach.loudspeaker = row["n"]
    return reach


def recent_reach(*, user: Any, since: Any, limit: int = 3) -> list[Reach]:
    """The reach of the person's latest announcements that went out, for "Hôm nay". A finished one is kept in
    the cache a few minutes: counting a large audience's households is not for every refresh of the page."""

    found = []
    for announcement in (
        announcements_for_user(user=user)
        .filter(status__in=[Announcement.Status.SENDING, Announcement.Status.SENT], send_started_at__gte=since)
        .order_by("-send_started_at")[:limit]
    ):
        key = f"reach:{announcement.pk}:{announcement.status}"
        cached = cache.get(key) if announcement.status == Announcement.Status.SENT else None
        if cached is None:
            reach = reach_of(announcement)
            cached = (reach.by_channel, reach.told, reach.loudspeaker)
            if announcement.status == Announcement.Status.SENT:
                cache.set(key, cached, timeout=120)
        found.append(Reach(announcement, *cached))
    return found


def tally_of(deliveries: QuerySet[Delivery]) -> dict[str, dict[str, dict[str, int]] | dict[str, int]]:
    """Deliveries counted by channel ("" for nobody's) and status, and the skipped ones by reason: what an
    announcement keeps of them when the retention period removes them (AnnouncementReach.tally)."""
    channels: dict[str, dict[str, int]] = {}
    for row in deliveries.values("kind", "status").annotate(n=Count("id")).order_by():
        channels.setdefault(row["kind"], {})[row["status"]] = row["n"]
    skipped = deliveries.filter(status=Delivery.Status.SKIPPED).values("reason").annotate(n=Count("id")).order_by()
    return {"channels": channels, "skipped": {row["reason"]: row["n"] for row in skipped}}


def tally_summed(announcements: QuerySet[Announcement]) -> dict[str, Any]:
    """The tally of these announcements together: counted from their deliveries, with the tallies kept for
    those whose deliveries the retention period removed."""
    live = Delivery.objects.filter(announcement__in=announcements.filter(deliveries_removed_on__isnull=True))
    summed = tally_of(live)
    kept = AnnouncementReach.objects.filter(announcement__in=announcements.filter(deliveries_removed_on__isnull=False))
    for tally in kept.values_list("tally", flat=True):
        for kind, statuses in tally.get("channels", {}).items():
            channel = summed["channels"].setdefault(kind, {})
            for status, n in statuses.items():
                channel[status] = channel.get(status, 0) + n
        for reason, n in tally.get("skipped", {}).items():
            summed["skipped"][reason] = summed["skipped"].get(reason, 0) + n
    return summed


def delivery_stats(announcement: Announcement) -> DeliveryStats:
    stats = DeliveryStats(audience_households=announcement.audience_households)
    stats.by_status = _zero_counts()
    tally = tally_summed(Announcement.objects.filter(pk=announcement.pk))
    for kind, status, n in ((k, st, n) for k, by in tally["channels"].items() for st, n in by.items()):
        stats.total += n
        channel = stats.by_channel.setdefault(kind or "none", _zero_counts())
        for counts in (stats.by_status, channel):
            counts[status] += n
            if status == Delivery.Status.QUEUED:
                counts["open"] += n
            if status in {Delivery.Status.SENT, Delivery.Status.DELIVERED}:
                counts["out"] += n
    # A large audience's people whose rows are not made yet (their batch not yet claimed) wait all the same.
    for kind, n in unmade_people(DeliveryBatch.objects.filter(announcement=announcement)).items():
        stats.total += n
        for counts in (stats.by_status, stats.by_channel.setdefault(kind, _zero_counts())):
            counts["queued"] += n
            counts["open"] += n
    for kind, n in _being_sent(announcement).items():
        for counts in (stats.by_status, stats.by_channel.setdefault(kind, _zero_counts())):
            counts["queued"] -= n
            counts["sending"] += n
    stats.skipped_reasons.update(tally["skipped"])
    reach = reach_of(announcement)
    stats.reached_households, stats.told_households, stats.loudspeaker_households = (
        reach.by_channel,
        reach.told,
        reach.loudspeaker,
    )
    responses = Response.objects.filter(announcement=announcement)
    stats.confirmations = responses.filter(kind=Response.Kind.CONFIRM).count()
    for row in responses.filter(kind=Response.Kind.RSVP).values("value").annotate(n=Count("id")):
        stats.rsvp[row["value"]] = row["n"]
    for option in announcement.poll_options:
        stats.poll[option] = 0
    for row in responses.filter(kind=Response.Kind.POLL).values("value").annotate(n=Count("id")):
        stats.poll[row["value"]] = row["n"]
    return stats


def failed_deliveries(announcement: Announcement, limit: int = 50) -> QuerySet[Delivery]:
    return (
        Delivery.objects.filter(announcement=announcement, status=Delivery.Status.FAILED)
        .select_related("member", "outlet")
        .order_by("id")[:limit]
    )


def recipients_for_user(*, user: Any, announcement: Announcement, status: str = "") -> QuerySet[Delivery]:
    """Each person an announcement went to, with what became of it and what they answered, in the order it went
    out. A group leader sees the people of their own groups only, even of a notice to the whole ward."""

    rows = Delivery.objects.filter(announcement=announcement, member__isnull=False)
    if status in Delivery.Status.values:
        rows = rows.filter(status=status)
    profile = staff_profile_of(user)
    if profile is None or not profile.is_ward_wide:
        rows = rows.filter(
            member_id__in=Membership.objects.filter(group__in=groups_for_user(user=user)).values("member_id")
        )
    answers = Response.objects.filter(announcement=announcement, member_id=OuterRef("member_id")).order_by("-id")
    return (
        rows.select_related("member")
        .annotate(answer_kind=Subquery(answers.values("kind")[:1]), answer=Subquery(answers.values("value")[:1]))
        .order_by("id")
    )


def delivery_for_reader(*, delivery_id: int) -> Delivery:
    delivery = Delivery.objects.select_related("announcement", "member").filter(pk=delivery_id).first()
    if delivery is None or delivery.announcement is None:  # a personal message has no reader page
        raise Http404
    if delivery.announcement.status not in {Announcement.Status.SENDING, Announcement.Status.SENT}:
        raise Http404
    return delivery


# What a failure's reason means for a ward officer, and what to do about it: each adapter knows its provider's
# codes (channels.base.failure_causes gathers them).
FAILURE_CAUSES = failure_causes_known()


@dataclass
class FailureCause:
    cause: Any
    advice: Any
    kind: str
    count: int


def cause_in_words(reason: str) -> str:
    """A provider's or the fan-out's reason as staff read it (no setting names, no error codes), or the reason
    itself when no cause is known for it."""
    return next((str(cause) for pattern, cause, _advice in FAILURE_CAUSES if pattern in (reason or "")), reason)


def failure_causes(announcement: Announcement) -> list[FailureCause]:
    """Failures grouped by cause and channel, most first: one line per cause, not one per person."""
    grouped: dict[tuple[str, str], FailureCause] = {}
    rows = Delivery.objects.filter(announcement=announcement, status=Delivery.Status.FAILED)
    for row in rows.values("kind", "reason").annotate(n=Count("id")):
        reason = row["reason"] or ""
        cause, advice = next(
            ((c, a) for pattern, c, a in FAILURE_CAUSES if pattern in reason),
            (reason or _("Unknown reason"), RETRY_LATER),
        )
        found = grouped.setdefault((cause, row["kind"]), FailureCause(cause, advice, row["kind"], 0))
        found.count += row["n"]
    return sorted(grouped.values(), key=lambda f: -f.count)


@dataclass
class Waiting:
    kind: str
    count: int
    until: Any
    why: str


def waiting_deliveries(announcement: Announcement, now: Any = None) -> list[Waiting]:
    """Messages held back, per channel, with until when and why (quiet hours, Zalo's night, a quota)."""

    now = now or timezone.now()
    rows = (
        Delivery.objects.filter(announcement=announcement, status=Delivery.Status.QUEUED, not_before__gt=now)
        .values("kind", "reason")
        .annotate(n=Count("id"), until=Min("not_before"))
    )
    unmade = unmade_people_waiting(DeliveryBatch.objects.filter(announcement=announcement), now)
    result = []
    for row in [*rows, *({**row, "reason": ""} for row in unmade)]:
        reason = row["reason"] or ""
        if "-234" in reason or (row["kind"] == "sms" and not reason):
            why = _("quiet hours at night")
        elif "quota" in reason or "103" in reason or "-211" in reason:
            why = _("the channel is out of quota until then")
        else:
            why = _("a retry after a passing error")
        result.append(Waiting(row["kind"], row["n"], row["until"], why))
    return result


def in_person_households(*, user: Any, announcement: Announcement, query: str = "", limit: int = 500) -> list[dict]:
    """The households of the announcement's audience in the person's groups, those no channel reached first,
    each with how it was told if it was; found by address or head's name without diacritics."""
    households = audience_households(user=user, announcement=announcement)
    found = list(households_matching(households, query)[:limit])
    ids = [h.pk for h in found]
    by_channel = set(
        Delivery.objects.filter(
            announcement=announcement,
            status__in=[Delivery.Status.SENT, Delivery.Status.DELIVERED],
            member__household__in=ids,
        ).values_list("member__household", flat=True)
    )
    told = dict(
        InPersonReach.objects.filter(announcement=announcement, household__in=ids).values_list("household", "how")
    )
    rows = [
        {
            "id": h.pk,
            "address": h.address,
            "head": h.head.full_name if h.head else "",
            "group": h.group.name,
            "by_channel": h.pk in by_channel,
            "how": told.get(h.pk, ""),
        }
        for h in found
    ]
    rows.sort(key=lambda r: (r["by_channel"], bool(r["how"])))  # stable: who still needs telling comes first
    return rows


def audience_households(*, user: Any, announcement: Announcement) -> QuerySet[Household]:
    """Households of the announcement's audience in the groups the person looks after."""
    households = Household.objects.filter(group__in=groups_for_user(user=user), group__ward_id=announcement.ward_id)
    if not announcement.whole_ward:
        households = households.filter(group__in=announcement.groups.all())
    return households
