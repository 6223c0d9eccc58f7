"""Who an announcement reaches: its groups, its people with the one channel each gets it on, and the estimate the
compose form and the confirmation before sending show. The fan-out inserts from the same SQL, so what staff are
told is what goes out."""

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from announcements import rendering
from announcements.models import Announcement
from channels.kinds import OUTLET_KINDS
from channels.routing import kind_sql
from channels.sms_text import sms_length
from groups.models import Outlet, ResidentialGroup


def target_group_sql(announcement: Announcement, group_ids: list[int] | None = None) -> tuple[str, list[Any]]:
    """The ids of the groups it goes to. `group_ids`: for one still being written, the groups ticked on the form."""
    if announcement.whole_ward:
        return "SELECT id FROM groups_residentialgroup WHERE ward_id = %s AND is_active", [announcement.ward_id]
    if group_ids is not None:
        # IN with one placeholder each, not = ANY(array): the embedded default database is SQLite.
        listed = ", ".join(["%s"] * len(group_ids)) or "NULL"
        return f"SELECT id FROM groups_residentialgroup WHERE ward_id = %s AND is_active AND id IN ({listed})", [
            announcement.ward_id,
            *group_ids,
        ]
    return "SELECT residentialgroup_id FROM announcements_announcement_groups WHERE announcement_id = %s", [
        announcement.pk
    ]


def audience_sql(
    announcement: Announcement,
    group_ids: list[int] | None = None,
    *,
    id_from: int | None = None,
    id_to: int | None = None,
) -> tuple[str, list[Any]]:
    """The targeted people, one row each (member_id, phone, email, zalo_user_id, household_id, kind): kind is the
    one channel they get it on (preferred first, then Zalo, SMS, email, among those they agreed to and the
    announcement uses), '' when none. The fan-out inserts from it; the confirmation before sending counts it.
    `id_from` and `id_to` keep the members whose id is in [id_from, id_to), for a fan-out made in parts."""
    kind_case = kind_sql("m", announcement.channels)
    groups_sql, groups_params = target_group_sql(announcement, group_ids)
    role_sql, role_params = "", []
    if announcement.roles:
        role_sql = f" AND ms.role IN ({', '.join(['%s'] * len(announcement.roles))})"
        role_params = list(announcement.roles)
    # The range on both sides of the join: the planner would not carry it from one to the other.
    range_sql, range_params = "", []
    for bound, operator in ((id_from, ">="), (id_to, "<")):
        if bound is not None:
            range_sql += f" AND {{column}} {operator} %s"
            range_params.append(bound)
    # On PostgreSQL the groups are read first into an array, so the memberships are one index scan rather than a
    # join, and the people are the ward's own (the services keep every membership in its member's ward), read in
    # one range of the (ward, id) index: 25 ms for a ward of 40,000 where looking each one up by key took 85 ms.
    groups_in = f"= ANY(ARRAY({groups_sql}))" if connection.vendor == "postgresql" else f"IN ({groups_sql})"
    sql = f"""
            SELECT m.id AS member_id, m.phone, m.email, m.zalo_user_id, m.household_id, {kind_case} AS kind
            FROM groups_member m
            WHERE m.id IN (
                SELECT ms.member_id FROM groups_membership ms
                WHERE ms.status = 'active' AND ms.group_id {groups_in}{role_sql}{range_sql.format(column="ms.member_id")}
            ){range_sql.format(column="m.id")} AND m.ward_id = %s"""
    return sql, [*groups_params, *role_params, *range_params, *range_params, announcement.ward_id]


@dataclass
class AudienceEstimate:
    """Who an announcement will reach, counted before it is sent, for the confirmation that asks for it."""

    people: int = 0
    households: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)
    unreachable: int = 0  # agreed to none of the announcement's channels
    outlets: dict[str, int] = field(default_factory=dict)  # group posts: Zalo groups, Facebook Page, web feed
    sms_segments: int = 0
    sms_cost: int = 0  # đồng
    web_feed: bool = False  # published on the ward's public page, which anyone may read

    @property
    def sms_messages(self) -> int:
        return self.by_channel.get("sms", 0) * self.sms_segments

    @property
    def nobody_reason(self) -> str:
        """Why it would reach nobody at all (no person on a chosen channel, no group post), or "" when it reaches
        someone: the one rule the confirmation page and the services that send go by."""

        if self.people or any(self.outlets.values()) or self.web_feed:
            return ""
        if self.unreachable:
            return _(
                "It would reach nobody: the %(n)s members of the chosen groups agreed to none of the chosen "
                "channels. Choose a channel they agreed to (see each group's coverage), or more groups."
            ) % {"n": self.unreachable}
        return _("It would reach nobody: the chosen groups have no members yet. Choose other groups or the whole ward.")


def audience_estimate(announcement: Announcement, group_ids: list[int] | None = None) -> AudienceEstimate:
    estimate = AudienceEstimate(web_feed="web_feed" in announcement.channels)
    people, params = audience_sql(announcement, group_ids)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT c.kind, COUNT(*) FROM ({people}) c GROUP BY c.kind", params)
        for kind, count in cursor.fetchall():
            if kind:
                estimate.by_channel[kind] = count
                estimate.people += count
            else:
                estimate.unreachable = count
        cursor.execute(f"SELECT COUNT(DISTINCT c.household_id) FROM ({people}) c WHERE c.kind <> ''", params)
        estimate.households = cursor.fetchone()[0]
    if announcement.whole_ward:
        targets = ResidentialGroup.objects.filter(ward_id=announcement.ward_id, is_active=True)
    elif group_ids is not None:
        targets = ResidentialGroup.objects.filter(ward_id=announcement.ward_id, is_active=True, pk__in=group_ids)
    else:
        targets = announcement.groups.all()
    outlets = Outlet.objects.filter(
        Q(group__isnull=True) | Q(group__in=targets),
        ward_id=announcement.ward_id,
        is_active=True,
        mode=Outlet.Mode.PER_GROUP,
        kind__in=[k for k in announcement.channels if k in OUTLET_KINDS],
    )
    for row in outlets.values("kind").annotate(n=Count("id")):
        estimate.outlets[row["kind"]] = row["n"]
    if "sms" in estimate.by_channel and announcement.pk:  # unsaved, it has no link yet: the form counts its SMS
        link = (
            rendering.reader_url(999999)
            if rendering.needs_reader_link(announcement)
            else rendering.public_url(announcement)
        )
        estimate.sms_segments = sms_length(rendering.sms_text(announcement, link=link)).segments
        estimate.sms_cost = estimate.sms_messages * settings.SMS_PRICE_PER_SEGMENT
    return estimate


def compose_reach(
    *, ward_id: int, whole_ward: bool, group_ids: list[int], roles: list[str], channels: list[str]
) -> AudienceEstimate:
    """Whom an announcement still being written would reach, per channel, as its groups and channels are ticked:
    the same count the confirmation before sending gives, on an announcement not yet saved."""
    draft = Announcement(ward_id=ward_id, whole_ward=whole_ward, roles=roles, channels=channels, title="", body="")
    return audience_estimate(draft, group_ids)
