"""Meetings of residents: set up with their RSVP announcement (a draft that goes through the ward's approval),
attendance taken by ticking names or scanning a resident's personal QR code, minutes attached as a PDF."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from announcements.models import Announcement
from announcements.services import AnnouncementData, announcement_save
from campaigns.models import Attendance, Meeting, MinutesVersion
from campaigns.selectors.meetings import invitees_for
from groups.models import Member
from groups.selectors import groups_for_user, staff_profile_in, staff_profile_of
from groups.services.rollups import ward_day_add
from portal.common.audit import audit_record
from portal.common.text import clean_multiline, normalize_spaces
from portal.models import AuditEvent

MAX_MINUTES_BYTES = 10 * 1024 * 1024
_QR_SALT = "meeting-attendance"


@dataclass
class MeetingData:
    title: str
    starts_at: datetime | None
    place: str
    agenda: str = ""
    whole_ward: bool = False
    group_ids: list[int] = field(default_factory=list)
    channels: list[str] = field(default_factory=lambda: ["web_feed"])


def meeting_create(*, data: MeetingData, by: Any) -> Meeting:
    """The meeting and its RSVP announcement (a draft of `by`, to the same groups), in one transaction."""
    profile = staff_profile_of(by)
    if profile is None:
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    title, place = normalize_spaces(data.title)[:200], normalize_spaces(data.place)[:300]
    if not title:
        errors["title"] = [_("Please give the meeting a title.")]
    if not place:
        errors["place"] = [_("Please give the meeting place.")]
    if data.starts_at is None:
        errors["starts_at"] = [_("Please give the meeting time.")]
    elif data.starts_at < timezone.now() - timedelta(days=60):
        errors["starts_at"] = [_("This time is long past; please check the date.")]
    groups = list(groups_for_user(user=by).filter(is_active=True, pk__in=data.group_ids))
    if data.whole_ward and not profile.is_ward_wide:
        errors["whole_ward"] = [_("Only ward staff can invite the whole ward.")]
    elif not data.whole_ward and (not groups or len(groups) != len(set(data.group_ids))):
        errors["group_ids"] = [_("Please choose the groups invited (your own).")]
    if errors:
        raise ValidationError(errors)
    agenda = clean_multiline(data.agenda)[:5000]
    body = agenda or title
    with transaction.atomic():
        announcement = announcement_save(
            user=by,
            data=AnnouncementData(
                title=title,
                body=body,
                category=Announcement.Category.MEETING,
                whole_ward=data.whole_ward,
                group_ids=[g.pk for g in groups],
                channels=data.channels,
                action=Announcement.Action.RSVP,
                meeting_at=data.starts_at,
                meeting_place=place,
            ),
        )
        meeting = Meeting.objects.create(
            ward=profile.ward,
            title=title,
            starts_at=data.starts_at,
            place=place,
            agenda=agenda,
            whole_ward=data.whole_ward,
            announcement=announcement,
            created_by=by,
        )
        meeting.groups.set(groups)
        ward_day_add(meeting.ward_id, timezone.localdate(meeting.starts_at), meetings=1)
        audit_record(actor=by, action=AuditEvent.Action.CREATE, obj=meeting, ward=profile.ward, summary=title)
    return meeting


def attendance_set(
    *, meeting: Meeting, member_ids: list[int], by: Any, shown_ids: list[int] | None = None
) -> tuple[int, int]:
    """The leader's ticks for the people they look after: those ticked attend, those unticked (ticked before by
    hand) no longer. `shown_ids`: the people the form showed (after a search, a few): only they can be unticked,
    everyone else stays as they were. A QR check-in is never undone by a missing tick. Returns (added, removed)."""
    everyone = dict(invitees_for(meeting=meeting, user=by).values_list("member_id", "group_id"))
    wanted = {pk for pk in member_ids if pk in everyone}
    if len(wanted) != len(set(member_ids)):
        raise PermissionDenied
    scope = everyone if shown_ids is None else {pk: everyone[pk] for pk in set(shown_ids) | wanted if pk in everyone}
    with transaction.atomic():
        # One edit of a meeting's attendance at a time, so the ward's count moves by exactly what changed.
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        present = set(
            Attendance.objects.filter(meeting=meeting, member_id__in=list(scope)).values_list("member_id", flat=True)
        )
        Attendance.objects.bulk_create(
            [
                Attendance(meeting=meeting, member_id=pk, group_id=scope[pk], how=Attendance.How.TICK, recorded_by=by)
                for pk in wanted - present
            ],
            ignore_conflicts=True,
        )
        removed, _n = Attendance.objects.filter(
            meeting=meeting, member_id__in=list(set(scope) - wanted), how=Attendance.How.TICK
        ).delete()
        ward_day_add(meeting.ward_id, timezone.localdate(meeting.starts_at), attendance=len(wanted - present) - removed)
        audit_record(
            actor=by,
            action=AuditEvent.Action.UPDATE,
            obj=meeting,
            ward=meeting.ward,
            summary=f"attendance: +{len(wanted - present)} -{removed}",
        )
    return len(wanted - present), removed


def qr_token(meeting: Meeting, member: Member) -> str:
    """What a resident's personal QR code holds for one meeting: signed, so it cannot be made up for another."""
    return signing.dumps([meeting.pk, member.pk], salt=_QR_SALT, compress=True)


def attendance_scan(*, meeting: Meeting, token: str, by: Any) -> tuple[Member, bool]:
    """A resident's code scanned at the door: (the person, whether this recorded them now)."""
    try:
        meeting_id, member_id = signing.loads((token or "").strip()[:300], salt=_QR_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise ValidationError({"token": [_("This is not a meeting code of the portal.")]}) from None
    if meeting_id != meeting.pk:
        raise ValidationError({"token": [_("This code is for another meeting.")]})
    membership = invitees_for(meeting=meeting, user=by).filter(member_id=member_id).select_related("member").first()
    if membership is None:
        raise ValidationError({"token": [_("This person is not invited in your groups.")]})
    with transaction.atomic():
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        _attendance, created = Attendance.objects.get_or_create(
            meeting=meeting,
            member_id=member_id,
            defaults={"group_id": membership.group_id, "how": Attendance.How.QR, "recorded_by": by},
        )
        if created:
            ward_day_add(meeting.ward_id, timezone.localdate(meeting.starts_at), attendance=1)
    if created:
        audit_record(
            actor=by,
            action=AuditEvent.Action.UPDATE,
            obj=meeting,
            ward=meeting.ward,
            summary=f"attendance qr {member_id}",
        )
    return membership.member, created


def may_keep_minutes(user: Any, meeting: Meeting) -> bool:
    """Who may attach or replace a meeting's minutes: those who run it, its organiser and the ward's admins."""
    profile = staff_profile_in(user, meeting.ward_id)
    if profile is None:
        return False
    return profile.is_ward_admin or meeting.created_by_id == user.pk


def minutes_attach(*, meeting: Meeting, upload: UploadedFile, by: Any) -> Meeting:
    """Attach the minutes as a new version: the earlier ones are kept with who attached them and when."""
    if not may_keep_minutes(by, meeting):
        raise PermissionDenied
    if upload.size and upload.size > MAX_MINUTES_BYTES:
        raise ValidationError({"minutes": [_("“%s” is too large (at most 10 MB).") % upload.name]})
    content = upload.read()
    if not content.startswith(b"%PDF-"):
        raise ValidationError({"minutes": [_("“%s” is not a PDF document.") % upload.name]})
    name = (upload.name or "bien-ban.pdf")[:200]
    with transaction.atomic():
        version = MinutesVersion(meeting=meeting, name=name, uploaded_by=by)
        # A random name of its own: every version is a file of its own, served only through the checking view.
        version.file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(content), save=False)
        version.save()
        meeting.minutes, meeting.minutes_name = version.file.name, name
        meeting.save(update_fields=["minutes", "minutes_name"])
        audit_record(
            actor=by,
            action=AuditEvent.Action.UPDATE,
            obj=meeting,
            ward=meeting.ward,
            summary=f"minutes version {version.pk} attached",
        )
    return meeting
