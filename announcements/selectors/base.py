"""Reads of announcements, scoped to what the person may see, and the numbers of a fan-out."""

import hmac
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from announcements import rendering
from announcements.models import (
    Announcement,
    AnnouncementFile,
)
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
