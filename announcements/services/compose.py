"""Composing an announcement: its text, audience, channels and files, checked and saved as a draft; and the
draft of a correction."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from announcements import rendering
from announcements.models import Announcement, AnnouncementFile
from announcements.services.base import ALL_KINDS, _profile_or_deny, action_check, action_role_check
from groups.models import Membership, ResidentialGroup
from groups.selectors import groups_for_user
from portal.common.audit import audit_record
from portal.common.images import image_prepare
from portal.common.text import clean_multiline, normalize_spaces
from portal.models import AuditEvent


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


def text_clean(data: Any, add: Any) -> None:
    """The title, text, category, urgency and channels of a ward's announcement or a province's, checked alike
    (`add(field, message)` collects what is wrong); `data` is tidied in place."""
    data.title = normalize_spaces(data.title)
    if not data.title:
        add("title", _("Please enter a title."))
    elif len(data.title) > 200:
        add("title", _("The title is at most 200 characters."))
    data.body = clean_multiline(data.body)
    if not data.body:
        add("body", _("Please write the text of the announcement."))
    elif len(data.body) > 20000:
        add("body", _("The text is at most 20,000 characters."))
    if data.category not in Announcement.Category.values:
        add("category", _("Please choose a category."))
    if data.urgency not in Announcement.Urgency.values:
        add("urgency", _("Please choose the urgency."))
    data.channels = [c for c in ALL_KINDS if c in set(data.channels)]
    if not data.channels:
        add("channels", _("Please choose at least one channel."))


def announcement_data_clean(*, user: Any, data: AnnouncementData) -> tuple[AnnouncementData, list[ResidentialGroup]]:
    profile = _profile_or_deny(user)
    errors: dict[str, list[str]] = {}

    def add(field_name: str, message: str) -> None:
        errors.setdefault(field_name, []).append(message)

    text_clean(data, add)
    data.meeting_place = normalize_spaces(data.meeting_place)[:300]
    data.poll_question = normalize_spaces(data.poll_question)[:300]
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
    charts: Iterable[tuple[str, bytes]] = (),
) -> Announcement:
    """Create or update a draft (or one waiting for approval) with its images and documents, all or nothing.
    `charts` are pictures the portal drew itself (name, PNG bytes): kept as PNG, where a photo becomes a JPEG."""
    profile = _profile_or_deny(user)
    if announcement is not None:
        action_role_check("edit", user, announcement)
    data, groups = announcement_data_clean(user=user, data=data)
    images, documents, charts = list(images), list(documents), list(charts)
    existing_images = announcement.files.filter(kind=AnnouncementFile.Kind.IMAGE).count() if announcement else 0
    if existing_images + len(images) + len(charts) > settings.ANNOUNCEMENT_MAX_IMAGES:
        raise ValidationError({"images": [_("At most %d images.") % settings.ANNOUNCEMENT_MAX_IMAGES]})
    prepared_images = [_image_prepare(upload) for upload in images] + charts
    prepared_documents = [_document_prepare(upload) for upload in documents]
    with transaction.atomic():
        if announcement is None:
            announcement = Announcement(ward=profile.ward, created_by=user, corrects=corrects)
            action = "create"
        else:
            announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
            action_check("edit", user, announcement)
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
    extension = "pdf" if kind == AnnouncementFile.Kind.DOCUMENT else "png" if name.endswith(".png") else "jpg"
    record.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(content), save=False)
    record.save()


def announcement_file_remove(*, user: Any, announcement_file: AnnouncementFile) -> None:
    """Its author removes a file while the announcement can be edited; someone else's only a ward admin."""
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().get(pk=announcement_file.announcement_id)
        action_check("remove-file", user, announcement)
        announcement_file.file.delete(save=False)
        announcement_file.delete()
        audit_record(actor=user, action=AuditEvent.Action.UPDATE, obj=announcement, ward=announcement.ward)


def announcement_correction_draft(*, original: Announcement, by: Any) -> Announcement:
    """A new draft for the same audience and channels, linked to what it corrects."""
    profile = action_check("correct", by, original)
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
        audit_record(actor=by, action=AuditEvent.Action.CREATE, obj=draft, ward=draft.ward, summary=original.title)
    return draft
