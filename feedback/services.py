"""Writes for residents' reports: submitting, triage, answers, ratings. Each service validates, owns its
transaction, writes the case's timeline, and notifies the reporter only after commit."""

import hashlib
import math
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.models import CannedReply, Category, Feedback, FeedbackEvent, FeedbackPhoto, Holiday, Unit
from feedback.selectors import ward_staff_users
from feedback.workcalendar import WorkCalendar, national_days
from groups.models import ResidentialGroup, Ward
from groups.selectors import is_ward_admin, staff_profile_of
from portal.audit import audit_record, model_changes, snapshot
from portal.images import PreparedImage, image_prepare
from portal.phones import normalize_phone
from portal.text import clean_multiline, clean_text, fold, normalize_spaces
from portal.web import int_or_none

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


# --- submitting -------------------------------------------------------------------------------------------------


@dataclass
class ReportData:
    category: str
    description: str
    group_id: int | None = None
    address: str = ""
    latitude: str | float | None = None
    longitude: str | float | None = None
    share_location: bool = False
    name: str = ""
    phone: str = ""
    email: str = ""
    anonymous: bool = False
    public: bool = True
    source: str = Feedback.Source.WEB
    external_ref: str = ""


def coordinate(value: Any, low: int, high: int) -> Decimal | None:
    """A latitude (±90) or longitude (±180) to six places, or None for anything else: NaN, infinity, text."""
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
        if not number.is_finite() or not low <= number <= high:
            return None
        return number.quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        return None


def report_clean(*, ward: Ward, data: ReportData) -> tuple[dict[str, Any], ResidentialGroup | None]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    description = clean_multiline(data.description)
    if len(description) < 10:
        add("description", _("Please describe what happened (at least 10 characters)."))
    elif len(description) > 5000:
        add("description", _("The description is at most 5,000 characters."))
    if data.category not in Category.values:
        add("category", _("Please choose what the report is about."))
    group = None
    if data.group_id not in (None, ""):
        group_id = int_or_none(data.group_id)
        group = ResidentialGroup.objects.filter(pk=group_id, ward=ward, is_active=True).first() if group_id else None
        if group is None:
            add("group_id", _("Please choose a residential group of this ward."))
    phone = ""
    if data.phone.strip():
        try:
            phone = normalize_phone(data.phone)
        except ValidationError:
            add("phone", _("This is not a valid Vietnamese phone number."))
    email = data.email.strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            add("email", _("This is not a valid email address."))
    anonymous = data.anonymous
    if not anonymous and data.source == Feedback.Source.WEB:
        # The error goes on the field that is missing, not on one that was filled in right.
        if not normalize_spaces(data.name):
            add("name", _("Please give your name, or choose to report anonymously."))
        if not (phone or email) and "phone" not in errors and "email" not in errors:
            add(
                "phone",
                _(
                    "Please give a phone number or an email so the ward can answer you, or choose to report anonymously."
                ),
            )
    if errors:
        raise ValidationError(errors)
    confidential = data.category == Category.TIP
    latitude = coordinate(data.latitude, -90, 90) if data.share_location else None
    longitude = coordinate(data.longitude, -180, 180) if data.share_location else None
    if latitude is None or longitude is None:
        latitude = longitude = None  # half a position is no position
    values = {
        "category": data.category,
        "description": description,
        "address": normalize_spaces(data.address)[:300],
        "latitude": latitude,
        "longitude": longitude,
        "reporter_name": "" if anonymous else normalize_spaces(data.name)[:200],
        "reporter_phone": "" if anonymous else phone,
        "reporter_email": "" if anonymous else email,
        "is_anonymous": anonymous,
        "is_confidential": confidential,
        # A tip is never on a public page; anything else only if the reporter allows it.
        "is_public": data.public and not confidential,
        "source": data.source,
        "external_ref": clean_text(data.external_ref)[:128],
    }
    return values, group


def _submission_key(ward: Ward, values: dict[str, Any], token: str) -> str:
    """The form's one-time token, or what the report says: a double tap sends both twice, and is one report."""
    basis = token or "|".join(str(values[k]) for k in ("category", "description", "reporter_phone", "reporter_email"))
    return hashlib.sha256(f"{ward.pk}|{basis}".encode()).hexdigest()


def feedback_submit(
    *,
    ward: Ward,
    data: ReportData,
    photos: Iterable[UploadedFile] = (),
    form_token: str = "",
    recorded_by: Any = None,
) -> tuple[Feedback, bool]:
    """File a report. Returns (case, created); a repeat of the same submission returns the first case."""
    values, group = report_clean(ward=ward, data=data)
    photos = list(photos)
    if len(photos) > settings.FEEDBACK_MAX_PHOTOS:
        raise ValidationError({"photos": [_("At most %d photos.") % settings.FEEDBACK_MAX_PHOTOS]})
    prepared: list[PreparedImage] = [
        image_prepare(p, field="photos", max_bytes=settings.FEEDBACK_MAX_PHOTO_BYTES, keep_location=data.share_location)
        for p in photos
    ]
    if data.share_location and values["latitude"] is None:
        located = next((p.location for p in prepared if p.location), None)
        if located:
            values["latitude"], values["longitude"] = (Decimal(str(c)) for c in located)
    key = _submission_key(ward, values, form_token)
    # A repeat is caught by the unique submission key when it is inserted (below), not by a look-up first:
    # one query less on every report, and no window between the look and the insert.
    now = timezone.now()
    accept_due, resolve_due = deadlines(ward_id=ward.pk, start=now, priority=Feedback.Priority.NORMAL)
    search_text = fold(f"{values['description']} {values['address']}")
    for _attempt in range(5):
        try:
            with transaction.atomic():
                feedback = Feedback.objects.create(
                    ward=ward,
                    group=group,
                    tracking_code=new_tracking_code(now),
                    submission_key=key,
                    search_text=search_text,
                    accept_due_at=accept_due,
                    resolve_due_at=resolve_due,
                    recorded_by=recorded_by if getattr(recorded_by, "is_authenticated", False) else None,
                    **values,
                )
                event = FeedbackEvent.objects.create(
                    feedback=feedback,
                    kind=FeedbackEvent.Kind.CREATED,
                    is_public=True,
                    to_status=S.NEW,
                    actor=feedback.recorded_by,
                )
                _photos_store(feedback, event, prepared)
                if feedback.source != Feedback.Source.ZALO_OA:
                    _notify_on_commit(feedback, "received")
            return feedback, True
        except IntegrityError:
            existing = Feedback.objects.filter(submission_key=key).first()
            if existing is not None:
                return existing, False  # the twin request won the race
    raise RuntimeError("could not allocate a tracking code")


TWIN_WINDOW = timedelta(minutes=10)
TWIN_METRES = 50


def recent_twin(*, ward: Ward, data: ReportData, now: datetime | None = None) -> Feedback | None:
    """The same report sent again by an app that gives no device id: the same text in the same category within
    10 minutes and 50 metres (or at the same address when neither has a position)."""
    values, _group = report_clean(ward=ward, data=data)
    since = (now or timezone.now()) - TWIN_WINDOW
    candidates = Feedback.objects.filter(
        ward=ward,
        source=values["source"],
        category=values["category"],
        description=values["description"],
        created_at__gte=since,
    ).order_by("-id")[:20]
    for candidate in candidates:
        if values["latitude"] is not None and candidate.latitude is not None:
            if distance_metres(values["latitude"], values["longitude"], candidate.latitude, candidate.longitude) <= (
                TWIN_METRES
            ):
                return candidate
        elif values["latitude"] is None and candidate.latitude is None and values["address"] == candidate.address:
            return candidate
    return None


def distance_metres(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> float:
    """Great-circle distance (haversine); plenty precise at the scale of a street."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def feedback_from_zalo_message(*, ward: Ward, zalo_user_id: str, message_id: str, text: str) -> tuple[Feedback, bool]:
    """A follower's message to the ward's Zalo OA becomes a case; Zalo retries webhooks, so the message id makes
    a repeat the same case."""
    from groups.models import Member

    member = Member.objects.filter(ward=ward, zalo_user_id=zalo_user_id).first() if zalo_user_id else None
    data = ReportData(
        category=Category.OTHER,
        description=text,
        name=member.full_name if member else "",
        phone=member.phone if member else "",
        anonymous=member is None,
        public=False,  # the resident did not choose to publish; staff may ask
        source=Feedback.Source.ZALO_OA,
        external_ref=message_id,
    )
    feedback, created = feedback_submit(ward=ward, data=data, form_token=f"zalo:{message_id}")
    if created and zalo_user_id:
        Feedback.objects.filter(pk=feedback.pk).update(reporter_zalo_id=zalo_user_id)
        feedback.reporter_zalo_id = zalo_user_id
        _notify_on_commit(feedback, "received")
    return feedback, created


def _photos_store(feedback: Feedback, event: FeedbackEvent, images: list[PreparedImage]) -> None:
    for image in images:
        photo = FeedbackPhoto(feedback=feedback, event=event)
        # A random name, never the phone's: "Nguyen-Van-A-selfie.jpg" would name a tipster to everyone who
        # opens the case.
        photo.image.save(f"{secrets.token_urlsafe(18)}.jpg", ContentFile(image.content), save=False)
        photo.save()


def _notify_on_commit(feedback: Feedback, what: str) -> None:
    from feedback.tasks import feedback_notify_reporter

    if feedback.reporter_phone or feedback.reporter_email or feedback.reporter_zalo_id:
        feedback_id = feedback.pk
        transaction.on_commit(lambda: feedback_notify_reporter.delay(feedback_id, what))


# --- staff ------------------------------------------------------------------------------------------------------


def _staff_case(user: Any, feedback: Feedback) -> Feedback:
    profile = staff_profile_of(user)
    if profile is None or profile.ward_id != feedback.ward_id:
        raise PermissionDenied
    return Feedback.objects.select_for_update().get(pk=feedback.pk)


def _event(feedback: Feedback, kind: str, actor: Any, **fields: Any) -> FeedbackEvent:
    return FeedbackEvent.objects.create(feedback=feedback, kind=kind, actor=actor, **fields)


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
        if to not in TRANSITIONS.get(feedback.status, set()):
            raise FeedbackError(
                _("A report that is “%(current)s” cannot become “%(next)s”.")
                % {"current": feedback.get_status_display(), "next": S(to).label}
            )
        if to in NEEDS_REASON and not reason:
            raise ValidationError({"reason": [_("Please give the reason.")]})
        if to == S.RESOLVED and not public_text.strip() and not feedback.resolution:
            raise ValidationError({"text": [_("Please write how it was resolved; the reporter will read it.")]})
        if to == S.DUPLICATE:
            if duplicate_of is None or duplicate_of.pk == feedback.pk or duplicate_of.ward_id != feedback.ward_id:
                raise ValidationError({"duplicate_of": [_("Please give the code of the report it repeats.")]})
            feedback.duplicate_of = duplicate_of
        now = timezone.now()
        previous = feedback.status
        feedback.status = to
        feedback.status_reason = reason
        if to in {S.TRIAGED, S.ASSIGNED} and feedback.accepted_at is None:
            feedback.accepted_at = now
        if to == S.RESOLVED:
            feedback.resolved_at = now
            if public_text.strip():
                feedback.resolution = public_text.strip()
        if to == S.CLOSED:
            feedback.closed_at = now
        if to == S.IN_PROGRESS and previous in {S.RESOLVED, S.CLOSED}:
            feedback.resolved_at = feedback.closed_at = None
        if to in NEEDS_REASON | {S.RESOLVED} and feedback.first_response_at is None:
            feedback.first_response_at = now
        feedback.save()
        _event(
            feedback,
            FeedbackEvent.Kind.STATUS,
            by,
            from_status=previous,
            to_status=to,
            is_public=True,
            text=public_text.strip() if to == S.RESOLVED else reason,
        )
        audit_record(actor=by, action="update", obj=feedback, ward=feedback.ward, summary=f"{previous} → {to}")
        _notify_on_commit(feedback, "status")
    return feedback


def feedback_assign(*, feedback: Feedback, by: Any, unit: Unit | None, assignee: Any = None) -> Feedback:
    from feedback.tasks import feedback_notify_unit

    with transaction.atomic():
        feedback = _staff_case(by, feedback)
        if unit is not None and unit.ward_id != feedback.ward_id:
            raise PermissionDenied
        if feedback.status not in Feedback.OPEN:
            raise FeedbackError(_("Only an open report can be assigned."))
        if assignee is not None and (unit is None or not unit.members.filter(pk=assignee.pk).exists()):
            raise ValidationError({"assignee": [_("The person must be a member of the unit.")]})
        previous = feedback.status
        feedback.unit, feedback.assignee = unit, assignee
        if unit is not None and feedback.status in {S.NEW, S.TRIAGED}:
            feedback.status = S.ASSIGNED
            feedback.accepted_at = feedback.accepted_at or timezone.now()
        feedback.save()
        _event(
            feedback,
            FeedbackEvent.Kind.ASSIGNED,
            by,
            text=unit.name if unit else "",
            from_status=previous,
            to_status=feedback.status,
        )
        audit_record(
            actor=by,
            action="update",
            obj=feedback,
            ward=feedback.ward,
            summary=f"assigned to {unit.name if unit else '-'}",
        )
        if unit is not None:
            feedback_id = feedback.pk
            transaction.on_commit(lambda: feedback_notify_unit.delay(feedback_id))
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


def feedback_reply(
    *, feedback: Feedback, by: Any, text: str, public: bool, photos: Iterable[UploadedFile] = ()
) -> FeedbackEvent:
    text = clean_multiline(text)
    if not text:
        raise ValidationError({"text": [_("Please write the reply.")]})
    prepared = [image_prepare(p, field="photos", max_bytes=settings.FEEDBACK_MAX_PHOTO_BYTES) for p in photos]
    with transaction.atomic():
        feedback = _staff_case(by, feedback)
        if public and feedback.status in {S.CLOSED, S.SPAM}:
            raise FeedbackError(_("This report is closed; reopen it before replying."))
        kind = FeedbackEvent.Kind.REPLY if public else FeedbackEvent.Kind.NOTE
        event = _event(feedback, kind, by, text=text[:5000], is_public=public)
        _photos_store(feedback, event, prepared)
        if public:
            if feedback.first_response_at is None:
                feedback.first_response_at = timezone.now()
            if feedback.status in {S.NEW, S.TRIAGED, S.ASSIGNED}:
                feedback.status = S.IN_PROGRESS if feedback.status == S.ASSIGNED else feedback.status
            feedback.accepted_at = feedback.accepted_at or timezone.now()
            feedback.save()
            _notify_on_commit(feedback, "reply")
    return event


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


def feedback_rate(*, feedback: Feedback, rating: int, comment: str = "", not_fixed: bool = False, via: str) -> Feedback:
    """The reporter (proven by `via`: their browser, their phone's digits or the link sent to them) rates the
    answer, once per case; a low rating or "not fixed" reopens it. A reporter who already rated may still say it
    is not fixed, which reopens it without a second rating."""
    if not via:
        raise PermissionDenied
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": [_("Please choose from 1 to 5 stars.")]})
    with transaction.atomic():
        feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
        if feedback.status not in {S.RESOLVED, S.CLOSED}:
            raise FeedbackError(_("You can rate the answer once the report is resolved."))
        if feedback.rating is not None and not not_fixed:
            raise FeedbackError(_("You have already rated this report. Thank you."))
        if feedback.rating is None:
            feedback.rating, feedback.rating_comment = rating, clean_multiline(comment)[:1000]
            text = f"{rating}/5 {feedback.rating_comment}".strip()
            _event(feedback, FeedbackEvent.Kind.RATED, None, text=text, via=via)
        if not_fixed or rating <= 2:
            previous = feedback.status
            feedback.status = S.IN_PROGRESS
            feedback.resolved_at = feedback.closed_at = None
            _event(
                feedback,
                FeedbackEvent.Kind.STATUS,
                None,
                from_status=previous,
                to_status=S.IN_PROGRESS,
                is_public=True,
                text=_("Reopened: the reporter says it is not fixed."),
                via=via,
            )
        else:
            if feedback.status == S.RESOLVED:
                feedback.status, feedback.closed_at = S.CLOSED, timezone.now()
        feedback.save()
    return feedback


def feedback_escalate_overdue(*, now: datetime | None = None) -> int:
    """Beat job: open cases past their deadline are escalated once to their unit's head (or the ward admins)."""
    from feedback.tasks import feedback_notify_escalation

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
            feedback_id = feedback.pk
            transaction.on_commit(lambda feedback_id=feedback_id: feedback_notify_escalation.delay(feedback_id))
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


# --- the ward's own set-up: units, canned replies, days off -----------------------------------------------------


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
                action="create" if creating else "update",
                obj=unit,
                ward=ward,
                summary=unit.name + (" (tips)" if unit.handles_tips else ""),
                changes=changes,
            )
    return unit


def unit_delete(*, unit: Unit, by: Any) -> None:
    """A unit with open cases cannot go: they would be left with nobody responsible."""
    _require_ward_admin(by, unit.ward)
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        open_cases = Feedback.objects.filter(unit=unit, status__in=Feedback.OPEN).count()
        if open_cases:
            raise ValidationError(
                _("%(name)s still has %(count)d open reports; assign them to another unit first.")
                % {"name": unit.name, "count": open_cases}
            )
        audit_record(actor=by, action="delete", obj=unit, ward=unit.ward, summary=unit.name)
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
        audit_record(actor=by, action="create" if creating else "update", obj=reply, ward=ward, summary=title)
    return reply


def canned_reply_delete(*, reply: CannedReply, by: Any) -> None:
    _require_ward_admin(by, reply.ward)
    with transaction.atomic():
        audit_record(actor=by, action="delete", obj=reply, ward=reply.ward, summary=reply.title)
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
            audit_record(actor=by, action="create", obj=holiday, ward=ward, summary=str(holiday))
    except IntegrityError:
        raise ValidationError({"date": [_("This day is already a day off of the ward.")]}) from None
    return holiday


def holiday_delete(*, holiday: Holiday, by: Any) -> None:
    if holiday.ward is None:
        raise PermissionDenied(_("National holidays are set by law and cannot be removed here."))
    _require_ward_admin(by, holiday.ward)
    with transaction.atomic():
        audit_record(actor=by, action="delete", obj=holiday, ward=holiday.ward, summary=str(holiday))
        holiday.delete()
