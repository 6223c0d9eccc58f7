"""Writes for announcements: composing, the approval workflow, and the fan-out's exactly-once machinery.

Services validate, own their transaction, leave an audit event, and enqueue work only after commit. They raise
django.core.exceptions.ValidationError keyed by field name, which forms and the API show as they are.
"""

import logging
import random
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from announcements import rendering
from announcements.channels import Message, Result, ResultKind, sender_for
from announcements.channels.base import Batch, missing_settings
from announcements.models import Announcement, AnnouncementFile, Delivery, Response
from announcements.selectors import audience_sql, target_group_sql
from groups.models import Membership, ResidentialGroup, StaffProfile
from groups.selectors import groups_for_user, staff_profile_of
from portal.audit import audit_record
from portal.images import image_prepare
from portal.text import clean_multiline, mask_contacts, normalize_spaces

logger = logging.getLogger(__name__)

PERSONAL_KINDS = ["zalo_oa", "sms", "email"]
OUTLET_KINDS = ["zalo_group", "facebook_page", "web_feed"]
ALL_KINDS = PERSONAL_KINDS + OUTLET_KINDS
EDITABLE = {Announcement.Status.DRAFT, Announcement.Status.PENDING}
CANCELLABLE = {
    Announcement.Status.DRAFT,
    Announcement.Status.PENDING,
    Announcement.Status.APPROVED,
    Announcement.Status.SCHEDULED,
}
FINAL = [Delivery.Status.SENT, Delivery.Status.DELIVERED, Delivery.Status.FAILED, Delivery.Status.SKIPPED]


class AnnouncementError(ValidationError):
    """A workflow step that is not allowed now, with a message a person can read."""


# --- composing ------------------------------------------------------------------------------------------------


@dataclass
class AnnouncementData:
    title: str
    body: str
    category: str = Announcement.Category.OTHER
    urgency: str = Announcement.Urgency.ROUTINE
    whole_ward: bool = False
    group_ids: list[int] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    action: str = Announcement.Action.NONE
    meeting_at: datetime | None = None
    meeting_place: str = ""
    poll_question: str = ""
    poll_options: list[str] = field(default_factory=list)
    scheduled_at: datetime | None = None
    sms_unaccented: bool = True


def _profile_or_deny(user: Any) -> StaffProfile:
    profile = staff_profile_of(user)
    if profile is None:
        raise PermissionDenied
    return profile


def announcement_data_clean(*, user: Any, data: AnnouncementData) -> tuple[AnnouncementData, list[ResidentialGroup]]:
    profile = _profile_or_deny(user)
    errors: dict[str, list[str]] = {}

    def add(field_name: str, message: str) -> None:
        errors.setdefault(field_name, []).append(message)

    data.title = normalize_spaces(data.title)
    if not data.title:
        add("title", _("Please enter a title."))
    elif len(data.title) > 200:
        add("title", _("The title is at most 200 characters."))
    data.body = clean_multiline(data.body)
    data.meeting_place = normalize_spaces(data.meeting_place)[:300]
    data.poll_question = normalize_spaces(data.poll_question)[:300]
    if not data.body:
        add("body", _("Please write the text of the announcement."))
    elif len(data.body) > 20000:
        add("body", _("The text is at most 20,000 characters."))
    if data.category not in Announcement.Category.values:
        add("category", _("Please choose a category."))
    if data.urgency not in Announcement.Urgency.values:
        add("urgency", _("Please choose the urgency."))
    allowed_groups = groups_for_user(user=user).filter(is_active=True)
    groups: list[ResidentialGroup] = []
    if data.whole_ward:
        if not profile.is_ward_wide:
            add("whole_ward", _("Only ward staff can write to the whole ward."))
    else:
        groups = list(allowed_groups.filter(pk__in=data.group_ids))
        if len(groups) != len(set(data.group_ids)):
            add("group_ids", _("One of the chosen groups is not yours to write to."))
        elif not groups:
            add("group_ids", _("Please choose the whole ward or at least one residential group."))
    if any(role not in Membership.Role.values for role in data.roles):
        add("roles", _("Unknown role."))
    data.channels = [c for c in ALL_KINDS if c in set(data.channels)]
    if not data.channels:
        add("channels", _("Please choose at least one channel."))
    if data.action not in Announcement.Action.values:
        add("action", _("Please choose what readers are asked to do."))
    if data.action == Announcement.Action.RSVP:
        if data.meeting_at is None:
            add("meeting_at", _("Please give the meeting time."))
        if not data.meeting_place.strip():
            add("meeting_place", _("Please give the meeting place."))
    if data.action == Announcement.Action.POLL:
        data.poll_options = [normalize_spaces(o)[:200] for o in data.poll_options if normalize_spaces(o)]
        if not data.poll_question.strip():
            add("poll_question", _("Please write the poll question."))
        if not 2 <= len(data.poll_options) <= 6:
            add("poll_options", _("A poll has between 2 and 6 options."))
    if data.scheduled_at is not None and data.scheduled_at <= timezone.now():
        add("scheduled_at", _("The sending time must be in the future."))
    if errors:
        raise ValidationError(errors)
    return data, groups


def announcement_save(
    *,
    user: Any,
    data: AnnouncementData,
    announcement: Announcement | None = None,
    images: Iterable[UploadedFile] = (),
    documents: Iterable[UploadedFile] = (),
    corrects: Announcement | None = None,
) -> Announcement:
    """Create or update a draft (or one waiting for approval) with its images and documents, all or nothing."""
    profile = _profile_or_deny(user)
    if announcement is not None:
        _require_editor(user, announcement)
    data, groups = announcement_data_clean(user=user, data=data)
    images, documents = list(images), list(documents)
    existing_images = announcement.files.filter(kind=AnnouncementFile.Kind.IMAGE).count() if announcement else 0
    if existing_images + len(images) > settings.ANNOUNCEMENT_MAX_IMAGES:
        raise ValidationError({"images": [_("At most %d images.") % settings.ANNOUNCEMENT_MAX_IMAGES]})
    prepared_images = [_image_prepare(upload) for upload in images]
    prepared_documents = [_document_prepare(upload) for upload in documents]
    with transaction.atomic():
        if announcement is None:
            announcement = Announcement(ward=profile.ward, created_by=user, corrects=corrects)
            action = "create"
        else:
            announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
            if announcement.status not in EDITABLE:
                raise AnnouncementError(_("This announcement can no longer be edited."))
            action = "update"
        for name in (
            "title",
            "body",
            "category",
            "urgency",
            "whole_ward",
            "roles",
            "channels",
            "action",
            "meeting_at",
            "meeting_place",
            "poll_question",
            "poll_options",
            "scheduled_at",
            "sms_unaccented",
        ):
            setattr(announcement, name, getattr(data, name))
        announcement.body_html = rendering.body_to_html(data.body)
        announcement.on_web_feed = "web_feed" in data.channels
        announcement.save()
        announcement.groups.set(groups)
        for name, content in prepared_images:
            _file_store(announcement, AnnouncementFile.Kind.IMAGE, name, content)
        for name, content in prepared_documents:
            _file_store(announcement, AnnouncementFile.Kind.DOCUMENT, name, content)
        audit_record(actor=user, action=action, obj=announcement, ward=announcement.ward, summary=announcement.title)
    return announcement


def _image_prepare(upload: UploadedFile) -> tuple[str, bytes]:
    prepared = image_prepare(upload, field="images", max_bytes=settings.ANNOUNCEMENT_MAX_IMAGE_BYTES)
    return prepared.name, prepared.content


def _document_prepare(upload: UploadedFile) -> tuple[str, bytes]:
    if upload.size and upload.size > settings.ANNOUNCEMENT_MAX_DOCUMENT_BYTES:
        raise ValidationError({"documents": [_("“%s” is too large (at most 10 MB).") % upload.name]})
    content = upload.read()
    if not content.startswith(b"%PDF-"):
        raise ValidationError({"documents": [_("“%s” is not a PDF document.") % upload.name]})
    return (upload.name or "document.pdf")[:120], content


def _file_store(announcement: Announcement, kind: str, name: str, content: bytes) -> None:
    record = AnnouncementFile(announcement=announcement, kind=kind, original_name=name, size=len(content))
    # Stored under a random name; the name it came with is kept only in the row, for staff and the download.
    extension = "jpg" if kind == AnnouncementFile.Kind.IMAGE else "pdf"
    record.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(content), save=False)
    record.save()


def announcement_file_remove(*, user: Any, announcement_file: AnnouncementFile) -> None:
    """Its author removes a file while the announcement can be edited; someone else's only a ward admin."""
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().get(pk=announcement_file.announcement_id)
        _require_editor(user, announcement)
        if announcement.status not in EDITABLE:
            raise AnnouncementError(_("This announcement can no longer be edited."))
        announcement_file.file.delete(save=False)
        announcement_file.delete()
        audit_record(actor=user, action="update", obj=announcement, ward=announcement.ward)


# --- workflow -------------------------------------------------------------------------------------------------


def _locked(announcement: Announcement) -> Announcement:
    return Announcement.objects.select_for_update().get(pk=announcement.pk)


def _require_admin(user: Any, announcement: Announcement) -> StaffProfile:
    profile = _profile_or_deny(user)
    if not profile.is_ward_admin or profile.ward_id != announcement.ward_id:
        raise PermissionDenied(_("Only a ward admin of this ward can do that."))
    return profile


def _require_editor(user: Any, announcement: Announcement) -> None:
    from announcements.selectors import can_edit

    if not can_edit(user=user, announcement=announcement):
        raise PermissionDenied(_("Only its author or a ward admin can change this announcement."))


def announcement_submit(*, announcement: Announcement, by: Any) -> Announcement:
    """Ask for approval. A ward admin's own notice is approved at once when the ward allows it, and then goes
    out like any approved notice; an urgent one from an admin goes out at once even when the ward wants a second
    signature: a fire warning does not wait for one."""
    profile = _profile_or_deny(by)
    _require_editor(by, announcement)
    with transaction.atomic():
        announcement = _locked(announcement)
        if announcement.status != Announcement.Status.DRAFT:
            raise AnnouncementError(_("Only a draft can be sent for approval."))
        announcement.status = Announcement.Status.PENDING
        announcement.rejection_note = ""
        announcement.save(update_fields=["status", "rejection_note", "updated_at"])
        audit_record(actor=by, action="submit", obj=announcement, ward=announcement.ward)
        if approves_on_submit(profile=profile, announcement=announcement):
            announcement = _approve(announcement, by=by)
    return announcement


def approves_on_submit(*, profile: StaffProfile | None, announcement: Announcement) -> bool:
    """Whether this person's "send" needs no second signature, so that it approves (and so sends) at once."""
    if profile is None or not profile.is_ward_admin or profile.ward_id != announcement.ward_id:
        return False
    urgent = announcement.urgency == Announcement.Urgency.URGENT
    return urgent or not announcement.ward.requires_second_approver


def approval_sends_now(announcement: Announcement) -> bool:
    """Approval sends at once unless a time is set that is still ahead; an urgent notice never waits."""
    if announcement.urgency == Announcement.Urgency.URGENT:
        return True
    return not (announcement.scheduled_at and announcement.scheduled_at > timezone.now())


def announcement_approve(*, announcement: Announcement, by: Any) -> Announcement:
    _require_admin(by, announcement)
    with transaction.atomic():
        announcement = _locked(announcement)
        if announcement.status != Announcement.Status.PENDING:
            raise AnnouncementError(_("Only an announcement waiting for approval can be approved."))
        urgent = announcement.urgency == Announcement.Urgency.URGENT
        if announcement.created_by_id == by.pk and announcement.ward.requires_second_approver and not urgent:
            raise AnnouncementError(_("Another ward admin must approve what you wrote."))
        return _approve(announcement, by=by)


def _approve(announcement: Announcement, *, by: Any) -> Announcement:
    """Approval with a time still ahead schedules it; with none (or an urgent notice) it goes out now, as the
    compose form promises: "Send at (empty: when approved)". The confirmation page has shown whom it reaches."""
    announcement.status = Announcement.Status.APPROVED
    announcement.approved_by = by
    announcement.approved_at = timezone.now()
    sends = approval_sends_now(announcement)
    if not sends:
        announcement.status = Announcement.Status.SCHEDULED
    announcement.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    audit_record(actor=by, action="approve", obj=announcement, ward=announcement.ward)
    if sends:
        _start_sending(announcement, by=by)
    return announcement


def announcement_reject(*, announcement: Announcement, by: Any, note: str) -> Announcement:
    _require_admin(by, announcement)
    note = normalize_spaces(note)[:500]
    if not note:
        raise ValidationError({"note": [_("Please say what needs to change.")]})
    with transaction.atomic():
        announcement = _locked(announcement)
        if announcement.status != Announcement.Status.PENDING:
            raise AnnouncementError(_("Only an announcement waiting for approval can be sent back."))
        announcement.status = Announcement.Status.DRAFT
        announcement.rejection_note = note
        announcement.save(update_fields=["status", "rejection_note", "updated_at"])
        audit_record(actor=by, action="reject", obj=announcement, ward=announcement.ward, summary=note)
    return announcement


def announcement_schedule(*, announcement: Announcement, by: Any, at: datetime) -> Announcement:
    _require_admin(by, announcement)
    if at <= timezone.now():
        raise ValidationError({"scheduled_at": [_("The sending time must be in the future.")]})
    with transaction.atomic():
        announcement = _locked(announcement)
        if announcement.status not in {Announcement.Status.APPROVED, Announcement.Status.SCHEDULED}:
            raise AnnouncementError(_("Only an approved announcement can be scheduled."))
        announcement.status = Announcement.Status.SCHEDULED
        announcement.scheduled_at = at
        announcement.save(update_fields=["status", "scheduled_at", "updated_at"])
        audit_record(actor=by, action="schedule", obj=announcement, ward=announcement.ward)
    return announcement


def announcement_send_now(*, announcement: Announcement, by: Any) -> Announcement:
    _require_admin(by, announcement)
    with transaction.atomic():
        announcement = _locked(announcement)
        if announcement.status not in {Announcement.Status.APPROVED, Announcement.Status.SCHEDULED}:
            raise AnnouncementError(_("Only an approved announcement can be sent."))
        _start_sending(announcement, by=by)
    return announcement


def _start_sending(announcement: Announcement, *, by: Any) -> None:
    from announcements.tasks import announcement_dispatch

    announcement.status = Announcement.Status.SENDING
    announcement.send_started_at = timezone.now()
    announcement.save(update_fields=["status", "send_started_at", "updated_at"])
    audit_record(actor=by, action="send", obj=announcement, ward=announcement.ward)
    announcement_id = announcement.pk
    transaction.on_commit(lambda: announcement_dispatch.delay(announcement_id))


def announcement_cancel(*, announcement: Announcement, by: Any) -> Announcement:
    """Its author may withdraw a draft or one waiting for approval; once approved, only a ward admin cancels."""
    with transaction.atomic():
        announcement = _locked(announcement)
        if announcement.status in {Announcement.Status.APPROVED, Announcement.Status.SCHEDULED}:
            _require_admin(by, announcement)
        else:
            _require_editor(by, announcement)
        if announcement.status not in CANCELLABLE:
            raise AnnouncementError(_("It has gone out already; post a correction instead."))
        announcement.status = Announcement.Status.CANCELLED
        announcement.cancelled_at = timezone.now()
        announcement.save(update_fields=["status", "cancelled_at", "updated_at"])
        audit_record(actor=by, action="cancel", obj=announcement, ward=announcement.ward)
    return announcement


def announcement_correction_draft(*, original: Announcement, by: Any) -> Announcement:
    """A new draft for the same audience and channels, linked to what it corrects."""
    if original.status not in {Announcement.Status.SENDING, Announcement.Status.SENT}:
        raise AnnouncementError(_("Only an announcement that went out can be corrected."))
    profile = _profile_or_deny(by)
    with transaction.atomic():
        draft = Announcement.objects.create(
            ward=original.ward,
            created_by=by,
            corrects=original,
            title=(_("Correction: %s") % original.title)[:200],
            body=original.body,
            body_html=original.body_html,
            category=original.category,
            urgency=original.urgency,
            whole_ward=original.whole_ward and profile.is_ward_wide,
            roles=original.roles,
            channels=original.channels,
            on_web_feed=original.on_web_feed,
            sms_unaccented=original.sms_unaccented,
        )
        draft.groups.set(original.groups.all())
        audit_record(actor=by, action="create", obj=draft, ward=draft.ward, summary=original.title)
    return draft


# --- fan-out --------------------------------------------------------------------------------------------------


def _quiet_sms_not_before(now: datetime) -> datetime | None:
    start_text, end_text = settings.QUIET_HOURS_SMS.split("-")
    start = time.fromisoformat(start_text.strip())
    end = time.fromisoformat(end_text.strip())
    local = timezone.localtime(now)
    current = local.time()
    quiet = (start <= current or current < end) if start > end else (start <= current < end)
    if not quiet:
        return None
    morning = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if morning <= local:
        morning += timedelta(days=1)
    return morning


def deliveries_materialize(*, announcement: Announcement, now: datetime | None = None) -> int:
    """One delivery per targeted person (audience_sql) and one per group outlet, in two INSERT … SELECT
    statements.

    ON CONFLICT DO NOTHING against the partial unique indexes makes a repeat (a re-delivered task) a no-op.
    """
    now = now or timezone.now()
    chosen = set(announcement.channels)
    people, people_params = audience_sql(announcement)
    groups_sql, groups_params = target_group_sql(announcement)
    urgent = announcement.urgency == Announcement.Urgency.URGENT
    sms_not_before = None if urgent else _quiet_sms_not_before(now)
    # A bare NULL, not a CASE of NULLs, which PostgreSQL would type as text.
    not_before_sql = "CASE WHEN c.kind = 'sms' THEN %s ELSE NULL END" if sms_not_before else "NULL"
    not_before_params = [sms_not_before] if sms_not_before else []
    people_sql = f"""
        INSERT INTO announcements_delivery
            (announcement_id, kind, member_id, outlet_id, address, status, attempts, not_before, lease_until,
             batch_key, provider_message_id, request_id, reason, sent_at, delivered_at, updated_at)
        SELECT %s, c.kind, c.member_id, NULL,
            CASE c.kind WHEN 'sms' THEN c.phone WHEN 'email' THEN c.email
                WHEN 'zalo_oa' THEN CASE WHEN c.zalo_user_id <> '' THEN c.zalo_user_id ELSE c.phone END
                ELSE '' END,
            CASE WHEN c.kind = '' THEN 'skipped' ELSE 'queued' END, 0,
            {not_before_sql}, NULL,
            '', '', '', CASE WHEN c.kind = '' THEN 'no_consent' ELSE '' END, NULL, NULL, %s
        FROM ({people}
        ) c
        WHERE 1 = 1  -- SQLite needs a WHERE before ON CONFLICT in an INSERT ... SELECT
        ON CONFLICT DO NOTHING
    """
    outlet_kinds = [k for k in OUTLET_KINDS if k in chosen]
    with connection.cursor() as cursor:
        cursor.execute(people_sql, [announcement.pk, *not_before_params, now, *people_params])
        created = max(cursor.rowcount, 0)
        if outlet_kinds:
            cursor.execute(
                f"""
                INSERT INTO announcements_delivery
                    (announcement_id, kind, member_id, outlet_id, address, status, attempts, not_before,
                     lease_until, batch_key, provider_message_id, request_id, reason, sent_at, delivered_at,
                     updated_at)
                SELECT %s, ch.kind, NULL, ch.id, ch.external_id, 'queued', 0, NULL, NULL, '', '', '', '', NULL, NULL,
                       %s
                FROM groups_channel ch
                WHERE ch.ward_id = %s AND ch.is_active AND ch.delivery = 'per_group'
                  AND ch.kind IN ({", ".join(["%s"] * len(outlet_kinds))})
                  AND (ch.group_id IS NULL OR ch.group_id IN ({groups_sql}))
                ON CONFLICT DO NOTHING
                """,
                [announcement.pk, now, announcement.ward_id, *outlet_kinds, *groups_params],
            )
            created += max(cursor.rowcount, 0)
    return created


def announcement_dispatch(*, announcement_id: int) -> int:
    """Materialise the deliveries of an announcement that is sending, then start the send chains."""
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().filter(pk=announcement_id).first()
        if announcement is None or announcement.status != Announcement.Status.SENDING:
            return 0
        created = 0
        if announcement.materialized_at is None:
            created = deliveries_materialize(announcement=announcement)
            groups = (
                ResidentialGroup.objects.filter(ward_id=announcement.ward_id, is_active=True)
                if announcement.whole_ward
                else announcement.groups.all()
            )
            announcement.audience_households = sum(g.households_total for g in groups)
            announcement.materialized_at = timezone.now()
            announcement.save(update_fields=["materialized_at", "audience_households", "updated_at"])
        transaction.on_commit(lambda: _start_chains(announcement_id))
    return created


def _free_batches(rows: Any, now: datetime) -> Any:
    """Claimed rows no worker holds now: the lease of a dead worker ran out, or a retry's back-off is over."""
    return rows.filter(status=Delivery.Status.SENDING).filter(
        Q(lease_until__lt=now) | Q(lease_until__isnull=True, not_before__lte=now)
    )


def _due_kinds(announcement_id: int, now: datetime) -> dict[str, int]:
    """Per channel, how many deliveries could be claimed now (queued and due, or a batch free to take over)."""
    due: dict[str, int] = {}
    for kind in ALL_KINDS:
        rows = Delivery.objects.filter(announcement_id=announcement_id, kind=kind)
        queued = rows.filter(status=Delivery.Status.QUEUED).filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        count = queued.count()
        if count or _free_batches(rows, now).exists():
            due[kind] = max(count, 1)
    return due


def _start_chains(announcement_id: int) -> None:
    from announcements.tasks import deliveries_send

    for kind, count in _due_kinds(announcement_id, timezone.now()).items():
        batches = -(-count // sender_for(kind).batch_size)
        for _i in range(max(1, min(settings.DELIVERY_PARALLEL_CHAINS, batches))):
            deliveries_send.delay(announcement_id, kind)
    _finish_if_done(announcement_id)


def _chain_heartbeat_key(announcement_id: int, kind: str) -> str:
    return f"announcements:chain:{announcement_id}:{kind}"


@dataclass(frozen=True)
class Claimed:
    """What sending needs of a claimed delivery: a tuple, not a model instance (5,000 of those cost ~0.2 s)."""

    id: int
    member_id: int | None
    kind: str
    address: str
    attempts: int
    request_id: str

    @property
    def pk(self) -> int:
        return self.id


@dataclass(frozen=True)
class Claim:
    """A batch in one worker's hands: its key, and the attempt that fences its writes. Every row of a batch has
    the same attempt count; a worker that took the batch over raised it, so the late results of the worker it
    took over from match no row."""

    batch_key: str
    attempt: int
    deliveries: list[Claimed]

    def rows(self) -> Any:
        return Delivery.objects.filter(batch_key=self.batch_key, attempts=self.attempt, status=Delivery.Status.SENDING)


def _claimed(rows: Any) -> list[Claimed]:
    fields = ("id", "member_id", "kind", "address", "attempts", "request_id")
    return [Claimed(*row) for row in rows.order_by("id").values_list(*fields)]


def _claim(announcement_id: int, kind: str, size: int) -> Claim | None:
    """Take a batch: first one no worker holds (a dead worker's, or one whose retry came due), whole, with its
    key and request ids; otherwise the next queued rows, skipping rows others hold."""
    now = timezone.now()
    lease_until = now + timedelta(seconds=settings.DELIVERY_LEASE_SECONDS)
    rows = Delivery.objects.filter(announcement_id=announcement_id, kind=kind)
    with transaction.atomic():
        free = _free_batches(rows, now).select_for_update(skip_locked=True).order_by("id")
        key = free.values_list("batch_key", flat=True).first()
        if key:
            # The whole batch in one statement; of two workers that found it, the second waits for the first's
            # commit, finds the lease taken and updates nothing.
            taken = _free_batches(rows.filter(batch_key=key), now).update(
                lease_until=lease_until, not_before=None, attempts=F("attempts") + 1
            )
            if taken:
                claimed = _claimed(rows.filter(batch_key=key, status=Delivery.Status.SENDING))
                return Claim(key, claimed[0].attempts, claimed)
        queued = (
            rows.select_for_update(skip_locked=True)
            .filter(status=Delivery.Status.QUEUED)
            .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        )
        picked = list(queued.order_by("id").values_list("id", "request_id")[:size])
        if not picked:
            return None
        ids = [pk for pk, _request in picked]
        # Rows that share a request id from an earlier try (a bulk request whose answer never came, then "retry
        # failed") go together, so the repeat carries every number the first request did.
        shared = {request for _pk, request in picked if request}
        if shared:
            ids += list(queued.filter(request_id__in=shared).exclude(id__in=ids).values_list("id", flat=True))
        key = uuid.uuid4().hex
        Delivery.objects.filter(id__in=ids, status=Delivery.Status.QUEUED).update(
            status=Delivery.Status.SENDING, batch_key=key, lease_until=lease_until, not_before=None, attempts=1
        )
    return Claim(key, 1, _claimed(Delivery.objects.filter(batch_key=key, status=Delivery.Status.SENDING)))


def _plan_request_ids(sender: Any, claim: Claim, batch: Batch) -> Batch:
    """Fix the request ids of rows that have none yet, and store them before anything is sent: a worker that
    dies mid-request leaves them behind for the one that takes the batch over."""
    plan = getattr(sender, "request_ids", None)
    if plan is None:
        return batch
    planned = {pk: request for pk, request in plan(batch).items() if request}
    if not planned:
        return batch
    by_request: dict[str, list[int]] = {}
    for pk, request in planned.items():
        by_request.setdefault(request, []).append(pk)
    with transaction.atomic():
        for request, ids in by_request.items():
            claim.rows().filter(id__in=ids, request_id="").update(request_id=request)
    messages = [replace(m, request_id=m.request_id or planned.get(m.delivery_id, "")) for m in batch.messages]
    return replace(batch, messages=messages)


def _messages(announcement: Announcement, deliveries: list[Claimed]) -> list[Message]:
    images = list(announcement.files.filter(kind=AnnouncementFile.Kind.IMAGE))
    image_paths = tuple(f.file.path for f in images)
    image_urls = tuple(settings.PUBLIC_BASE_URL + f.url for f in images)
    shared_link = rendering.public_url(announcement)
    personal_link = rendering.needs_reader_link(announcement)
    html_cache: dict[str, str] = {}
    texts: dict[tuple[str, str], str] = {}
    messages = []
    for delivery in deliveries:
        link = rendering.reader_url(delivery.pk) if personal_link and delivery.member_id else shared_link
        render = rendering.sms_text if delivery.kind == "sms" else rendering.chat_text
        key = (delivery.kind, link)
        if key not in texts:
            texts[key] = render(announcement, link=link)
        html = ""
        if delivery.kind == "email":
            html = html_cache.get(link) or html_cache.setdefault(link, rendering.email_html(announcement, link=link))
        messages.append(
            Message(
                delivery_id=delivery.pk,
                address=delivery.address,
                title=announcement.title,
                text=texts[key],
                html=html,
                link=link,
                image_paths=image_paths,
                image_urls=image_urls,
                request_id=delivery.request_id,
            )
        )
    return messages


def _backoff(attempts: int) -> timedelta:
    base = settings.DELIVERY_RETRY_BASE_SECONDS * (2 ** max(0, attempts - 1))
    return timedelta(seconds=min(base, 3600) * random.uniform(0.5, 1.5))


def _apply(claim: Claim, results: list[Result], *, announcement_id: int, kind: str) -> None:
    """Write every result into its delivery row, grouping identical updates into one statement. Each write is a
    compare-and-set on the claim (batch key, attempt, still sending): a worker that lost the batch writes nothing.
    """
    now = timezone.now()
    by_id = {d.pk: d for d in claim.deliveries}
    # One back-off for the whole batch: what is still to retry is retried together, by one worker, at one time.
    retry_at = now + _backoff(claim.attempt)
    last_try = claim.attempt >= settings.DELIVERY_MAX_ATTEMPTS
    updates: dict[tuple, tuple[dict[str, Any], list[int]]] = {}
    pause_until: datetime | None = None
    for result in results:
        delivery = by_id.get(result.delivery_id)
        if delivery is None:
            continue
        # Provider text may quote the address it refused; staff outside a tip unit read these reasons.
        reason = mask_contacts(result.reason)[:300]
        request = {"request_id": result.request_id[:64]} if result.request_id else {}
        if result.kind == ResultKind.ACCEPTED:
            values: dict[str, Any] = {
                "status": Delivery.Status.SENT,
                "sent_at": now,
                "provider_message_id": result.provider_message_id[:128],
                "reason": reason,
                "lease_until": None,
            } | request
        elif result.kind == ResultKind.DELIVERED:
            values = {
                "status": Delivery.Status.DELIVERED,
                "sent_at": now,
                "delivered_at": now,
                "lease_until": None,
                "provider_message_id": result.provider_message_id[:128],
            } | request
        elif result.kind == ResultKind.PERMANENT or (result.kind in {ResultKind.RETRY, ResultKind.AUTH} and last_try):
            # The request id stays: after an answer that never came, "retry failed" repeats it, and the provider
            # says "already sent" if it did get through.
            values = {"status": Delivery.Status.FAILED, "reason": reason, "lease_until": None} | request
        elif result.kind in {ResultKind.RETRY, ResultKind.AUTH}:
            # Still claimed, with the same batch key and request ids; free to take over once the back-off is over.
            values = {"reason": reason, "lease_until": None, "not_before": retry_at} | request
        else:  # DEFERRED or QUOTA: surely not sent, so it may go later in any batch, under a new request id
            not_before = (
                datetime.fromtimestamp(result.not_before, tz=timezone.get_current_timezone())
                if result.not_before
                else now + timedelta(hours=1)
            )
            if result.kind == ResultKind.QUOTA:
                pause_until = not_before
            values = {
                "status": Delivery.Status.QUEUED,
                "batch_key": "",
                "lease_until": None,
                "not_before": not_before,
                "reason": reason,
                "request_id": "",
                "attempts": 0,
            }
        key = tuple(sorted((k, str(v)) for k, v in values.items()))
        updates.setdefault(key, (values, []))[1].append(result.delivery_id)
    with transaction.atomic():
        if len(updates) == 1 and len(next(iter(updates.values()))[1]) == len(claim.deliveries):
            # The usual case, a whole batch with one outcome: found by its key (a small partial index) rather
            # than by a list of thousands of ids.
            values, _ids = next(iter(updates.values()))
            claim.rows().update(**values)
            updates = {}
        for values, ids in updates.values():
            claim.rows().filter(id__in=ids).update(**values)
        if pause_until is not None:
            # Out of quota: the whole channel waits, rather than every batch hitting the same wall.
            Delivery.objects.filter(announcement_id=announcement_id, kind=kind, status=Delivery.Status.QUEUED).filter(
                Q(not_before__isnull=True) | Q(not_before__lt=pause_until)
            ).update(not_before=pause_until)


def deliveries_send_batch(*, announcement_id: int, kind: str) -> int:
    """Claim one batch of one channel, send it through the channel's adapter, record the results.
    Returns how many deliveries were in the batch (0: nothing left to claim now)."""
    sender = sender_for(kind)
    claim = _claim(announcement_id, kind, sender.batch_size)
    if claim is None:
        # No heartbeat for a chain that found nothing: the sweeper must not wait for it to take over what a dead
        # worker left.
        _finish_if_done(announcement_id)
        return 0
    cache.set(_chain_heartbeat_key(announcement_id, kind), 1, timeout=settings.DELIVERY_HEARTBEAT_SECONDS)
    announcement = Announcement.objects.get(pk=announcement_id)
    if announcement.status == Announcement.Status.CANCELLED:
        claim.rows().update(status=Delivery.Status.SKIPPED, reason="cancelled", lease_until=None)
        return len(claim.deliveries)
    missing = missing_settings(kind)
    if missing:
        reason = f"channel not configured: {', '.join(missing)}"
        results = [Result(d.pk, ResultKind.PERMANENT, reason=reason) for d in claim.deliveries]
        _apply(claim, results, announcement_id=announcement_id, kind=kind)
        _finish_if_done(announcement_id)
        return len(claim.deliveries)
    batch = Batch(
        request_id=claim.batch_key,
        messages=_messages(announcement, claim.deliveries),
        urgent=announcement.urgency == Announcement.Urgency.URGENT,
    )
    batch = _plan_request_ids(sender, claim, batch)
    try:
        results = sender.send(batch)
    except Exception:  # an adapter bug must not lose the batch: it stays claimed and is retried after the lease
        logger.exception("channel %s failed on batch %s", kind, claim.batch_key)
        raise
    _apply(claim, results, announcement_id=announcement_id, kind=kind)
    _finish_if_done(announcement_id)
    return len(claim.deliveries)


def deliveries_chain_step(*, announcement_id: int, kind: str) -> float | None:
    """One step of a send chain: send a batch. Returns when to take the next step, in seconds: 0 after a batch;
    the wait until the earliest retry of this channel comes due, when that is soon (the chain stays alive for it,
    instead of leaving the retry to the next sweep); None when there is nothing left for the chain to do."""
    if deliveries_send_batch(announcement_id=announcement_id, kind=kind):
        return 0.0
    now = timezone.now()
    due = (
        Delivery.objects.filter(
            announcement_id=announcement_id, kind=kind, status=Delivery.Status.SENDING, lease_until__isnull=True
        )
        .order_by("not_before")
        .values_list("not_before", flat=True)
        .first()
    )
    if due is None:
        return None
    wait = max((due - now).total_seconds(), 0.0)
    if wait > settings.DELIVERY_HEARTBEAT_SECONDS:
        return None  # a long back-off: the sweeper starts a chain when it is over
    cache.set(_chain_heartbeat_key(announcement_id, kind), 1, timeout=int(wait + settings.DELIVERY_HEARTBEAT_SECONDS))
    return wait


def _finish_if_done(announcement_id: int) -> None:
    open_rows = Delivery.objects.filter(
        announcement_id=announcement_id, status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING]
    )
    if not open_rows.exists():
        Announcement.objects.filter(
            pk=announcement_id, status=Announcement.Status.SENDING, materialized_at__isnull=False
        ).update(status=Announcement.Status.SENT, sent_at=timezone.now())


def deliveries_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """The one beat job: start due schedules, re-dispatch lost dispatches, and restart send chains for work
    no live worker is doing (retries that came due, the morning after quiet hours, batches of a dead worker)."""
    from announcements.tasks import announcement_dispatch, deliveries_send

    now = now or timezone.now()
    started = 0
    for announcement in Announcement.objects.filter(status=Announcement.Status.SCHEDULED, scheduled_at__lte=now):
        with transaction.atomic():
            locked = _locked(announcement)
            if locked.status == Announcement.Status.SCHEDULED:
                _start_sending(locked, by=None)
                started += 1
    redispatched = chains = 0
    for announcement in Announcement.objects.filter(status=Announcement.Status.SENDING):
        if announcement.materialized_at is None:
            # The dispatch message was lost (broker restarted); dispatching twice is safe, it locks the row.
            lost_after = timedelta(seconds=settings.DELIVERY_LEASE_SECONDS)
            if announcement.send_started_at and announcement.send_started_at < now - lost_after:
                announcement_dispatch.delay(announcement.pk)
                redispatched += 1
            continue
        due = _due_kinds(announcement.pk, now)
        for kind in due:
            if cache.get(_chain_heartbeat_key(announcement.pk, kind)):
                continue  # a chain is working on it
            for _i in range(settings.DELIVERY_PARALLEL_CHAINS):
                deliveries_send.delay(announcement.pk, kind)
                chains += 1
        if not due:
            _finish_if_done(announcement.pk)
    return {"started": started, "redispatched": redispatched, "chains": chains}


def deliveries_retry_failed(*, announcement: Announcement, by: Any) -> int:
    _require_admin(by, announcement)
    with transaction.atomic():
        announcement = _locked(announcement)
        if announcement.status not in {Announcement.Status.SENDING, Announcement.Status.SENT}:
            raise AnnouncementError(_("Only the failures of an announcement that went out can be retried."))
        # Each row keeps its request id: one that failed after an answer that never came may have been sent, and
        # the provider answers its repeat "already sent" instead of sending it twice.
        count = Delivery.objects.filter(announcement=announcement, status=Delivery.Status.FAILED).update(
            status=Delivery.Status.QUEUED, attempts=0, batch_key="", not_before=None, lease_until=None
        )
        if count:
            announcement.status = Announcement.Status.SENDING
            announcement.save(update_fields=["status", "updated_at"])
            announcement_id = announcement.pk
            transaction.on_commit(lambda: _start_chains(announcement_id))
        audit_record(actor=by, action="retry", obj=announcement, ward=announcement.ward, summary=str(count))
    return count


# --- what comes back --------------------------------------------------------------------------------------------


def delivery_report(
    *,
    kind: str,
    delivered: bool,
    provider_message_id: str = "",
    delivery_id: int | None = None,
    address: str = "",
    reason: str = "",
    request_id: str = "",
) -> int:
    """A provider says a message arrived (or was refused): move the delivery from sent to delivered or failed.
    Reports may repeat and arrive out of order; a delivered row stays delivered. A row whose answer never came
    (still sending, no provider id yet) is found by its request id: the report settles what the retry would
    otherwise have to ask."""
    rows = Delivery.objects.filter(kind=kind, status__in=[Delivery.Status.SENT, Delivery.Status.SENDING])
    if delivery_id is not None:
        rows = rows.filter(pk=delivery_id)
    elif provider_message_id or request_id:
        found = Q(provider_message_id=provider_message_id) if provider_message_id else Q()
        if request_id:
            found = found | Q(request_id=request_id) if provider_message_id else Q(request_id=request_id)
        rows = rows.filter(found)
        if address:
            rows = rows.filter(address=address)
    else:
        return 0
    now = timezone.now()
    if delivered:
        return rows.update(status=Delivery.Status.DELIVERED, delivered_at=now)
    return rows.update(status=Delivery.Status.FAILED, reason=mask_contacts(reason)[:300] or "refused by the provider")


def response_record(*, delivery: Delivery, kind: str, value: str = "") -> Response:
    """A reader confirms, answers the invitation or the poll. Answering again changes the answer."""
    announcement = delivery.announcement
    if delivery.member_id is None:
        raise PermissionDenied
    if kind == Response.Kind.RSVP and value not in Response.Rsvp.values:
        raise ValidationError({"value": [_("Please choose one of the answers.")]})
    if kind == Response.Kind.POLL and value not in announcement.poll_options:
        raise ValidationError({"value": [_("Please choose one of the answers.")]})
    if kind == Response.Kind.CONFIRM:
        value = "yes"
    with transaction.atomic():
        response, _created = Response.objects.update_or_create(
            announcement=announcement, member_id=delivery.member_id, kind=kind, defaults={"value": value}
        )
        # Opening the signed link proves the message arrived, whatever the provider reported.
        Delivery.objects.filter(pk=delivery.pk, status__in=[Delivery.Status.SENT, Delivery.Status.SENDING]).update(
            status=Delivery.Status.DELIVERED, delivered_at=timezone.now()
        )
    return response


def delivery_opened(*, delivery: Delivery) -> None:
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENT).update(
        status=Delivery.Status.DELIVERED, delivered_at=timezone.now()
    )
