"""Staff handling a report: status changes through the transition table, assignment, priority, merging duplicates, the
overdue escalation, and the audit of who saw a reporter's identity."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from feedback.models import Report, ReportEvent, Unit
from feedback.services.base import (
    NEEDS_REASON,
    ReportError,
    S,
    _event,
    _staff_report,
    deadlines,
    status_check,
    status_move,
)
from feedback.services.messages import escalation_notify, reporter_notify, unit_notify
from portal.common.audit import audit_record
from portal.common.text import clean_multiline, normalize_spaces
from portal.models import AuditEvent


def report_change_status(
    *,
    report: Report,
    by: Any,
    to: str,
    reason: str = "",
    public_text: str = "",
    duplicate_of: Report | None = None,
) -> Report:
    if to not in S.values:
        raise ValidationError({"to": [_("Please choose the new status.")]})
    reason = normalize_spaces(reason)[:500]
    public_text = clean_multiline(public_text)
    with transaction.atomic():
        report = _staff_report(by, report)
        status_check(report, to)
        if to in NEEDS_REASON and not reason:
            raise ValidationError({"reason": [_("Please give the reason.")]})
        if to == S.RESOLVED and not public_text.strip() and not report.resolution:
            raise ValidationError({"text": [_("Please write how it was resolved; the reporter will read it.")]})
        if to == S.DUPLICATE:
            if duplicate_of is None or duplicate_of.pk == report.pk or duplicate_of.ward_id != report.ward_id:
                raise ValidationError({"duplicate_of": [_("Please give the code of the report it repeats.")]})
            report.duplicate_of = duplicate_of
        previous = report.status
        report.status_reason = reason
        if to == S.RESOLVED and public_text.strip():
            report.resolution = public_text.strip()
        status_move(report, to, actor=by, text=public_text.strip() if to == S.RESOLVED else reason)
        report.save()
        audit_record(
            actor=by, action=AuditEvent.Action.UPDATE, obj=report, ward=report.ward, summary=f"{previous} → {to}"
        )
        reporter_notify(report, "status")
    return report


def report_assign(*, report: Report, by: Any, unit: Unit | None, assignee: Any = None) -> Report:
    with transaction.atomic():
        report = _staff_report(by, report)
        if unit is not None and unit.ward_id != report.ward_id:
            raise PermissionDenied
        if report.status not in Report.OPEN:
            raise ReportError(_("Only an open report can be assigned."))
        if assignee is not None and (unit is None or not unit.members.filter(pk=assignee.pk).exists()):
            raise ValidationError({"assignee": [_("The person must be a member of the unit.")]})
        report.unit, report.assignee = unit, assignee
        if unit is not None and report.status in {S.NEW, S.TRIAGED}:
            status_move(report, S.ASSIGNED, actor=by, text=unit.name, kind=ReportEvent.Kind.ASSIGNED)
        else:  # a change of hands, the status as it was
            status = report.status
            _event(
                report,
                ReportEvent.Kind.ASSIGNED,
                by,
                text=unit.name if unit else "",
                from_status=status,
                to_status=status,
            )
        report.save()
        audit_record(
            actor=by,
            action=AuditEvent.Action.UPDATE,
            obj=report,
            ward=report.ward,
            summary=f"assigned to {unit.name if unit else '-'}",
        )
        unit_notify(report)
    return report


def report_set_priority(*, report: Report, by: Any, priority: str) -> Report:
    if priority not in Report.Priority.values:
        raise ValidationError({"priority": [_("Unknown priority.")]})
    with transaction.atomic():
        report = _staff_report(by, report)
        if report.priority == priority:
            return report
        report.priority = priority
        _accept, report.resolve_due_at = deadlines(ward_id=report.ward_id, start=report.created_at, priority=priority)
        report.save(update_fields=["priority", "resolve_due_at", "updated_at"])
        _event(report, ReportEvent.Kind.PRIORITY, by, text=priority)
    return report


def report_merge(*, primary: Report, duplicates: list[Report], by: Any) -> Report:
    """Fold duplicates into one report: each becomes a duplicate pointing at the primary, and its reporter is told."""
    with transaction.atomic():
        primary = _staff_report(by, primary)
        codes = []
        for duplicate in duplicates:
            if duplicate.pk == primary.pk:
                continue
            with _named(duplicate):
                report_change_status(
                    report=duplicate,
                    by=by,
                    to=S.DUPLICATE,
                    duplicate_of=primary,
                    reason=_("Merged into %s") % primary.tracking_code,
                )
            codes.append(duplicate.tracking_code)
        if codes:
            _event(primary, ReportEvent.Kind.MERGED, by, text=", ".join(codes))
    return primary


# What the queue's bulk bar can do to the ticked reports, with the words it shows and its confirmation repeats.
BULK_ACTIONS = {
    "assign": gettext_lazy("Assign to"),
    "priority": gettext_lazy("Set priority"),
    "spam": gettext_lazy("Mark as spam"),
    "merge": gettext_lazy("Merge into the oldest"),
}


def reports_bulk(*, reports: list[Report], by: Any, action: str, unit: Unit | None = None, priority: str = "") -> int:
    """One action on many ticked reports, all or none: a report that refuses it (one already closed, say) leaves
    every other as it was, and the refusal names it. A merge folds the others into the oldest (the lowest id),
    which the queue's button promises. Returns how many reports changed."""
    if action not in BULK_ACTIONS:
        raise ValidationError({"action": [_("Unknown action.")]})
    if not reports:
        raise ValidationError({"ids": [_("Please tick at least one report first.")]})
    if action == "assign" and (unit is None or any(unit.ward_id != r.ward_id for r in reports)):
        raise ValidationError({"unit": [_("Please choose the unit.")]})
    reports = sorted(reports, key=lambda report: report.pk)
    with transaction.atomic():
        if action == "merge":
            report_merge(primary=reports[0], duplicates=reports[1:], by=by)
            return len(reports) - 1
        for report in reports:
            with _named(report):
                if action == "assign":
                    report_assign(report=report, by=by, unit=unit)
                elif action == "priority":
                    report_set_priority(report=report, by=by, priority=priority)
                else:
                    report_change_status(report=report, by=by, to=S.SPAM, reason=_("Marked as spam"))
    return len(reports)


@contextmanager
def _named(report: Report) -> Iterator[None]:
    """A refusal among many reports names the one that refused, and says that the others were left as they were
    (the caller's transaction rolls them back)."""
    try:
        yield
    except ReportError as error:
        raise ReportError(
            _("%(code)s: %(why)s Nothing was changed.")
            % {"code": report.tracking_code, "why": " ".join(error.messages)}
        ) from error


def reports_escalate_overdue(*, now: datetime | None = None) -> int:
    """Beat job: open reports past their deadline are escalated once to their unit's head (or the ward admins)."""
    now = now or timezone.now()
    overdue = Report.objects.filter(status__in=Report.OPEN, resolve_due_at__lt=now, escalated_at__isnull=True)
    count = 0
    for report in overdue.select_related("unit")[:500]:
        with transaction.atomic():
            updated = Report.objects.filter(pk=report.pk, escalated_at__isnull=True).update(escalated_at=now)
            if not updated:
                continue
            _event(
                report,
                ReportEvent.Kind.ESCALATED,
                None,
                text=report.unit.head.get_full_name() if report.unit and report.unit.head else "",
            )
            escalation_notify(report)
            count += 1
    return count


def reporter_identity_viewed(*, report: Report, by: Any, ip: str | None) -> None:
    """Every look at a tip's reporter is written down."""
    audit_record(
        actor=by,
        action=AuditEvent.Action.VIEW,
        obj=report,
        ward=report.ward,
        ip=ip,
        summary="reporter identity of a confidential tip" if report.is_confidential else "reporter",
    )
