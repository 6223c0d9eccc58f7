"""Reads for meetings, each scoped to what the person may see: the meetings, who is invited and who may be ticked,
attendance by group and over time, the minutes' versions."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from campaigns.models import Attendance, Meeting, MinutesVersion
from groups.models import Membership, ResidentialGroup
from groups.selectors import groups_for_user, is_ward_admin, staff_profile_of
from portal.common.numbers import percent_of
from portal.common.text import fold, natural_key


def invited_groups(meeting: Meeting) -> Any:
    groups = ResidentialGroup.objects.filter(ward_id=meeting.ward_id, is_active=True)
    return groups if meeting.whole_ward else groups.filter(pk__in=meeting.groups.values("pk"))


def invitees_for(*, meeting: Meeting, user: Any) -> Any:
    """Active memberships of the invited groups that the person looks after: who may be ticked."""
    groups = invited_groups(meeting).filter(pk__in=groups_for_user(user=user).values("pk"))
    return Membership.objects.filter(group__in=groups, status=Membership.Status.ACTIVE)


def meetings_for_user(*, user: Any) -> QuerySet[Meeting]:
    """The ward's meetings; a leader's are those that invite one of their groups or the whole ward."""
    profile = staff_profile_of(user)
    if profile is None:
        return Meeting.objects.none()
    meetings = Meeting.objects.filter(ward_id=profile.ward_id)
    if not profile.is_ward_wide:
        meetings = meetings.filter(Q(whole_ward=True) | Q(groups__in=groups_for_user(user=user))).distinct()
    return meetings


def meeting_get_for_user(*, user: Any, pk: int) -> Meeting:
    try:
        return meetings_for_user(user=user).select_related("ward", "announcement").get(pk=pk)
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def minutes_versions_for_user(*, user: Any, meeting: Meeting) -> list[MinutesVersion]:
    """Every version of a meeting's minutes, newest first, with who attached it: for the ward's admins only (the
    others see the current minutes)."""
    if not is_ward_admin(user=user, ward=meeting.ward):
        return []
    return list(MinutesVersion.objects.filter(meeting=meeting).select_related("uploaded_by"))


def minutes_version_get_for_user(*, user: Any, meeting: Meeting, pk: int) -> MinutesVersion:
    if not is_ward_admin(user=user, ward=meeting.ward):
        raise Http404
    found = MinutesVersion.objects.filter(meeting=meeting, pk=pk).first()
    if found is None:
        raise Http404
    return found


@dataclass
class GroupAttendance:
    group_id: int
    name: str
    invited: int
    attended: int

    @property
    def percent(self) -> float | None:
        return percent_of(self.attended, self.invited)


def attendance_by_group(*, meeting: Meeting) -> list[GroupAttendance]:
    """Per invited group: its active members (the invited) and how many of them came."""
    invited = dict(
        Membership.objects.filter(group__in=invited_groups(meeting), status=Membership.Status.ACTIVE)
        .values("group_id")
        .annotate(n=Count("id"))
        .values_list("group_id", "n")
    )
    came = dict(
        Attendance.objects.filter(meeting=meeting)
        .values("group_id")
        .annotate(n=Count("id"))
        .values_list("group_id", "n")
    )
    names = dict(ResidentialGroup.objects.filter(pk__in=set(invited) | set(came)).values_list("pk", "name"))
    rows = [GroupAttendance(pk, names[pk], invited.get(pk, 0), came.get(pk, 0)) for pk in names]
    return sorted(rows, key=lambda r: natural_key(r.name))


def invitee_rows(*, meeting: Meeting, user: Any, query: str = "", limit: int = 500) -> list[dict[str, Any]]:
    """Whom the leader may tick, found by name or phone without diacritics; who came is marked."""
    memberships = invitees_for(meeting=meeting, user=user)
    for word in fold(query).split()[:5]:
        memberships = memberships.filter(member__search_text__contains=word)
    rows = list(memberships.select_related("member", "group").order_by("group__name", "member__full_name")[:limit])
    came = dict(
        Attendance.objects.filter(meeting=meeting, member_id__in=[m.member_id for m in rows]).values_list(
            "member_id", "how"
        )
    )
    return [
        {"id": m.member_id, "name": m.member.full_name, "group": m.group.name, "how": came.get(m.member_id, "")}
        for m in rows
    ]


def attendance_over_time(*, user: Any, limit: int = 12) -> list[tuple[Meeting, int, int]]:
    """The latest meetings with (invited, attended), oldest first: attendance over time."""
    meetings = list(meetings_for_user(user=user).filter(starts_at__lte=timezone.now()).order_by("-starts_at")[:limit])
    result = []
    for meeting in reversed(meetings):
        rows = attendance_by_group(meeting=meeting)
        result.append((meeting, sum(r.invited for r in rows), sum(r.attended for r in rows)))
    return result
