"""Reads of announcements, scoped to what the person may see, and the numbers of a fan-out."""

import hmac
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from announcements.models import Announcement, AnnouncementFile, Delivery, Response
from groups.models import StaffProfile
from groups.selectors import groups_for_user, staff_profile_of


def announcements_for_user(*, user: Any) -> QuerySet[Announcement]:
    """Ward-wide staff see their ward's announcements; a group leader sees those of their groups and their own."""
    profile = staff_profile_of(user)
    if profile is None:
        return Announcement.objects.none()
    rows = Announcement.objects.filter(ward_id=profile.ward_id)
    if profile.role == StaffProfile.Role.GROUP_LEADER:
        rows = rows.filter(Q(created_by=user) | Q(groups__in=groups_for_user(user=user))).distinct()
    return rows.select_related("created_by", "approved_by").order_by("-created_at")


def announcement_get_for_user(*, user: Any, pk: int) -> Announcement:
    announcement = announcements_for_user(user=user).filter(pk=pk).first()
    if announcement is None:
        raise Http404
    return announcement


def can_edit(*, user: Any, announcement: Announcement) -> bool:
    """Its author, or a ward admin of its ward: a draft is its author's until it is sent for approval."""
    profile = staff_profile_of(user)
    if profile is None or profile.ward_id != announcement.ward_id:
        return False
    return profile.is_ward_admin or announcement.created_by_id == user.pk


def public_announcements(*, ward_id: int, group_id: int | None = None) -> QuerySet[Announcement]:
    """What the public web feed shows: announcements that went out on the web feed, newest first."""
    rows = Announcement.objects.filter(
        ward_id=ward_id,
        status__in=[Announcement.Status.SENDING, Announcement.Status.SENT],
        on_web_feed=True,
    )
    if group_id is not None:
        rows = rows.filter(Q(whole_ward=True) | Q(groups__id=group_id)).distinct()
    return rows.order_by("-send_started_at")


def announcement_file_get(*, user: Any, announcement_pk: int, pk: int, key: str) -> AnnouncementFile:
    """A file of an announcement, for whoever may read the announcement: anyone once it went out on the web feed
    or a Facebook Page, the holder of its keyed link once it went out, and staff who may open it."""
    from announcements import rendering

    found = AnnouncementFile.objects.select_related("announcement").filter(pk=pk, announcement_id=announcement_pk)
    announcement_file = found.first()
    if announcement_file is None:
        raise Http404
    announcement = announcement_file.announcement
    went_out = announcement.status in {Announcement.Status.SENDING, Announcement.Status.SENT}
    if went_out and (
        rendering.is_public(announcement) or hmac.compare_digest(key, rendering.announcement_key(announcement.pk))
    ):
        return announcement_file
    if announcements_for_user(user=user).filter(pk=announcement.pk).exists():
        return announcement_file
    raise Http404


def public_announcement_get(*, pk: int) -> Announcement:
    announcement = (
        Announcement.objects.filter(pk=pk, status__in=[Announcement.Status.SENDING, Announcement.Status.SENT])
        .select_related("ward")
        .first()
    )
    if announcement is None:
        raise Http404
    return announcement


@dataclass
class DeliveryStats:
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_channel: dict[str, dict[str, int]] = field(default_factory=dict)
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    reached_households: int = 0
    audience_households: int = 0
    confirmations: int = 0
    rsvp: dict[str, int] = field(default_factory=dict)
    poll: dict[str, int] = field(default_factory=dict)

    @property
    def reach_percent(self) -> float:
        return 100.0 * self.reached_households / self.audience_households if self.audience_households else 0.0

    @property
    def done(self) -> bool:
        return not self.by_status.get("open", 0)


def _zero_counts() -> dict[str, int]:
    """Every status, plus "open" (queued or sending) and "out" (sent or delivered), at zero."""
    return dict.fromkeys([*Delivery.Status.values, "open", "out"], 0)


def delivery_stats(announcement: Announcement) -> DeliveryStats:
    stats = DeliveryStats(audience_households=announcement.audience_households)
    stats.by_status = _zero_counts()
    rows = Delivery.objects.filter(announcement=announcement)
    for row in rows.values("kind", "status").annotate(n=Count("id")):
        stats.total += row["n"]
        channel = stats.by_channel.setdefault(row["kind"] or "none", _zero_counts())
        for counts in (stats.by_status, channel):
            counts[row["status"]] += row["n"]
            if row["status"] in {Delivery.Status.QUEUED, Delivery.Status.SENDING}:
                counts["open"] += row["n"]
            if row["status"] in {Delivery.Status.SENT, Delivery.Status.DELIVERED}:
                counts["out"] += row["n"]
    for row in rows.filter(status=Delivery.Status.SKIPPED).values("reason").annotate(n=Count("id")):
        stats.skipped_reasons[row["reason"]] = row["n"]
    stats.reached_households = (
        rows.filter(status__in=[Delivery.Status.SENT, Delivery.Status.DELIVERED], member__household__isnull=False)
        .values("member__household")
        .distinct()
        .count()
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


def delivery_for_reader(*, delivery_id: int) -> Delivery:
    delivery = Delivery.objects.select_related("announcement", "member").filter(pk=delivery_id).first()
    if delivery is None or delivery.announcement.status not in {Announcement.Status.SENDING, Announcement.Status.SENT}:
        raise Http404
    return delivery
