"""The ward's own set-up for reports: units, canned replies, days off."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from feedback.models import CannedReply, Category, Holiday, Report, Unit
from feedback.selectors import ward_staff_users
from feedback.workcalendar import national_days
from groups.models import ResidentialGroup, Ward
from groups.selectors import is_ward_admin
from portal.common.audit import audit_record, model_changes, snapshot
from portal.common.text import clean_multiline, normalize_spaces
from portal.models import AuditEvent


def _require_ward_admin(user: Any, ward: Ward) -> None:
    if not is_ward_admin(user=user, ward=ward):
        raise PermissionDenied(_("Only a ward admin can change the ward's report settings."))


UNIT_FIELDS = ["name", "kind", "group", "head", "handles_tips"]


def unit_save(
    *,
    ward: Ward,
    by: Any,
    name: str,
    kind: str,
    group: ResidentialGroup | None = None,
    head: Any = None,
    members: Iterable[Any] = (),
    handles_tips: bool = False,
    unit: Unit | None = None,
) -> Unit:
    """Create or change a responsible unit. Its members receive assignments and, for a unit that receives tips,
    see who sent a tip: so only the ward's own staff may be in it, and every change is in the audit trail."""
    _require_ward_admin(by, ward)
    members = list(members)
    errors: dict[str, list[str]] = {}
    name = normalize_spaces(name)
    if not name:
        errors["name"] = [_("Please give the unit a name.")]
    if kind not in Unit.Kind.values:
        errors["kind"] = [_("Please choose a kind of unit.")]
    if group is not None and group.ward_id != ward.pk:
        errors["group"] = [_("This group is not in your ward.")]
    staff_ids = set(ward_staff_users(ward_id=ward.pk).values_list("pk", flat=True))
    if head is not None and head.pk not in staff_ids:
        errors["head"] = [_("The head must be a staff member of your ward.")]
    if any(member.pk not in staff_ids for member in members):
        errors["members"] = [_("Members must be staff members of your ward.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        creating = unit is None
        unit = unit or Unit(ward=ward)
        if unit.ward_id != ward.pk:
            raise PermissionDenied
        before = snapshot(unit, UNIT_FIELDS)
        before_members = set() if creating else set(unit.members.values_list("pk", flat=True))
        unit.name, unit.kind, unit.group, unit.head, unit.handles_tips = name, kind, group, head, handles_tips
        unit.save()
        unit.members.set(members)
        changes = model_changes(unit, before, UNIT_FIELDS)
        after_members = {member.pk for member in members}
        if after_members != before_members:
            changes["members"] = [sorted(before_members), sorted(after_members)]
        if creating or changes:
            audit_record(
                actor=by,
                action=AuditEvent.Action.CREATE if creating else "update",
                obj=unit,
                ward=ward,
                summary=unit.name + (" (tips)" if unit.handles_tips else ""),
                changes=changes,
            )
    return unit


def unit_delete(*, unit: Unit, by: Any) -> None:
    """A unit with open reports cannot go: they would be left with nobody responsible."""
    _require_ward_admin(by, unit.ward)
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        open_reports = Report.objects.filter(unit=unit, status__in=Report.OPEN).count()
        if open_reports:
            raise ValidationError(
                _("%(name)s still has %(count)d open reports; assign them to another unit first.")
                % {"name": unit.name, "count": open_reports}
            )
        audit_record(actor=by, action=AuditEvent.Action.DELETE, obj=unit, ward=unit.ward, summary=unit.name)
        unit.delete()


def canned_reply_save(
    *, ward: Ward, by: Any, category: str, title: str, text: str, reply: CannedReply | None = None
) -> CannedReply:
    _require_ward_admin(by, ward)
    errors: dict[str, list[str]] = {}
    title, text = normalize_spaces(title), clean_multiline(text)
    if category not in Category.values:
        errors["category"] = [_("Please choose a category.")]
    if not title:
        errors["title"] = [_("Please give the reply a short title.")]
    if not text:
        errors["text"] = [_("Please write the reply.")]
    if errors:
        raise ValidationError(errors)
    reply = reply or CannedReply(ward=ward)
    if reply.ward_id != ward.pk:
        raise PermissionDenied
    creating = reply.pk is None
    reply.category, reply.title, reply.text = category, title, text
    with transaction.atomic():
        reply.save()
        audit_record(
            actor=by, action=AuditEvent.Action.CREATE if creating else "update", obj=reply, ward=ward, summary=title
        )
    return reply


def canned_reply_delete(*, reply: CannedReply, by: Any) -> None:
    _require_ward_admin(by, reply.ward)
    with transaction.atomic():
        audit_record(actor=by, action=AuditEvent.Action.DELETE, obj=reply, ward=reply.ward, summary=reply.title)
        reply.delete()


def holiday_add(*, ward: Ward, by: Any, day: date, name: str) -> Holiday:
    """A ward's own day off (a local festival, a day the office is closed): deadlines skip it from the next
    report on."""
    _require_ward_admin(by, ward)
    name = normalize_spaces(name)
    if not name:
        raise ValidationError({"name": [_("Please say what the day is.")]})
    if day in {national.date for national in national_days([day.year])}:
        raise ValidationError({"date": [_("This day is already a national holiday.")]})
    try:
        with transaction.atomic():
            holiday = Holiday.objects.create(ward=ward, date=day, name=name)
            audit_record(actor=by, action=AuditEvent.Action.CREATE, obj=holiday, ward=ward, summary=str(holiday))
    except IntegrityError:
        raise ValidationError({"date": [_("This day is already a day off of the ward.")]}) from None
    return holiday


def holiday_delete(*, holiday: Holiday, by: Any) -> None:
    if holiday.ward is None:
        raise PermissionDenied(_("National holidays are set by law and cannot be removed here."))
    _require_ward_admin(by, holiday.ward)
    with transaction.atomic():
        audit_record(actor=by, action=AuditEvent.Action.DELETE, obj=holiday, ward=holiday.ward, summary=str(holiday))
        holiday.delete()
