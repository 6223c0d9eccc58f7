"""Staff handling a report: status changes through the transition table, assignment, priority, merging twins, the
overdue escalation, and the audit of who saw a reporter's identity."""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.models import Feedback, FeedbackEvent, Unit
from feedback.services.base import (
    NEEDS_REASON,
    FeedbackError,
    S,
    _event,
    _staff_case,
    deadlines,
    status_check,
    status_move,
)
from feedback.services.messages import escalation_notify, reporter_notify, unit_notify
from portal.audit import audit_record
from portal.text import clean_multiline, normalize_spaces


def feedback_change_status(
    *,
    feedback: Feedback,
    by: Any,
    to: str,
    reason: str = "",
    public_text: str = "",
    duplicate_of: Feedback | None = None,
) -> Feedback:
    if to not in S.values:
        raise ValidationError({"to": [_("Please choose the new status.")]})
    reason = normalize_spaces(reason)[:500]
    public_text = clean_multiline(public_text)
    with transaction.atomic():
        feedback = _staff_case(by, feedback)
        status_check(feedback, to)
        if to in NEEDS_REASON and not reason:
            raise ValidationError({"reason": [_("Please give the reason.")]})
        if to == S.RESOLVED and not public_text.strip() and not feedback.resolution:
            raise ValidationError({"text": [_("Please write how it was resolved; the reporter will read it.")]})
        if to == S.DUPLICATE:
            if duplicate_of is None or duplicate_of.pk == feedback.pk or duplicate_of.ward_id != feedback.ward_id:
                raise ValidationError({"duplicate_of": [_("Please give the code of the report it repeats.")]})
            feedback.duplicate_of = duplicate_of
        previous = feedback.status
        feedback.status_reason = reason
        if to == S.RESOLVED and public_text.strip():
            feedback.resolution = public_text.strip()
        status_move(feedback, to, actor=by, text=public_text.strip() if to == S.RESOLVED else reason)
        feedback.save()
        audit_record(actor=by, action="update", obj=feedback, ward=feedback.ward, summary=f"{previous} → {to}")
        reporter_notify(feedback, "status")
    return feedback


def feedback_assign(*, feedback: Feedback, by: Any, unit: Unit | None, assignee: Any = None) -> Feedback:
    with transaction.atomic():
        feedback = _staff_case(by, feedback)
        if unit is not None and unit.ward_id != feedback.ward_id:
            raise PermissionDenied
        if feedback.status not in Feedback.OPEN:
            raise FeedbackError(_("Only an open report can be assigned."))
        if assignee is not None and (unit is None or not unit.members.filter(pk=assignee.pk).exists()):
            raise ValidationError({"assignee": [_("The person must be a member of the unit.")]})
        feedback.unit, feedback.assignee = unit, assignee
        if unit is not None and feedback.status in {S.NEW, S.TRIAGED}:
            status_move(feedback, S.ASSIGNED, actor=by, text=unit.name, kind=FeedbackEvent.Kind.ASSIGNED)
        else:  # a change of hands, the status as it was
            status = feedback.status
            _event(
                feedback,
                FeedbackEvent.Kind.ASSIGNED,
                by,
                text=unit.name if unit else "",
                from_status=status,
                to_status=status,
            )
        feedback.save()
        audit_record(
            actor=by,
            action="update",
            obj=feedback,
            ward=feedback.ward,
            summary=f"assigned to {unit.name if unit else '-'}",
        )
        unit_notify(feedback)
    return feedback


def feedback_set_priority(*, feedback: Feedback, by: Any, priority: str) -> Feedback:
    if priority not in Feedback.Priority.values:
        raise ValidationError({"priority": [_("Unknown priority.")]})
    with transaction.atomic():
        feedback = _staff_case(by, feedback)
        if feedback.priority == priority:
            return feedback
        feedback.priority = priority
        _accept, feedback.resolve_due_at = deadlines(
            ward_id=feedback.ward_id, start=feedback.created_at, priority=priority
        )
        feedback.save(update_fields=["priority", "resolve_due_at", "updated_at"])
        _event(feedback, FeedbackEvent.Kind.PRIORITY, by, text=priority)
    return feedback


def feedback_merge(*, primary: Feedback, duplicates: list[Feedback], by: Any) -> Feedback:
    """Fold twins into one case: each becomes a duplicate pointing at the primary, and its reporter is told."""
    with transaction.atomic():
        primary = _staff_case(by, primary)
        codes = []
        for twin in duplicates:
            if twin.pk == primary.pk:
                continue
            feedback_change_status(
                feedback=twin,
                by=by,
                to=S.DUPLICATE,
                duplicate_of=primary,
                reason=_("Merged into %s") % primary.tracking_code,
            )
            codes.append(twin.tracking_code)
        if codes:
            _event(primary, FeedbackEvent.Kind.MERGED, by, text=", ".join(codes))
    return primary


def feedback_escalate_overdue(*, now: datetime | None = None) -> int:
    """Beat job: open cases past their deadline are escalated once to their unit's head (or the ward admins)."""
    now = now or timezone.now()
    overdue = Feedback.objects.filter(status__in=Feedback.OPEN, resolve_due_at__lt=now, escalated_at__isnull=True)
    count = 0
    for feedback in overdue.select_related("unit")[:500]:
        with transaction.atomic():
            updated = Feedback.objects.filter(pk=feedback.pk, escalated_at__isnull=True).update(escalated_at=now)
            if not updated:
                continue
            _event(
                feedback,
                FeedbackEvent.Kind.ESCALATED,
                None,
                text=feedback.unit.head.get_full_name() if feedback.unit and feedback.unit.head else "",
            )
            escalation_notify(feedback)
            count += 1
    return count


def reporter_identity_viewed(*, feedback: Feedback, by: Any, ip: str | None) -> None:
    """Every look at a tip's reporter is written down."""
    audit_record(
        actor=by,
        action="view",
        obj=feedback,
        ward=feedback.ward,
        ip=ip,
        summary="reporter identity of a confidential tip" if feedback.is_confidential else "reporter",
    )
