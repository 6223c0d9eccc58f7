"""The approval workflow: draft → waiting for approval → approved → scheduled or sending, or cancelled."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from announcements import tasks
from announcements.audience import audience_estimate
from announcements.models import Announcement
from announcements.services.base import AnnouncementError, Role, _locked, action_check, action_role_check, role_of
from portal.common.audit import audit_record
from portal.common.text import normalize_spaces
from portal.models import AuditEvent


def announcement_submit(*, announcement: Announcement, by: Any) -> Announcement:
    """Ask for approval. A ward admin's own notice is approved at once when the ward allows it, and then goes
    out like any approved notice; an urgent one from an admin goes out at once even when the ward wants a second
    signature: a fire warning does not wait for one."""
    action_role_check("submit", by, announcement)
    with transaction.atomic():
        announcement = _locked(announcement)
        action_check("submit", by, announcement)
        announcement.status = Announcement.Status.PENDING
        announcement.rejection_note = ""
        announcement.save(update_fields=["status", "rejection_note", "updated_at"])
        audit_record(actor=by, action=AuditEvent.Action.SUBMIT, obj=announcement, ward=announcement.ward)
        if approves_on_submit(user=by, announcement=announcement):
            announcement = _approve(announcement, by=by)
    return announcement


def approves_on_submit(*, user: Any, announcement: Announcement) -> bool:
    """Whether this person's "send" needs no second signature, so that it approves (and so sends) at once."""
    if role_of(user, announcement) != Role.ADMIN:
        return False
    urgent = announcement.urgency == Announcement.Urgency.URGENT
    return urgent or not announcement.ward.requires_second_approver


def approval_sends_now(announcement: Announcement) -> bool:
    """Approval sends at once unless a time is set that is still ahead; an urgent notice never waits."""
    if announcement.urgency == Announcement.Urgency.URGENT:
        return True
    return not (announcement.scheduled_at and announcement.scheduled_at > timezone.now())


def announcement_approve(*, announcement: Announcement, by: Any) -> Announcement:
    action_role_check("approve", by, announcement)
    with transaction.atomic():
        announcement = _locked(announcement)
        action_check("approve", by, announcement)
        return _approve(announcement, by=by)


def _approve(announcement: Announcement, *, by: Any) -> Announcement:
    """Approval with a time still ahead schedules it; with none (or an urgent notice) it goes out now, as the
    compose form promises: "Send at (empty: when approved)". The confirmation page has shown whom it reaches."""
    _refuse_if_nobody(announcement)
    announcement.status = Announcement.Status.APPROVED
    announcement.approved_by = by
    announcement.approved_at = timezone.now()
    sends = approval_sends_now(announcement)
    if not sends:
        announcement.status = Announcement.Status.SCHEDULED
    announcement.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    audit_record(actor=by, action=AuditEvent.Action.APPROVE, obj=announcement, ward=announcement.ward)
    if sends:
        _start_sending(announcement, by=by)
    return announcement


def announcement_reject(*, announcement: Announcement, by: Any, note: str) -> Announcement:
    action_role_check("reject", by, announcement)
    note = normalize_spaces(note)[:500]
    if not note:
        raise ValidationError({"note": [_("Please say what needs to change.")]})
    with transaction.atomic():
        announcement = _locked(announcement)
        action_check("reject", by, announcement)
        announcement.status = Announcement.Status.DRAFT
        announcement.rejection_note = note
        announcement.save(update_fields=["status", "rejection_note", "updated_at"])
        audit_record(actor=by, action=AuditEvent.Action.REJECT, obj=announcement, ward=announcement.ward, summary=note)
    return announcement


def announcement_schedule(*, announcement: Announcement, by: Any, at: datetime) -> Announcement:
    action_role_check("schedule", by, announcement)
    if at <= timezone.now():
        raise ValidationError({"scheduled_at": [_("The sending time must be in the future.")]})
    with transaction.atomic():
        announcement = _locked(announcement)
        action_check("schedule", by, announcement)
        announcement.status = Announcement.Status.SCHEDULED
        announcement.scheduled_at = at
        announcement.save(update_fields=["status", "scheduled_at", "updated_at"])
        audit_record(actor=by, action=AuditEvent.Action.SCHEDULE, obj=announcement, ward=announcement.ward)
    return announcement


def announcement_send_now(*, announcement: Announcement, by: Any) -> Announcement:
    action_role_check("send", by, announcement)
    with transaction.atomic():
        announcement = _locked(announcement)
        action_check("send", by, announcement)
        _refuse_if_nobody(announcement)
        _start_sending(announcement, by=by)
    return announcement


def _refuse_if_nobody(announcement: Announcement) -> None:
    """An announcement that would reach nobody is stopped before approval or sending, with the reason."""

    reason = audience_estimate(announcement).nobody_reason
    if reason:
        raise AnnouncementError(reason)


def _start_sending(announcement: Announcement, *, by: Any) -> None:
    announcement.status = Announcement.Status.SENDING
    announcement.send_started_at = timezone.now()
    announcement.save(update_fields=["status", "send_started_at", "updated_at"])
    audit_record(actor=by, action=AuditEvent.Action.SEND, obj=announcement, ward=announcement.ward)
    announcement_id = announcement.pk
    transaction.on_commit(lambda: tasks.dispatch(announcement_id))


def announcement_cancel(*, announcement: Announcement, by: Any) -> Announcement:
    """Its author may withdraw a draft or one waiting for approval; once approved, only a ward admin cancels."""
    action_role_check("cancel", by, announcement)
    with transaction.atomic():
        announcement = _locked(announcement)
        action_check("cancel", by, announcement)
        announcement.status = Announcement.Status.CANCELLED
        announcement.cancelled_at = timezone.now()
        announcement.save(update_fields=["status", "cancelled_at", "updated_at"])
        audit_record(actor=by, action=AuditEvent.Action.CANCEL, obj=announcement, ward=announcement.ward)
    return announcement
