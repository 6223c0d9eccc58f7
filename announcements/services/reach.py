"""Reach without a channel: a leader records the households told in person or by the loudspeaker about an
announcement that went out, so the ward's figures include the residents no message can reach."""

from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from announcements.models import Announcement, AnnouncementReach, Delivery, InPersonReach, ProvinceAnnouncement
from announcements.selectors import audience_households, reach_of
from portal.common.audit import audit_record
from portal.models import AuditEvent

# One form at a time: more than a group's households is not a leader ticking names.
MAX_AT_ONCE = 500


def in_person_record(*, announcement: Announcement, household_ids: list[int], how: str, by: Any) -> int:
    """Record (or change to `how`) the households told; returns how many. Only an announcement that went out,
    only households of its audience in the person's own groups."""
    if announcement.status not in {Announcement.Status.SENDING, Announcement.Status.SENT}:
        raise ValidationError({"announcement": [_("Only an announcement that has gone out can be told in person.")]})
    if announcement.deliveries_removed_on:
        # Who a channel reached is gone with its deliveries: a household told now could not be told apart from one
        # already counted.
        raise ValidationError(
            {"announcement": [_("This announcement is too old: its list of recipients has been deleted.")]}
        )
    if how not in InPersonReach.How.values:
        raise ValidationError({"how": [_("Please choose how the households were told.")]})
    ids = sorted({pk for pk in household_ids if isinstance(pk, int)})
    if not ids:
        raise ValidationError({"households": [_("Please tick at least one household.")]})
    if len(ids) > MAX_AT_ONCE:
        raise ValidationError({"households": [_("At most %d households at once.") % MAX_AT_ONCE]})
    allowed = set(
        audience_households(user=by, announcement=announcement).filter(pk__in=ids).values_list("pk", flat=True)
    )
    if len(allowed) != len(ids):
        raise PermissionDenied
    with transaction.atomic():
        existing = dict(
            InPersonReach.objects.select_for_update()
            .filter(announcement=announcement, household_id__in=ids)
            .values_list("household_id", "how")
        )
        _reach_move(announcement, ids, existing, how)
        InPersonReach.objects.filter(announcement=announcement, household_id__in=existing).update(
            how=how, recorded_by=by
        )
        InPersonReach.objects.bulk_create(
            InPersonReach(announcement=announcement, household_id=pk, how=how, recorded_by=by)
            for pk in ids
            if pk not in existing
        )
        # "Hôm nay" keeps a sent announcement's reach a few minutes; this changes it.
        transaction.on_commit(lambda: cache.delete(f"reach:{announcement.pk}:{Announcement.Status.SENT}"))
        audit_record(
            actor=by,
            action=AuditEvent.Action.UPDATE,
            obj=announcement,
            ward=announcement.ward,
            summary=f"in person ({how}): {len(ids)} households",
        )
    return len(ids)


def reach_keep(announcement_id: int) -> None:
    """Work out an announcement's reach and keep it (when its sending ends, in that transaction): one count over
    its deliveries, once, so the province's page never makes it."""
    announcement = Announcement.objects.filter(pk=announcement_id).first()
    if announcement is None:
        return
    reach = reach_of(announcement)
    AnnouncementReach.objects.update_or_create(
        announcement=announcement,
        defaults={
            "ward_id": announcement.ward_id,
            "sent_on": timezone.localdate(announcement.send_started_at or timezone.now()),
            "audience_households": announcement.audience_households,
            "by_channel": reach.by_channel,
            "told": reach.told,
            "loudspeaker": reach.loudspeaker,
        },
    )


def _reach_move(announcement: Announcement, ids: list[int], existing: dict[int, str], how: str) -> None:
    """The kept reach moved by households newly told (or told another way): those a channel reached already
    count there and are left as they are, as reach_of counts them."""
    reached = set(
        Delivery.objects.filter(
            announcement=announcement,
            status__in=[Delivery.Status.SENT, Delivery.Status.DELIVERED],
            member__household_id__in=ids,
        ).values_list("member__household_id", flat=True)
    )
    field = {InPersonReach.How.TOLD: "told", InPersonReach.How.LOUDSPEAKER: "loudspeaker"}
    changes = {"told": 0, "loudspeaker": 0}
    for pk in ids:
        if pk in reached or existing.get(pk) == how:
            continue
        changes[field[how]] += 1
        if pk in existing:
            changes[field[existing[pk]]] -= 1
    if any(changes.values()):
        AnnouncementReach.objects.filter(announcement=announcement).update(
            **{name: F(name) + n for name, n in changes.items() if n}
        )


def province_notice_finish(announcement_id: int) -> None:
    """A province's notice is sent when the last of its wards' copies is."""
    notice_id = Announcement.objects.filter(pk=announcement_id).values_list("province_announcement_id", flat=True)
    notice_id = notice_id.first()
    if notice_id is None:
        return
    if not Announcement.objects.filter(province_announcement_id=notice_id).exclude(status=Announcement.Status.SENT):
        ProvinceAnnouncement.objects.filter(pk=notice_id, status=ProvinceAnnouncement.Status.SENDING).update(
            status=ProvinceAnnouncement.Status.SENT
        )
