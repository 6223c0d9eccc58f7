"""What waits for one staff member today, read through each app's own scoping selectors: a group leader's page
counts only their groups, a ward admin's the whole ward."""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Min, Q
from django.utils import timezone

from announcements.models import Announcement, Delivery, DeliveryBatch
from announcements.selectors import announcements_for_user, cause_in_words, recent_reach, unmade_people_waiting
from campaigns.selectors import campaigns_live, meetings_for_user
from channels.base import missing_settings
from channels.kinds import ChannelKind, channel_label
from feedback.models import Report
from feedback.selectors import reports_for_user
from groups.models import Membership, Outlet
from groups.selectors import groups_for_user, managed_groups_for_user, staff_profile_of
from portal.common.text import natural_key


@dataclass
class ChannelHealth:
    kind: str
    name: str
    missing: list[str] = field(default_factory=list)
    held: int = 0
    held_until: datetime | None = None
    failed_today: int = 0
    failure_reason: str = ""

    @property
    def ok(self) -> bool:
        return not (self.missing or self.held or self.failed_today)


@dataclass
class Today:
    reports_new: int = 0
    reports_due_today: int = 0
    reports_overdue: int = 0
    reports_my_units: int = 0
    approvals_waiting: int = 0
    returned_to_me: int = 0
    scheduled_today: int = 0
    sent_with_failures: int = 0
    join_requests: int = 0
    channels: list[ChannelHealth] = field(default_factory=list)
    meetings: list[Announcement] = field(default_factory=list)
    coverage: list[dict[str, Any]] = field(default_factory=list)
    campaigns: list[Any] = field(default_factory=list)
    reach: list[Any] = field(default_factory=list)

    @property
    def waiting_total(self) -> int:
        return (
            self.reports_new
            + self.reports_overdue
            + self.approvals_waiting
            + self.returned_to_me
            + self.sent_with_failures
            + self.join_requests
        )


def _day_bounds(now: datetime) -> tuple[datetime, datetime]:
    local = timezone.localtime(now)
    start = timezone.make_aware(datetime.combine(local.date(), time.min))
    return start, start + timedelta(days=1)


def today_for_user(*, user: Any, now: datetime | None = None) -> Today:
    now = now or timezone.now()
    profile = staff_profile_of(user)
    today = Today()
    if profile is None:
        return today
    start, end = _day_bounds(now)

    reports = reports_for_user(user=user).filter(status__in=Report.OPEN)
    counts = reports.aggregate(
        new=Count("id", filter=Q(status=Report.Status.NEW)),
        due_today=Count("id", filter=Q(resolve_due_at__gte=now, resolve_due_at__lt=end)),
        overdue=Count("id", filter=Q(resolve_due_at__lt=now)),
        mine=Count("id", filter=Q(unit__members=user) | Q(unit__head=user), distinct=True),
    )
    today.reports_new, today.reports_due_today = counts["new"], counts["due_today"]
    today.reports_overdue, today.reports_my_units = counts["overdue"], counts["mine"]

    announcements = announcements_for_user(user=user)
    # One pass over the person's announcements for the three counts (three queries would cost three scans).
    waiting = Q(status=Announcement.Status.PENDING)
    if profile.is_ward_admin and profile.ward.requires_second_approver:
        # Their own routine notice needs another admin; an urgent one they may send themselves.
        waiting &= ~(Q(created_by=user) & ~Q(urgency=Announcement.Urgency.URGENT))
    counts = announcements.aggregate(
        waiting=Count("id", filter=waiting),
        returned=Count("id", filter=Q(status=Announcement.Status.DRAFT, created_by=user) & ~Q(rejection_note="")),
        scheduled=Count(
            "id", filter=Q(status=Announcement.Status.SCHEDULED, scheduled_at__gte=start, scheduled_at__lt=end)
        ),
    )
    if profile.is_ward_admin:
        today.approvals_waiting = counts["waiting"]
    today.returned_to_me, today.scheduled_today = counts["returned"], counts["scheduled"]
    today.sent_with_failures = (
        announcements.filter(
            status__in=[Announcement.Status.SENDING, Announcement.Status.SENT],
            send_started_at__gte=now - timedelta(days=7),
            deliveries__status=Delivery.Status.FAILED,
        )
        .distinct()
        .count()
    )
    today.meetings = list(
        announcements.filter(
            action=Announcement.Action.RSVP,
            status__in=[Announcement.Status.SENDING, Announcement.Status.SENT],
            meeting_at__gte=start,
            meeting_at__lt=end,
        ).order_by("meeting_at")[:10]
    )

    managed = managed_groups_for_user(user=user)
    pending = Membership.objects.filter(status=Membership.Status.PENDING)
    today.join_requests = (
        pending.filter(group__in=managed).count()
        + pending.exclude(source=Membership.Source.SELF_JOIN)
        .exclude(group__in=managed)
        .filter(member__memberships__group__in=managed, member__memberships__status=Membership.Status.ACTIVE)
        .distinct()
        .count()
    )
    # The same for every staff member of the ward, whose pages each ask again every half minute: worked out once
    # per ward and half minute (what waits says until when, so a figure thirty seconds old still reads right).
    today.channels = cache.get_or_set(
        f"channel-health:{profile.ward_id}",
        lambda: _channel_health(ward_id=profile.ward_id, now=now, start=start),
        timeout=30,
    )
    today.coverage = _coverage_this_week(user=user, now=now)
    today.campaigns = campaigns_live(user=user, today=timezone.localdate(now))
    today.reach = recent_reach(user=user, since=now - timedelta(days=7))
    return today


def _channel_health(*, ward_id: int, now: datetime, start: datetime) -> list[ChannelHealth]:
    """Each channel the ward uses: its missing settings, what waits (quiet hours, out of quota) and until when,
    and today's failures with the most common reason."""
    kinds = [ChannelKind.SMS, ChannelKind.ZALO_OA, ChannelKind.EMAIL] + sorted(
        set(Outlet.objects.filter(ward_id=ward_id, is_active=True).values_list("kind", flat=True))
        - {ChannelKind.SMS, ChannelKind.ZALO_OA, ChannelKind.EMAIL}
    )
    deliveries = Delivery.objects.filter(announcement__ward_id=ward_id)
    held = {
        row["kind"]: row
        for row in deliveries.filter(status=Delivery.Status.QUEUED, not_before__gt=now)
        .values("kind")
        .annotate(n=Count("id"), until=Min("not_before"))
    }
    # A large audience's people whose rows are made only when their batch goes wait all the same.
    for row in unmade_people_waiting(DeliveryBatch.objects.filter(announcement__ward_id=ward_id), now):
        known = held.setdefault(row["kind"], {"n": 0, "until": row["until"]})
        known["n"] += row["n"]
        known["until"] = min(known["until"], row["until"])
    failed = {
        row["kind"]: row["n"]
        for row in deliveries.filter(status=Delivery.Status.FAILED, updated_at__gte=start)
        .values("kind")
        .annotate(n=Count("id"))
    }
    result = []
    for kind in kinds:
        health = ChannelHealth(kind=kind, name=channel_label(kind), missing=missing_settings(kind))
        if kind in held:
            health.held, health.held_until = held[kind]["n"], held[kind]["until"]
        health.failed_today = failed.get(kind, 0)
        if health.failed_today:
            reason = (
                deliveries.filter(kind=kind, status=Delivery.Status.FAILED, updated_at__gte=start)
                .values("reason")
                .annotate(n=Count("id"))
                .order_by("-n")
                .first()
            )
            health.failure_reason = cause_in_words(reason["reason"]) if reason else ""
        result.append(health)
    return result


def _coverage_this_week(*, user: Any, now: datetime) -> list[dict[str, Any]]:
    """Per group in the person's scope: members who joined and left since Monday."""

    local = timezone.localtime(now)
    monday = timezone.make_aware(datetime.combine(local.date() - timedelta(days=local.weekday()), time.min))
    rows = (
        groups_for_user(user=user)
        .annotate(
            joined=Count(
                "memberships",
                filter=Q(memberships__joined_at__gte=monday, memberships__status=Membership.Status.ACTIVE),
            ),
            left=Count("memberships", filter=Q(memberships__left_at__gte=monday)),
        )
        .filter(Q(joined__gt=0) | Q(left__gt=0))
        .values("pk", "name", "joined", "left")
    )
    return sorted(rows, key=lambda row: natural_key(row["name"]))[:20]  # Tổ 2 before Tổ 10


@dataclass
class LeaderDay:
    """A group leader's first page: what they do in their own groups, today."""

    campaigns: list[Any] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)  # per group with requests waiting: pk, name, n
    meetings: list[Any] = field(default_factory=list)
    to_tell: list[Any] = field(default_factory=list)  # announcements of the last week to tell in person
    reports_open: int = 0


def leader_day(*, user: Any, now: datetime | None = None) -> LeaderDay:
    now = now or timezone.now()
    start, end = _day_bounds(now)
    day = LeaderDay()
    day.campaigns = campaigns_live(user=user, today=timezone.localdate(now))
    waiting = (
        managed_groups_for_user(user=user)
        .annotate(n=Count("memberships", filter=Q(memberships__status=Membership.Status.PENDING)))
        .filter(n__gt=0)
        .values("pk", "name", "n")
    )
    day.requests = sorted(waiting, key=lambda row: natural_key(row["name"]))
    day.meetings = list(
        meetings_for_user(user=user).filter(starts_at__gte=start, starts_at__lt=end).order_by("starts_at")
    )
    day.to_tell = list(
        announcements_for_user(user=user)
        .filter(
            status__in=[Announcement.Status.SENDING, Announcement.Status.SENT],
            send_started_at__gte=now - timedelta(days=7),
        )
        .order_by("-send_started_at")[:5]
    )
    day.reports_open = reports_for_user(user=user).filter(status__in=Report.OPEN).count()
    return day
