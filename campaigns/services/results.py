"""A campaign's results told back to the residents: a draft announcement with the figures and the chart, which
then goes through the ward's normal approval and fan-out like any other."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from announcements.models import Announcement
from announcements.services import AnnouncementData, announcement_save
from campaigns.charts import progress_chart_png
from campaigns.models import Campaign
from campaigns.selectors import attendance_by_group, campaign_progress
from groups.selectors import is_ward_admin, staff_profile_of
from portal.common.audit import audit_record
from portal.common.charts import bars_png
from portal.common.numbers import percent_of, vn_number, vn_percent
from portal.models import AuditEvent

# The channels of a results announcement when the campaign was never announced through the portal: its own
# public page, which reaches no one by itself; staff add the others on the draft before sending it.
DEFAULT_CHANNELS = ["web_feed"]


def may_announce_results(user: Any, ward_id: int) -> bool:
    """A results announcement goes to the whole ward or several groups: ward admins and staff write it, not a
    group leader."""
    profile = staff_profile_of(user)
    return profile is not None and profile.ward_id == ward_id and profile.is_ward_wide


def _require_ward_staff(user: Any, ward_id: int) -> None:
    if not may_announce_results(user, ward_id):
        raise PermissionDenied


def results_channels(campaign: Campaign) -> list[str]:
    """The channels the campaign's own announcements used; its public page alone when it has none."""
    return sorted({kind for a in campaign.announcements.all() for kind in a.channels}) or DEFAULT_CHANNELS


def results_text(campaign: Campaign) -> tuple[str, str]:
    """The title and body (Markdown) of the results announcement, in the words a ward posts in its groups."""
    progress = campaign_progress(campaign=campaign)
    unit = campaign.unit_name
    title = _("Results: %(name)s") % {"name": campaign.name}
    lines = [
        _("The Front committee of %(ward)s thanks every household that took part in “%(name)s”.")
        % {"ward": campaign.ward.name, "name": campaign.name},
        "",
        _("**%(amount)s %(unit)s** of the target %(target)s %(unit)s: **%(percent)s**.")
        % {
            "amount": vn_number(progress.amount),
            "target": vn_number(progress.target),
            "unit": unit,
            "percent": vn_percent(progress.percent),
        },
        _("%(n)s of %(total)s households took part (%(coverage)s).")
        % {
            "n": vn_number(progress.households),
            "total": vn_number(progress.households_total),
            "coverage": vn_percent(progress.coverage),
        },
    ]
    leaders = [g for g in progress.groups if g.rank is not None and g.rank <= 3]
    leaders.sort(key=lambda g: g.rank or 0)
    if leaders:
        lines += ["", _("Groups furthest ahead:")]
        lines += [f"- {g.name}: {vn_percent(g.percent)}" for g in leaders]
    return title, "\n".join(lines)


def campaign_results_draft(*, campaign: Campaign, by: Any) -> Announcement:
    """Compose the results announcement as a draft of `by`, linked to the campaign, to the whole ward on the
    channels the campaign's earlier announcements used. Nothing is sent until it is approved."""
    _require_ward_staff(by, campaign.ward_id)
    channels = results_channels(campaign)
    title, body = results_text(campaign)
    png = progress_chart_png(campaign_progress(campaign=campaign))
    data = AnnouncementData(title=title[:200], body=body, category="campaign", whole_ward=True, channels=channels)
    with transaction.atomic():
        announcement = announcement_save(user=by, data=data, charts=[(f"ket-qua-{campaign.pk}.png", png)])
        campaign.announcements.add(announcement)
        audit_record(
            actor=by, action=AuditEvent.Action.CREATE, obj=campaign, ward=campaign.ward, summary="results announcement"
        )
    return announcement


def campaign_announcement_link(*, campaign: Campaign, announcement: Announcement, by: Any) -> None:
    """Link one of the ward's announcements (a launch, a reminder) to the campaign."""
    if not is_ward_admin(user=by, ward=campaign.ward):
        raise PermissionDenied
    if announcement.ward_id != campaign.ward_id:
        raise ValidationError({"announcement": [_("Please choose an announcement of this ward.")]})
    campaign.announcements.add(announcement)


def meeting_results_draft(*, meeting: Any, by: Any) -> Announcement:
    """The meeting's results told back like a campaign's: a draft to the groups invited, with attendance per
    group and its chart, on the channels of the invitation."""

    _require_ward_staff(by, meeting.ward_id)
    rows = attendance_by_group(meeting=meeting)
    invited, came = sum(r.invited for r in rows), sum(r.attended for r in rows)
    lines = [
        _("%(came)s of the %(invited)s members invited came to “%(title)s” on %(day)s (%(percent)s).")
        % {
            "came": vn_number(came),
            "invited": vn_number(invited),
            "title": meeting.title,
            "day": f"{meeting.starts_at:%d/%m/%Y}",
            "percent": vn_percent(percent_of(came, invited)),
        },
        "",
    ]
    lines += [f"- {r.name}: {vn_number(r.attended)}/{vn_number(r.invited)} ({vn_percent(r.percent)})" for r in rows]
    if meeting.agenda:
        lines += ["", _("Agenda:"), meeting.agenda]
    chart = bars_png(_("Attendance by group"), [(r.name, r.percent or 0, vn_percent(r.percent)) for r in rows])
    invitation = meeting.announcement
    data = AnnouncementData(
        title=(_("Results: %(name)s") % {"name": meeting.title})[:200],
        body="\n".join(lines),
        category="meeting",
        whole_ward=meeting.whole_ward,
        group_ids=list(meeting.groups.values_list("pk", flat=True)),
        channels=list(invitation.channels) if invitation else DEFAULT_CHANNELS,
    )
    with transaction.atomic():
        announcement = announcement_save(user=by, data=data, charts=[(f"hop-{meeting.pk}.png", chart)])
        audit_record(
            actor=by, action=AuditEvent.Action.CREATE, obj=meeting, ward=meeting.ward, summary="results announcement"
        )
    return announcement
