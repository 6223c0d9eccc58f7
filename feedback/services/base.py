"""What every part of handling a report shares: the status table, tracking codes, deadlines, the timeline, and the
message to the reporter after commit."""

import secrets
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from feedback.models import Feedback, FeedbackEvent
from feedback.workcalendar import WorkCalendar
from groups.selectors import staff_profile_of

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: a code is read aloud over the phone


S = Feedback.Status


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


class FeedbackError(ValidationError):
    """A step that is not allowed now, with a message a person can read."""


def new_tracking_code(now: datetime | None = None) -> str:
    year = timezone.localtime(now or timezone.now()).strftime("%y")
    return f"PA-{year}-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(5))


def deadlines(*, ward_id: int, start: datetime, priority: str) -> tuple[datetime, datetime]:
    calendar = WorkCalendar(ward_id, start)
    accept = calendar.add_hours(start, settings.FEEDBACK_ACCEPT_HOURS)
    if priority == Feedback.Priority.URGENT:
        resolve = calendar.add_hours(start, settings.FEEDBACK_URGENT_HOURS)
    elif priority == Feedback.Priority.COMPLEX:
        resolve = calendar.add_days(start, settings.FEEDBACK_COMPLEX_DAYS)
    else:
        resolve = calendar.add_days(start, settings.FEEDBACK_NORMAL_DAYS)
    return accept, resolve


def _notify_on_commit(feedback: Feedback, what: str) -> None:
    from feedback.tasks import feedback_notify_reporter

    if feedback.reporter_phone or feedback.reporter_email or feedback.reporter_zalo_id:
        feedback_id = feedback.pk
        transaction.on_commit(lambda: feedback_notify_reporter.delay(feedback_id, what))


def _staff_case(user: Any, feedback: Feedback) -> Feedback:
    profile = staff_profile_of(user)
    if profile is None or profile.ward_id != feedback.ward_id:
        raise PermissionDenied
    return Feedback.objects.select_for_update().get(pk=feedback.pk)


def _event(feedback: Feedback, kind: str, actor: Any, **fields: Any) -> FeedbackEvent:
    return FeedbackEvent.objects.create(feedback=feedback, kind=kind, actor=actor, **fields)
