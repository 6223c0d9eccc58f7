"""Reads of reports, scoped to what the person may see; the staff queue with keyset pagination; the numbers."""

import base64
import statistics
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from channels.personal import personal_sent_about
from feedback.models import (
    CannedReply,
    Category,
    Holiday,
    Open311Key,
    Report,
    ReportEvent,
    ReportPhoto,
    Unit,
    topic_of,
)
from feedback.workcalendar import Day, national_days
from groups.models import StaffProfile, Ward
from groups.selectors import groups_for_user, staff_profile_in, staff_profile_of
from portal.common.text import fold
from portal.common.web import int_or_none, moment_or_none


def is_tip_officer(*, user: Any, ward_id: int) -> bool:
    return Unit.objects.filter(ward_id=ward_id, handles_tips=True).filter(Q(members=user) | Q(head=user)).exists()


def reports_for_user(*, user: Any) -> QuerySet[Report]:
    """Ward-wide staff see their ward's reports; a group leader those of their groups and of their units.
    A tip is seen only by ward-wide staff and tip officers, and its reporter only by tip officers."""
    profile = staff_profile_of(user)
    if profile is None:
        return Report.objects.none()
    rows = Report.objects.filter(ward_id=profile.ward_id)
    tip_officer = is_tip_officer(user=user, ward_id=profile.ward_id)
    if profile.role == StaffProfile.Role.GROUP_LEADER:
        mine = Q(group__in=groups_for_user(user=user)) | Q(unit__members=user) | Q(unit__head=user)
        rows = rows.filter(mine if tip_officer else mine & Q(is_confidential=False)).distinct()
    return rows


def report_get_for_user(*, user: Any, pk: int) -> Report:
    report = reports_for_user(user=user).filter(pk=pk).select_related("group", "unit", "duplicate_of").first()
    if report is None:
        raise Http404
    return report


def report_by_code_for_user(*, user: Any, code: str) -> Report | None:
    return reports_for_user(user=user).filter(tracking_code=code.strip().upper()).first() if code.strip() else None


def can_see_reporter(*, user: Any, report: Report) -> bool:
    if staff_profile_in(user, report.ward_id) is None:
        return False
    if report.is_confidential:
        return is_tip_officer(user=user, ward_id=report.ward_id)
    return True


@dataclass
class QueueFilters:
    status: str = ""
    category: str = ""
    group_id: int | None = None
    priority: str = ""
    unit_id: int | None = None
    source: str = ""
    overdue: bool = False
    q: str = ""
    sort: str = "new"  # new, old, due


@dataclass
class QueuePage:
    rows: list[Report]
    next_cursor: str = ""
    filters: QueueFilters = field(default_factory=QueueFilters)


def _encode(*parts: Any) -> str:
    return base64.urlsafe_b64encode("|".join(str(p) for p in parts).encode()).decode().rstrip("=")


def _decode(cursor: str) -> list[str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return base64.urlsafe_b64decode(padded.encode()).decode().split("|")
    except (ValueError, UnicodeDecodeError):
        return []


def report_queue(*, user: Any, filters: QueueFilters, after: str = "", limit: int = 50) -> QueuePage:
    """One page of the queue. Keyset pagination: the cursor is the last row's sort key, so page 20,000 costs what
    page 1 costs (OFFSET would read and throw away every row before it)."""
    rows = reports_for_user(user=user)
    now = timezone.now()
    if filters.status == "open":
        rows = rows.filter(status__in=Report.OPEN)
    elif filters.status in Report.Status.values:
        rows = rows.filter(status=filters.status)
    if filters.category:
        rows = rows.filter(category=filters.category)
    if filters.group_id:
        rows = rows.filter(group_id=filters.group_id)
    if filters.priority:
        rows = rows.filter(priority=filters.priority)
    if filters.unit_id:
        rows = rows.filter(unit_id=filters.unit_id)
    if filters.source:
        rows = rows.filter(source=filters.source)
    if filters.overdue:
        rows = rows.filter(status__in=Report.OPEN, resolve_due_at__lt=now)
    query = filters.q.strip()
    if query:
        if query.upper().startswith("PA-"):
            rows = rows.filter(tracking_code=query.upper())
        else:
            for word in fold(query).split()[:8]:
                rows = rows.filter(search_text__contains=word)
    # A cursor is the client's to send back: anything unreadable in it starts from the first page.
    parts = _decode(after) if after else []
    last_id = int_or_none(parts[-1]) if parts else None
    if filters.sort == "due":
        rows = rows.filter(resolve_due_at__isnull=False).order_by("resolve_due_at", "id")
        due = moment_or_none(parts[0]) if len(parts) == 2 else None
        if due is not None and last_id is not None:
            rows = rows.filter(Q(resolve_due_at__gt=due) | Q(resolve_due_at=due, id__gt=last_id))
    elif filters.sort == "old":
        rows = rows.order_by("id")
        if last_id is not None and len(parts) == 1:
            rows = rows.filter(id__gt=last_id)
    else:
        rows = rows.order_by("-id")
        if last_id is not None and len(parts) == 1:
            rows = rows.filter(id__lt=last_id)
    page = list(rows.select_related("group", "unit")[: limit + 1])
    next_cursor = ""
    if len(page) > limit:
        page = page[:limit]
        last = page[-1]
        next_cursor = _encode(last.resolve_due_at.isoformat(), last.pk) if filters.sort == "due" else _encode(last.pk)
    return QueuePage(rows=page, next_cursor=next_cursor, filters=filters)


def timeline(*, report: Report, public_only: bool) -> QuerySet[ReportEvent]:
    events = report.events.select_related("actor").prefetch_related("photos")
    return events.filter(is_public=True) if public_only else events


def messages_sent(*, report: Report, to_reporter_only: bool = False) -> list[Any]:
    """The messages the portal sent about a report (to its reporter, and to staff), newest first, each with its
    delivery: staff see whether the reporter got the code and every change, and why not when they did not."""

    topics = [topic_of(report)] + ([] if to_reporter_only else [topic_of(report, staff=True)])
    return list(personal_sent_about(topics).reverse())


def messages_undelivered(*, report: Report) -> list[Any]:
    """The messages about a report that failed or whose outcome is unknown: what staff may send again."""
    return [m for m in messages_sent(report=report) if m.delivery.status in {"failed", "unknown"}]


def is_publicly_shown(report: Report) -> bool:
    """A report anyone may see, photos included: the one rule of Report.objects.public()."""
    return report.is_public_now


def public_photo_get(*, pk: int, reporter_codes: list[str]) -> ReportPhoto:
    """A photo for a page without login: of a public, answered report (resident's photos and public replies'), or
    of a report this browser filed. Anything else is a 404, the same as a photo that does not exist."""
    photo = ReportPhoto.objects.select_related("report", "event").filter(pk=pk).first()
    if photo is None or photo.event is None or not photo.event.is_public:
        raise Http404
    if not (is_publicly_shown(photo.report) or photo.report.tracking_code in reporter_codes):
        raise Http404
    return photo


def staff_photo_get(*, user: Any, report_pk: int, pk: int) -> ReportPhoto:
    """A photo of a report the person may open; the report's own scoping (tips included) decides."""
    report = report_get_for_user(user=user, pk=report_pk)
    photo = ReportPhoto.objects.filter(pk=pk, report=report).first()
    if photo is None:
        raise Http404
    return photo


def report_by_code(*, code: str) -> Report | None:
    return Report.objects.select_related("ward", "group").filter(tracking_code=code.strip().upper()).first()


def public_answers(*, ward_id: int) -> QuerySet[Report]:
    """The ward's public page of answered reports: only reports the reporter allowed, never a tip, no identity."""
    return (
        Report.objects.public()
        .filter(ward_id=ward_id, status__in=Report.ANSWERED)
        .select_related("group")
        .order_by("-resolved_at", "-id")
    )


def similar_open_reports(
    *,
    ward_id: int,
    category: str,
    group_id: int | None,
    text: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    limit: int = 5,
) -> list[Report]:
    """Open reports anyone may read (Report.objects.public(): accepted by staff, so never a new report's words)
    that a resident may be about to file again: same category, in the same group or nearby."""
    if not category:
        return []
    rows = Report.objects.public().filter(ward_id=ward_id, category=category, status__in=Report.OPEN)
    near = Q()
    if group_id:
        near |= Q(group_id=group_id)
    if latitude is not None and longitude is not None:
        # About 300 m either way: close enough to be the same pile of rubbish or the same blocked sidewalk.
        near |= Q(
            latitude__range=(latitude - 0.003, latitude + 0.003),
            longitude__range=(longitude - 0.003, longitude + 0.003),
        )
    if not near:
        return []
    candidates = list(rows.filter(near).order_by("-id")[:50])
    words = set(fold(text).split())
    candidates.sort(key=lambda f: -len(words & set(f.search_text.split())))
    return candidates[:limit]


@dataclass
class ReportNumbers:
    received: int = 0
    valid: int = 0
    answered: int = 0
    resolved: int = 0
    resolved_in_time: int = 0
    median_first_response_h: float | None = None
    median_resolution_h: float | None = None


def report_numbers(rows: QuerySet[Report]) -> ReportNumbers:
    """Counted the way wards report them: received, valid, answered, resolved within the deadline."""
    numbers = ReportNumbers()
    totals = rows.aggregate(
        received=Count("id"),
        valid=Count("id", filter=~Q(status__in=Report.INVALID)),
        answered=Count("id", filter=Q(first_response_at__isnull=False) & ~Q(status__in=Report.INVALID)),
        resolved=Count("id", filter=Q(resolved_at__isnull=False)),
    )
    numbers.received, numbers.valid = totals["received"], totals["valid"]
    numbers.answered, numbers.resolved = totals["answered"], totals["resolved"]
    timed = list(rows.filter(resolved_at__isnull=False).values_list("created_at", "resolved_at", "resolve_due_at"))
    numbers.resolved_in_time = sum(1 for _c, done, due in timed if due and done <= due)
    first = [
        (r - c).total_seconds() / 3600
        for c, r in rows.filter(first_response_at__isnull=False).values_list("created_at", "first_response_at")
    ]
    numbers.median_first_response_h = round(statistics.median(first), 1) if first else None
    resolution = [(done - c).total_seconds() / 3600 for c, done, _due in timed]
    numbers.median_resolution_h = round(statistics.median(resolution), 1) if resolution else None
    return numbers


def report_numbers_by(*, user: Any, since: datetime | None = None, until: datetime | None = None) -> dict:
    rows = reports_for_user(user=user)
    if since:
        rows = rows.filter(created_at__gte=since)
    if until:
        rows = rows.filter(created_at__lt=until)
    labels = dict(Category.choices)
    by_category = {
        str(labels.get(category, category)): report_numbers(rows.filter(category=category))
        for category in rows.values_list("category", flat=True).distinct()
    }
    by_group = {
        name or "—": report_numbers(rows.filter(group__name=name) if name else rows.filter(group__isnull=True))
        for name in rows.values_list("group__name", flat=True).distinct()
    }
    return {"total": report_numbers(rows), "by_category": by_category, "by_group": by_group}


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The first moment of the month and of the next one, in the ward's time zone."""
    zone = timezone.get_current_timezone()
    return datetime(year, month, 1, tzinfo=zone), datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)


def report_numbers_by_month(*, user: Any, months: int = 12) -> list[tuple[str, ReportNumbers]]:
    """The last `months` calendar months, newest first, as wards report them month by month."""
    rows = reports_for_user(user=user)
    today = timezone.localdate()
    year, month = today.year, today.month
    result = []
    for _i in range(months):
        start, end = month_bounds(year, month)
        result.append((f"{month:02d}/{year}", report_numbers(rows.filter(created_at__gte=start, created_at__lt=end))))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return result


# --- the ward's own set-up ----------------------------------------------------------------------------------------


def units_of_ward(*, ward_id: int) -> QuerySet[Unit]:
    return Unit.objects.filter(ward_id=ward_id).order_by("name")


def unit_of_ward(*, ward_id: int, pk: int | None) -> Unit | None:
    """The ward's unit of that id, or None for no id or another ward's."""
    return Unit.objects.filter(ward_id=ward_id, pk=pk).first() if pk is not None else None


def units_with_members(*, ward_id: int) -> QuerySet[Unit]:
    """For the set-up page: each unit with its head, members and how many open reports it holds."""
    return (
        units_of_ward(ward_id=ward_id)
        .select_related("head", "group")
        .prefetch_related("members")
        .annotate(open_reports=Count("reports", filter=Q(reports__status__in=Report.OPEN)))
    )


def canned_replies_of_ward(*, ward_id: int, category: str | None = None) -> QuerySet[CannedReply]:
    replies = CannedReply.objects.filter(ward_id=ward_id).order_by("category", "title")
    return replies if category is None else replies.filter(category=category)


def holidays_from_this_year(*, ward_id: int) -> tuple[QuerySet[Holiday], list[Day]]:
    """(the ward's own days off, the national holidays of this year and the next)."""
    year = timezone.localdate().year
    own = Holiday.objects.filter(ward_id=ward_id, date__year__gte=year).order_by("date")
    return own, national_days([year, year + 1])


def ward_staff_users(*, ward_id: int) -> QuerySet[Any]:
    return get_user_model().objects.filter(staff_profile__ward_id=ward_id).order_by("first_name", "email")


def reports_readable(*, ward: Ward) -> QuerySet[Report]:
    """What anyone may read of a ward's reports (Report.objects.public(), the one rule), for Open311."""
    return Report.objects.public().filter(ward=ward).select_related("unit", "ward")


def reports_for_open311(
    *,
    ward: Ward,
    codes: list[str],
    categories: list[str],
    status: str,
    start: datetime,
    end: datetime,
    limit: int = 1000,
) -> QuerySet[Report]:
    """GeoReport's list of requests: those codes if any are given, else the ward's readable reports of those
    categories (all when none), open or closed as asked, made within the window, newest first."""
    rows = reports_readable(ward=ward)
    if codes:
        return rows.filter(tracking_code__in=codes)
    if categories:
        rows = rows.filter(category__in=categories)
    if status == "open":
        rows = rows.exclude(status__in=Report.DONE)
    elif status == "closed":
        rows = rows.filter(status__in=Report.DONE)
    return rows.filter(created_at__gte=start, created_at__lte=end).order_by("-id")[:limit]


def open311_key_valid(*, ward: Ward, key: str) -> bool:
    return bool(key) and Open311Key.objects.filter(ward=ward, key_hash=Open311Key.hash(key), is_active=True).exists()
