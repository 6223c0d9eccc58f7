"""Reads of the organisation, each scoped to what the person asking may see.

Every page and API endpoint reads through these, so a view cannot forget to scope: a person with no staff
profile sees nothing, a ward's staff see only their ward, a group leader only their own groups.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from channels.kinds import ChannelKind
from channels.personal import personal_sent_about
from groups.models import (
    Household,
    Member,
    Membership,
    Outlet,
    ProvinceStaff,
    ResidentialGroup,
    StaffProfile,
    Ward,
    WardDay,
    WardOnboarding,
    confirmation_topic,
)
from portal.common.db import vietnamese
from portal.common.text import fold


def staff_profile_of(user: Any) -> StaffProfile | None:
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.staff_profile
    except StaffProfile.DoesNotExist:
        return None


def province_staff_of(user: Any) -> ProvinceStaff | None:
    """The person's place in a province's committee, if any: a role apart from the wards' staff."""
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.province_staff
    except ProvinceStaff.DoesNotExist:
        return None


def province_admin_of(user: Any) -> ProvinceStaff:
    """The person's place as their province's admin; anyone else (a viewer, who writes nothing) is refused."""
    staff = province_staff_of(user)
    if staff is None or not staff.is_admin:
        raise PermissionDenied(_("Only a province admin can do this."))
    return staff


def onboarding_of(*, province_id: int, pk: int) -> WardOnboarding | None:
    """A ward's sheet sent by this province; None for another province's, or a guessed id."""
    return WardOnboarding.objects.filter(pk=pk, province_id=province_id).first()


def onboardings_recent(*, province_id: int, limit: int = 10) -> Any:
    return WardOnboarding.objects.filter(province_id=province_id).order_by("-created_at")[:limit]


def staff_profile_in(user: Any, ward_id: int) -> StaffProfile | None:
    """The person's staff profile if they are staff of this ward; None for anyone else, another ward's included."""
    profile = staff_profile_of(user)
    return profile if profile is not None and profile.ward_id == ward_id else None


def wards_for_user(*, user: Any) -> QuerySet[Ward]:
    profile = staff_profile_of(user)
    if profile is None:
        return Ward.objects.none()
    return Ward.objects.filter(pk=profile.ward_id)


def groups_for_user(*, user: Any) -> QuerySet[ResidentialGroup]:
    profile = staff_profile_of(user)
    if profile is None:
        return ResidentialGroup.objects.none()
    groups = ResidentialGroup.objects.filter(ward_id=profile.ward_id)
    if not profile.is_ward_wide:
        groups = groups.filter(pk__in=profile.groups.values("pk"))
    return groups


def group_get_for_user(*, user: Any, pk: int) -> ResidentialGroup:
    try:
        return groups_for_user(user=user).select_related("ward").get(pk=pk)
    except (ResidentialGroup.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def managed_groups_for_user(*, user: Any) -> QuerySet[ResidentialGroup]:
    """Groups whose membership this person may change: a ward admin's ward, a leader's own groups."""
    profile = staff_profile_of(user)
    if profile is None or profile.role == StaffProfile.Role.WARD_STAFF:
        return ResidentialGroup.objects.none()
    return groups_for_user(user=user)


def can_manage_group(*, user: Any, group: ResidentialGroup) -> bool:
    return managed_groups_for_user(user=user).filter(pk=group.pk).exists()


def is_ward_admin(*, user: Any, ward: Ward | None = None) -> bool:
    profile = staff_profile_of(user)
    return bool(profile and profile.is_ward_admin and (ward is None or profile.ward_id == ward.pk))


def members_for_user(*, user: Any) -> QuerySet[Member]:
    profile = staff_profile_of(user)
    if profile is None:
        return Member.objects.none()
    members = Member.objects.filter(ward_id=profile.ward_id)
    if not profile.is_ward_wide:
        # A request about someone the ward already knows does not show them to the leader who asked, until the
        # person confirms or the request is approved: typing a phone number must not reveal whose it is.
        current = Membership.objects.filter(
            member=OuterRef("pk"),
            group__in=profile.groups.all(),
            status__in=[Membership.Status.ACTIVE, Membership.Status.PENDING, Membership.Status.INVITED],
        ).exclude(status=Membership.Status.PENDING, confirmation_required=True, confirmed_at__isnull=True)
        members = members.filter(Exists(current))
    return members


def can_see_member(*, user: Any, member: Member) -> bool:
    return members_for_user(user=user).filter(pk=member.pk).exists()


def can_decide_request(*, user: Any, membership: Membership) -> bool:
    """Who approves or rejects a pending membership: for a request by a resident through the invite link, who
    manages the group; for a request by staff about a resident of another group, a ward admin or a leader of a
    group the resident is in now (never the leader who asked)."""
    if membership.status != Membership.Status.PENDING:
        return False
    if is_ward_admin(user=user, ward=membership.group.ward):
        return True
    managed = managed_groups_for_user(user=user)
    if not membership.is_staff_request:
        return managed.filter(pk=membership.group_id).exists()
    return (
        Membership.objects.filter(member_id=membership.member_id, status=Membership.Status.ACTIVE, group__in=managed)
        .exclude(group_id=membership.group_id)
        .exists()
    )


def membership_request_get_for_user(*, user: Any, pk: int) -> Membership:
    """A pending membership the person may decide, wherever its group is (see can_decide_request)."""
    profile = staff_profile_of(user)
    membership = (
        Membership.objects.select_related("member", "group__ward")
        .filter(pk=pk, status=Membership.Status.PENDING, group__ward_id=getattr(profile, "ward_id", None))
        .first()
    )
    if membership is None or not can_decide_request(user=user, membership=membership):
        raise Http404
    return membership


def requests_about_members_of(*, group: ResidentialGroup) -> QuerySet[Membership]:
    """Staff of other groups asking to add residents of `group`: this group's leader decides, or the resident."""
    return (
        Membership.objects.filter(
            status=Membership.Status.PENDING,
            member__memberships__group=group,
            member__memberships__status=Membership.Status.ACTIVE,
        )
        .exclude(source=Membership.Source.SELF_JOIN)
        .exclude(group=group)
        .select_related("member", "group", "added_by")
        .distinct()
    )


def member_get_for_user(*, user: Any, pk: int) -> Member:
    try:
        return members_for_user(user=user).select_related("ward", "household__group").get(pk=pk)
    except (Member.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def memberships_for_user(*, user: Any) -> QuerySet[Membership]:
    memberships = Membership.objects.filter(group__in=groups_for_user(user=user))
    profile = staff_profile_of(user)
    if profile is not None and not profile.is_ward_wide:
        # A leader's request about a resident of another group names nobody until that person confirms.
        memberships = memberships.exclude(
            status=Membership.Status.PENDING, confirmation_required=True, confirmed_at__isnull=True
        )
    return memberships


def membership_get_for_user(*, user: Any, pk: int) -> Membership:
    try:
        return memberships_for_user(user=user).select_related("member", "group__ward").get(pk=pk)
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def households_for_user(*, user: Any) -> QuerySet[Household]:
    return Household.objects.filter(group__in=groups_for_user(user=user))


def households_matching(households: QuerySet[Household], query: str) -> QuerySet[Household]:
    """Households whose address, head's name or a member's name holds every word of the query, typed with or
    without diacritics ("12 hem", "huynh thanh tuan"), in the order a leader reads them: a household whose house
    number is the number typed first ("7 le loi" finds 7 Lê Lợi before 17 and 27), then by group and address."""
    words = fold(query).split()[:5]
    for word in words:
        named = Member.objects.filter(household=OuterRef("pk"), search_text__contains=word)
        households = households.filter(
            Q(address_folded__contains=word) | Q(head__search_text__contains=word) | Exists(named)
        )
    number = next((word for word in words if word.isdecimal()), None)
    exact = (
        Q(address_folded=number)
        | Q(address_folded__startswith=f"{number} ")
        | Q(address_folded__startswith=f"{number}/")
        if number
        else Q(pk__in=[])
    )
    return (
        households.select_related("head", "group")
        .annotate(exact=Case(When(exact, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("exact", "group__name", "address_folded")
    )


def confirmation_messages(*, membership_ids: list[int]) -> dict[int, Any]:
    """The message that asked each membership's phone owner to confirm, with its delivery, by membership id: a
    leader sees whether it went out, and learns when the person has no channel to be asked on at all."""

    topics = {confirmation_topic(pk): pk for pk in membership_ids}
    return {topics[message.topic]: message for message in personal_sent_about(list(topics))}


# --- coverage -------------------------------------------------------------------------------------------------


def groups_with_coverage(groups: QuerySet[ResidentialGroup]) -> QuerySet[ResidentialGroup]:
    """Annotate `households_covered` (households of the group with at least one active member in it),
    `members_active` and `requests_pending`.

    Correlated subqueries rather than joined counts: joining households, members and memberships of every
    group multiplies rows, which a city of 2,000 groups would feel.
    """

    def count_of(expression: str, **filters: Any) -> Coalesce:
        subquery = (
            Membership.objects.filter(group=OuterRef("pk"), **filters)
            .order_by()
            .values("group")
            .annotate(n=Count(expression, distinct=True))
            .values("n")
        )
        return Coalesce(Subquery(subquery), 0)

    return groups.annotate(
        households_covered=count_of(
            "member__household", status=Membership.Status.ACTIVE, member__household__group=OuterRef("pk")
        ),
        members_active=count_of("member", status=Membership.Status.ACTIVE),
        requests_pending=count_of("member", status=Membership.Status.PENDING),
    )


def memberships_at(groups: list[int], moment: datetime) -> Any:
    """Memberships that were active at a moment: begun before it (`joined_at`, set when a membership becomes
    active; rows older than that field count from their creation), and not ended by then (`left_at`, set when
    it ends, whatever the status it ended in)."""
    active, left = Membership.Status.ACTIVE, Membership.Status.LEFT
    begun = Q(joined_at__lt=moment) | Q(joined_at__isnull=True, created_at__lt=moment, status__in=[active, left])
    not_ended = Q(left_at__isnull=True, status=active) | Q(left_at__gte=moment)
    return Membership.objects.filter(begun, not_ended, group_id__in=groups)


def members_at(groups: list[int], moment: datetime) -> dict[int, int]:
    rows = memberships_at(groups, moment).values("group_id").annotate(n=Count("id"))
    return {row["group_id"]: row["n"] for row in rows}


def covered_at(groups: list[int], moment: datetime) -> dict[int, int]:
    """Households of each group with at least one member of it active at a moment (coverage then)."""
    rows = (
        memberships_at(groups, moment)
        .filter(member__household__group_id=F("group_id"))
        .values("group_id")
        .annotate(n=Count("member__household", distinct=True))
    )
    return {row["group_id"]: row["n"] for row in rows}


@dataclass(frozen=True)
class Coverage:
    covered: int
    total: int

    @property
    def percent(self) -> float | None:
        if not self.total:
            return None
        return round(100.0 * self.covered / self.total, 1)

    @property
    def bar_percent(self) -> float:
        return min(self.percent or 0.0, 100.0)


def group_coverage(group: ResidentialGroup) -> Coverage:
    covered = (
        Household.objects.filter(
            group=group, members__memberships__group=group, members__memberships__status=Membership.Status.ACTIVE
        )
        .distinct()
        .count()
    )
    return Coverage(covered=covered, total=group.households_total)


def coverage_summary(groups: list[ResidentialGroup]) -> Coverage:
    """The coverage of several groups together (the ward's line under the list); needs groups_with_coverage."""
    return Coverage(covered=sum(g.households_covered for g in groups), total=sum(g.households_total for g in groups))


# --- members of a group --------------------------------------------------------------------------------------


def group_memberships(
    *, group: ResidentialGroup, query: str = "", statuses: list[str] | None = None
) -> QuerySet[Membership]:
    memberships = Membership.objects.filter(group=group).select_related("member", "member__household")
    if statuses:
        memberships = memberships.filter(status__in=statuses)
    for word in fold(query).split():
        memberships = memberships.filter(member__search_text__contains=word)
    return memberships.order_by(vietnamese("member__full_name"), "pk")


def member_memberships(*, member: Member) -> QuerySet[Membership]:
    return member.memberships.select_related("group", "added_by").order_by("-created_at")


def group_find_by_name(*, ward: Ward, name: str) -> ResidentialGroup | None:
    """Match a group by what a spreadsheet calls it: "Tổ 3", "to 3" and "Tổ dân phố 3" are the same group."""
    wanted = fold(name)
    if not wanted:
        return None
    groups = list(ResidentialGroup.objects.filter(ward=ward, is_active=True))
    by_name = {g.name_folded: g for g in groups}
    if wanted in by_name:
        return by_name[wanted]
    short = _short_group_name(wanted)
    matches = [g for g in groups if _short_group_name(g.name_folded) == short]
    return matches[0] if len(matches) == 1 else None


def _short_group_name(folded: str) -> str:
    for prefix in ("to dan pho ", "khu dan cu ", "tdp ", "kdc ", "to ", "thon ", "ap ", "khu "):
        if folded.startswith(prefix):
            return folded[len(prefix) :].strip()
    return folded


def staff_of_ward(*, ward: Ward) -> QuerySet[StaffProfile]:
    return (
        StaffProfile.objects.filter(ward=ward)
        .select_related("user")
        .prefetch_related(Prefetch("groups", queryset=ResidentialGroup.objects.order_by("name")))
        .order_by("role", "user__email")
    )


def group_managed_by(*, user: Any, pk: int) -> ResidentialGroup:
    """A group the person may change the members of: one they cannot see is not found, one they only see is
    refused."""

    group = group_get_for_user(user=user, pk=pk)
    if not can_manage_group(user=user, group=group):
        raise PermissionDenied(_("You can view this group but not change its members."))
    return group


def can_change_member(*, user: Any, member: Member) -> bool:
    """Whether the person may change a member's details: the member belongs (or is asked) to a group the person
    manages. Seeing a member is not enough."""
    managed = managed_groups_for_user(user=user)
    return member.memberships.filter(group__in=managed, status__in=Membership.CURRENT_STATUSES).exists()


def group_by_invite(*, token: str) -> ResidentialGroup:
    """The group a join link (its QR code) names, if still in use; a 404 for any other token."""
    return get_object_or_404(ResidentialGroup.objects.select_related("ward"), invite_token=token, is_active=True)


def outlet_of_zalo_oa(*, oa_id: str) -> Outlet | None:
    """The ward's Zalo Official Account a follower wrote to, by the OA's own id."""
    return Outlet.objects.filter(kind=ChannelKind.ZALO_OA, external_id=oa_id, is_active=True).first()


def ward_get_by_code(code: str) -> Ward:
    """The ward a public address names by its code; a 404 for any other code."""
    return get_object_or_404(Ward, code=code)


def only_ward() -> Ward | None:
    """The ward, when the portal holds just one (a request may then leave it unnamed); None otherwise."""
    wards = list(Ward.objects.all()[:2])
    return wards[0] if len(wards) == 1 else None


def active_groups_of(*, ward_id: int) -> QuerySet[ResidentialGroup]:
    """The ward's groups still in use, by name."""
    return ResidentialGroup.objects.filter(ward_id=ward_id, is_active=True).order_by("name")


def ward_days_summed(ward_ids: list[int], **window: Any) -> dict[int, dict[str, int]]:
    """Each ward's day counters (WardDay.COUNTERS) added up over the days `window` filters, by ward: the
    province's page sums this month, its report the period and every day before a moment."""
    rows = (
        WardDay.objects.filter(ward_id__in=ward_ids, **window)
        .values("ward_id")
        .annotate(**{name: Sum(name) for name in WardDay.COUNTERS})
    )
    return {row.pop("ward_id"): {name: value or 0 for name, value in row.items()} for row in rows}


def wards_as_jurisdictions() -> list[dict[str, Any]]:
    """Every ward as Open311's discovery lists it: its code as the jurisdiction_id, its name and its province's,
    by province, then ward."""
    return [
        {"jurisdiction_id": code, "name": name, "province": province, "province_code": province_code}
        for code, name, province, province_code in Ward.objects.order_by("province__name", "name").values_list(
            "code", "name", "province__name", "province__code"
        )
    ]


def wards_to_choose() -> list[dict[str, Any]]:
    """Every ward as the front door lists them (code, name, province, position, and name and province folded, which
    the page filters on as one types), by name."""
    wards = list(
        Ward.objects.order_by("name").values("code", "name", "latitude", "longitude", province_name=F("province__name"))
    )
    for ward in wards:
        ward["folded"] = fold(f"{ward['name']} {ward['province_name']}")
    return wards


def wards_matching(wards: list[dict[str, Any]], query: str) -> list[dict[str, Any]]:
    """The wards whose name and province hold every word of `query` (typed without accents on a phone)."""
    words = fold(query)[:100].split()
    return [w for w in wards if all(word in w["folded"] for word in words)]
