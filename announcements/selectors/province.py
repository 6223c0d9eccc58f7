"""Reads of a province's announcements: its own only, and each ward's progress from the batches' small rows and
the kept reach, never from counting deliveries."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from announcements.models import Announcement, AnnouncementReach, DeliveryBatch, ProvinceAnnouncement
from groups.models import Province
from portal.common.numbers import percent_of


def province_announcements(*, province: Province) -> QuerySet[ProvinceAnnouncement]:
    return ProvinceAnnouncement.objects.filter(province=province).order_by("-created_at")


def province_announcement_get(*, province: Province, pk: int) -> ProvinceAnnouncement:
    """One of the province's announcements; another province's is not found, as if it did not exist."""
    notice = ProvinceAnnouncement.objects.filter(province=province, pk=pk).first()
    if notice is None:
        raise Http404
    return notice


@dataclass
class WardProgress:
    code: str
    name: str
    status: str
    status_label: str
    batches: int = 0
    batches_done: int = 0
    people_waiting: int = 0
    audience: int = 0
    reached: int = 0

    @property
    def percent(self) -> float | None:
        """How far its sending is, by batches handed over and finished."""
        if self.status == Announcement.Status.SENT:
            return 100.0
        return percent_of(self.batches_done, self.batches)

    @property
    def reach(self) -> float | None:
        return percent_of(self.reached, self.audience)


def province_progress(*, notice: ProvinceAnnouncement) -> list[WardProgress]:
    """Each ward's copy: its status, its batches done of those made, and once sent its reach in households."""
    parts = list(
        Announcement.objects.filter(province_announcement=notice).select_related("ward").order_by("ward__name")
    )
    batches = {
        row["announcement_id"]: row
        for row in DeliveryBatch.objects.filter(announcement__province_announcement=notice)
        .values("announcement_id")
        .annotate(
            n=Count("id"),
            finished=Count("id", filter=Q(done=True)),
            waiting=Sum("members_count", filter=Q(done=False)),
        )
    }
    reach = {
        row.announcement_id: row for row in AnnouncementReach.objects.filter(announcement__province_announcement=notice)
    }
    lines = []
    for part in parts:
        line = WardProgress(part.ward.code, part.ward.name, part.status, str(part.get_status_display()))
        counted = batches.get(part.pk)
        if counted:
            line.batches, line.batches_done, line.people_waiting = (
                counted["n"],
                counted["finished"],
                counted["waiting"] or 0,
            )
        kept = reach.get(part.pk)
        if kept:
            line.audience, line.reached = kept.audience_households, kept.by_channel + kept.told + kept.loudspeaker
        lines.append(line)
    return lines
