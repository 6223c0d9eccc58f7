"""What every part of handling a report shares: the status table, tracking codes, deadlines, the timeline, and the
the message to the reporter."""

from collections import defaultdict
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.models import Report, ReportEvent
from feedback.workcalendar import WorkCalendar
from groups.selectors import staff_profile_in
from groups.services.rollups import Deltas, ward_days_add

S = Report.Status


TRANSITIONS: dict[str, set[str]] = {
    S.NEW: {S.TRIAGED, S.ASSIGNED, S.REJECTED, S.DUPLICATE, S.SPAM},
    S.TRIAGED: {S.ASSIGNED, S.IN_PROGRESS, S.RESOLVED, S.REJECTED, S.DUPLICATE, S.SPAM},
    S.ASSIGNED: {S.IN_PROGRESS, S.RESOLVED, S.TRIAGED, S.DUPLICATE},
    S.IN_PROGRESS: {S.RESOLVED, S.ASSIGNED},
    S.RESOLVED: {S.CLOSED, S.IN_PROGRESS},
    S.CLOSED: {S.IN_PROGRESS},
    S.REJECTED: {S.TRIAGED},
    S.DUPLICATE: {S.TRIAGED},
    S.SPAM: {S.TRIAGED},
}


NEEDS_REASON = {S.REJECTED, S.DUPLICATE, S.SPAM}


class ReportError(ValidationError):
    """A step that is not allowed now, with a message a person can read."""


def deadlines(*, ward_id: int, start: datetime, priority: str) -> tuple[datetime, datetime]:
    calendar = WorkCalendar(ward_id, start)
    accept = calendar.add_hours(start, settings.REPORT_ACCEPT_HOURS)
    if priority == Report.Priority.URGENT:
        resolve = calendar.add_hours(start, settings.REPORT_URGENT_HOURS)
    elif priority == Report.Priority.COMPLEX:
        resolve = calendar.add_days(start, settings.REPORT_COMPLEX_DAYS)
    else:
        resolve = calendar.add_days(start, settings.REPORT_NORMAL_DAYS)
    return accept, resolve


def _staff_report(user: Any, report: Report) -> Report:
    if staff_profile_in(user, report.ward_id) is None:
        raise PermissionDenied
    return Report.objects.select_for_update().get(pk=report.pk)


def _event(report: Report, kind: str, actor: Any, **fields: Any) -> ReportEvent:
    return ReportEvent.objects.create(report=report, kind=kind, actor=actor, **fields)


def next_statuses(report: Report) -> list[str]:
    """The statuses the report can go to from where it is, in the order the status list gives them."""
    allowed = TRANSITIONS.get(report.status, set())
    return [status for status in S.values if status in allowed]


def allowed_actions(*, user: Any, report: Report) -> frozenset[str]:
    """What this person may do with the report now, as the services will allow it: any officer of its ward
    changes its status (where the table leads somewhere), its priority, and writes to it; only an open report is
    assigned. The detail page and the API render from it."""
    if staff_profile_in(user, report.ward_id) is None:
        return frozenset()
    actions = {"priority", "reply"}
    if next_statuses(report):
        actions.add("status")
    if report.status in Report.OPEN:
        actions.add("assign")
    return frozenset(actions)


def status_check(report: Report, to: str) -> None:
    """Refuses, with words a person reads, a status the report cannot go to from where it is."""
    if to not in TRANSITIONS.get(report.status, set()):
        raise ReportError(
            _("A report that is “%(current)s” cannot become “%(next)s”.")
            % {"current": report.get_status_display(), "next": S(to).label}
        )


def status_move(
    report: Report,
    to: str,
    *,
    actor: Any,
    text: str = "",
    via: str = "",
    kind: str = ReportEvent.Kind.STATUS,
    now: datetime | None = None,
) -> ReportEvent:
    """The one way a report's status changes: allowed by TRANSITIONS, with the times it sets or clears, and the
    event on the timeline (public: the reporter follows their report by it). The caller holds the row locked
    and saves it."""
    status_check(report, to)
    now = now or timezone.now()
    previous = report.status
    answered, resolved = report.first_response_at, report.resolved_at
    report.status = to
    if to in {S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS} and report.accepted_at is None:
        report.accepted_at = now
    if to == S.RESOLVED:
        report.resolved_at = now
    if to == S.CLOSED:
        report.closed_at = now
    if to == S.IN_PROGRESS and previous in Report.ANSWERED:
        report.resolved_at = report.closed_at = None
    if to in NEEDS_REASON | {S.RESOLVED} and report.first_response_at is None:
        report.first_response_at = now
    figures_change(report, answered=answered, resolved=resolved)
    return _event(report, kind, actor, from_status=previous, to_status=to, is_public=True, text=text, via=via)


def _in_time(report: Report, resolved_at: datetime) -> int:
    return int(report.resolve_due_at is not None and resolved_at <= report.resolve_due_at)


def figures_change(report: Report, *, answered: datetime | None, resolved: datetime | None) -> None:
    """Add to the ward's days what a change of the report's answer and resolution times means, given their values
    before it: a first answer counts on its day, a resolution on its day (and "in time" when by the deadline),
    and a resolution undone (the report reopened) is taken back from the day it was counted on."""
    changes: Deltas = defaultdict(dict)

    def add(moment: datetime, name: str, n: int) -> None:
        day = changes[(report.ward_id, timezone.localdate(moment))]
        day[name] = day.get(name, 0) + n

    if answered is None and report.first_response_at is not None:
        add(report.first_response_at, "reports_answered", 1)
    if resolved != report.resolved_at:
        for moment, sign in ((resolved, -1), (report.resolved_at, 1)):
            if moment is not None:
                add(moment, "reports_resolved", sign)
                add(moment, "reports_resolved_in_time", sign * _in_time(report, moment))
    ward_days_add(changes)
