"""A province's announcement: written by its admin, then sent as one announcement in each ward chosen, through
that ward's own channels, to its residents who agreed to them. The wards' copies go the way a ward's own does
(quiet hours unless urgent, batches, retries, receipts); the ward's staff read them and change nothing."""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from announcements import rendering
from announcements.models import Announcement, ProvinceAnnouncement
from announcements.services.base import AnnouncementError
from announcements.services.compose import text_clean
from announcements.services.workflow import _start_sending
from groups.models import Province, Ward
from groups.selectors import province_admin_of
from portal.common.audit import audit_record
from portal.models import AuditEvent


@dataclass
class ProvinceNoticeData:
    title: str
    body: str
    category: str = Announcement.Category.OTHER
    urgency: str = Announcement.Urgency.ROUTINE
    channels: list[str] = field(default_factory=list)
    ward_ids: list[int] = field(default_factory=list)  # empty: every ward of the province


def _wards_clean(province: Province, ids: list[int], add: Any) -> list[Ward]:
    wards = list(Ward.objects.filter(province=province, pk__in=ids))
    if len(wards) != len(set(ids)):
        add("ward_ids", _("One of the chosen wards is not of your province."))
    return wards


def province_announcement_save(
    *, user: Any, data: ProvinceNoticeData, draft: ProvinceAnnouncement | None = None
) -> ProvinceAnnouncement:
    """Write or change a draft: nothing goes out until it is sent."""
    staff = province_admin_of(user)
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    text_clean(data, add)
    wards = _wards_clean(staff.province, data.ward_ids, add)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if draft is None:
            draft = ProvinceAnnouncement(province=staff.province, created_by=user)
        else:
            draft = ProvinceAnnouncement.objects.select_for_update().get(pk=draft.pk, province=staff.province)
            if draft.status != ProvinceAnnouncement.Status.DRAFT:
                raise AnnouncementError(_("This announcement can no longer be edited."))
        for name in ("title", "body", "category", "urgency", "channels"):
            setattr(draft, name, getattr(data, name))
        draft.save()
        draft.wards.set(wards)
        audit_record(actor=user, action=AuditEvent.Action.UPDATE, obj=draft, summary=draft.title)
    return draft


def province_announcement_wards(notice: ProvinceAnnouncement) -> list[Ward]:
    """The wards it goes (or went) to: those chosen, or every ward of the province."""
    chosen = list(notice.wards.order_by("name"))
    return chosen or list(Ward.objects.filter(province_id=notice.province_id).order_by("name"))


def province_announcement_send(*, notice: ProvinceAnnouncement, by: Any) -> list[Announcement]:
    """One announcement in each ward, approved by the province and sending at once, in one transaction: the
    wards' dispatches start when it commits, each on its own ward's channels and residents."""
    staff = province_admin_of(by)
    now = timezone.now()
    with transaction.atomic():
        notice = ProvinceAnnouncement.objects.select_for_update().get(pk=notice.pk, province=staff.province)
        if notice.status != ProvinceAnnouncement.Status.DRAFT:
            raise AnnouncementError(_("This announcement has already gone out."))
        parts = []
        for ward in province_announcement_wards(notice):
            part = Announcement.objects.create(
                ward=ward,
                title=notice.title,
                body=notice.body,
                body_html=rendering.body_to_html(notice.body),
                category=notice.category,
                urgency=notice.urgency,
                whole_ward=True,
                channels=notice.channels,
                on_web_feed="web_feed" in notice.channels,
                status=Announcement.Status.APPROVED,
                created_by=notice.created_by,
                approved_by=by,
                approved_at=now,
                province_announcement=notice,
            )
            _start_sending(part, by=by)
            parts.append(part)
        notice.status, notice.sent_by, notice.sent_at = ProvinceAnnouncement.Status.SENDING, by, now
        notice.save(update_fields=["status", "sent_by", "sent_at"])
        audit_record(actor=by, action=AuditEvent.Action.SEND, obj=notice, summary=f"{notice.title}: {len(parts)}")
    return parts


def province_announcement_cancel(*, notice: ProvinceAnnouncement, by: Any) -> ProvinceAnnouncement:
    staff = province_admin_of(by)
    with transaction.atomic():
        notice = ProvinceAnnouncement.objects.select_for_update().get(pk=notice.pk, province=staff.province)
        if notice.status != ProvinceAnnouncement.Status.DRAFT:
            raise AnnouncementError(_("It has gone out already; post a correction instead."))
        notice.status = ProvinceAnnouncement.Status.CANCELLED
        notice.save(update_fields=["status"])
        audit_record(actor=by, action=AuditEvent.Action.CANCEL, obj=notice, summary=notice.title)
    return notice
