"""Pages for managing a ward's groups and members. Thin: they read through selectors and write through services."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groups import selectors, services
from groups.access import staff_required, ward_admin_profile
from groups.forms import (
    AddToGroupForm,
    GroupForm,
    MemberCreateForm,
    MemberEditForm,
    MoveForm,
    StaffInviteForm,
)
from groups.models import Membership, ResidentialGroup
from portal.common.audit import audit_events_for_ward, audit_history, client_ip
from portal.common.text import natural_key
from portal.common.web import apply_errors, errors_say, public_url, safe_next


@staff_required
def group_list(request: HttpRequest) -> HttpResponse:
    groups = sorted(
        selectors.groups_with_coverage(selectors.groups_for_user(user=request.user)),
        key=lambda group: natural_key(group.name),  # Tổ 2 before Tổ 10
    )
    return render(
        request,
        "groups/group_list.html",
        {
            "groups": [(g, selectors.Coverage(g.households_covered, g.households_total)) for g in groups],
            "summary": selectors.coverage_summary(groups),
            "can_create": selectors.is_ward_admin(user=request.user),
        },
    )


@staff_required
def group_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    profile = selectors.staff_profile_of(request.user)
    if not selectors.is_ward_admin(user=request.user):
        raise PermissionDenied(_("Only a ward admin can create or change groups."))
    group = selectors.group_get_for_user(user=request.user, pk=pk) if pk else None
    initial = (
        {
            "name": group.name,
            "kind": group.kind,
            "households_total": group.households_total,
            "facebook_group_url": group.facebook_group_url,
        }
        if group
        else {"kind": ResidentialGroup.Kind.TO_DAN_PHO}
    )
    form = GroupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.group_save(ward=profile.ward, by=request.user, group=group, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("groups:detail", pk=saved.pk)
    return render(request, "groups/group_form.html", {"form": form, "group": group})


@staff_required
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.group_get_for_user(user=request.user, pk=pk)
    query = request.GET.get("q", "").strip()
    status = request.GET.get("status", "current")
    statuses = {
        "current": [Membership.Status.ACTIVE],
        "left": [Membership.Status.LEFT, Membership.Status.REJECTED],
        "all": None,
    }.get(status, [Membership.Status.ACTIVE])
    memberships = selectors.group_memberships(group=group, query=query, statuses=statuses)
    page = Paginator(memberships, 50).get_page(request.GET.get("page"))
    pending = [
        _pending_row(request, m) for m in selectors.group_memberships(group=group, statuses=[Membership.Status.PENDING])
    ]
    asked_of_us = [_pending_row(request, m) for m in selectors.requests_about_members_of(group=group)]
    asked = selectors.confirmation_messages(membership_ids=[row["membership"].pk for row in pending + asked_of_us])
    for row in pending + asked_of_us:
        row["asked"] = asked.get(row["membership"].pk)
    return render(
        request,
        "groups/group_detail.html",
        {
            "group": group,
            "coverage": selectors.group_coverage(group),
            "page": page,
            "query": query,
            "status": status,
            "pending": pending,
            "asked_of_us": [row for row in asked_of_us if row["can_decide"]],
            "can_manage": selectors.can_manage_group(user=request.user, group=group),
            "can_edit_group": selectors.is_ward_admin(user=request.user),
            "join_url": public_url(request, reverse("join", args=[group.invite_token])),
        },
    )


def _pending_row(request: HttpRequest, membership: Membership) -> dict[str, Any]:
    """A pending membership as a leader may see it: a request about someone of another group shows no name and
    only the last digits of the phone until the person confirms."""
    shown = not membership.is_request or selectors.can_see_member(user=request.user, member=membership.member)
    return {
        "membership": membership,
        "name": membership.member.full_name if shown else "",
        "phone": membership.member.phone_display if shown else "…" + membership.member.phone[-3:],
        "can_decide": selectors.can_decide_request(user=request.user, membership=membership),
        "needs_owner": membership.is_request and not membership.is_staff_request,
    }


@staff_required
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.group_managed_by(user=request.user, pk=pk)
    form = MemberCreateForm(request.POST or None, initial={"role": Membership.Role.RESIDENT})
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.member_create(
                group=group,
                data=form.member_data(),
                role=form.cleaned_data["role"],
                organisation=form.cleaned_data["organisation"],
                by=request.user,
                ip=client_ip(request),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if membership.status == Membership.Status.PENDING:
                messages.info(
                    request,
                    _(
                        "This phone number belongs to a resident of another group of the ward. A request to add them "
                        "to %(group)s was sent: they confirm it from a message on their own phone, or their group's "
                        "leader or a ward admin decides."
                    )
                    % {"group": group.name},
                )
            else:
                messages.success(
                    request,
                    _("%(name)s was added to %(group)s.") % {"name": membership.member.full_name, "group": group.name},
                )
            return redirect("groups:detail", pk=group.pk)
    return render(request, "groups/member_form.html", {"form": form, "group": group})


@staff_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = services.member_open(user=request.user, pk=pk, ip=client_ip(request))
    memberships = list(selectors.member_memberships(member=member))
    managed = selectors.managed_groups_for_user(user=request.user)
    can_edit = any(m.is_current and managed.filter(pk=m.group_id).exists() for m in memberships)
    return render(
        request,
        "groups/member_detail.html",
        {
            "member": member,
            "memberships": [(m, m.is_current and managed.filter(pk=m.group_id).exists()) for m in memberships],
            "can_edit": can_edit,
            "move_form": MoveForm(groups=managed),
            "add_form": AddToGroupForm(groups=managed, initial={"role": Membership.Role.RESIDENT}),
            "role_choices": Membership.Role.choices,
            "history": audit_history(obj=member),
        },
    )


def _member_managed(request: HttpRequest, pk: int) -> Any:
    member = selectors.member_get_for_user(user=request.user, pk=pk)
    if not selectors.can_change_member(user=request.user, member=member):
        raise PermissionDenied(_("You can view this member but not change them."))
    return member


@staff_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member_managed(request, pk)
    initial = {
        "full_name": member.full_name,
        "phone": member.phone_display,
        "address": member.household.address if member.household else "",
        "email": member.email,
        "zalo_user_id": member.zalo_user_id,
        "consent_sms": member.consent_sms,
        "consent_zalo": member.consent_zalo,
        "consent_email": member.consent_email,
        "preferred_channel": member.preferred_channel,
        "version": member.updated_at.isoformat(),
    }
    form = MemberEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(
                member=member,
                data=form.member_data(),
                by=request.user,
                expected_updated_at=parse_datetime(form.cleaned_data["version"]),
                ip=client_ip(request),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("groups:member", pk=member.pk)
    return render(request, "groups/member_form.html", {"form": form, "member": member})


def _managed_membership(request: HttpRequest, pk: int) -> Membership:
    membership = selectors.membership_get_for_user(user=request.user, pk=pk)
    if not selectors.can_manage_group(user=request.user, group=membership.group):
        raise PermissionDenied(_("You cannot change the members of this group."))
    return membership


@staff_required
@require_POST
def membership_decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Approve or reject a pending membership: in the person's own group, or a request about a resident of it."""
    membership = selectors.membership_request_get_for_user(user=request.user, pk=pk)
    try:
        services.join_request_decide(membership=membership, approve=action == "approve", by=request.user)
    except ValidationError as error:
        errors_say(request, error)
    else:
        messages.success(request, _("Request approved.") if action == "approve" else _("Request rejected."))
    return redirect(safe_next(request, request.POST.get("next"), reverse("groups:list")))


@staff_required
def membership_reject(request: HttpRequest, pk: int) -> HttpResponse:
    """The question before a request is rejected (a tap too quick must not turn a resident away): who asked, for
    which group, and the two answers."""
    membership = selectors.membership_request_get_for_user(user=request.user, pk=pk)
    back = safe_next(request, request.GET.get("next"), reverse("groups:list"))
    return render(request, "groups/reject_confirm.html", {"membership": membership, "back": back})


@staff_required
@require_POST
def membership_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action in {"approve", "reject"}:
        return membership_decide(request, pk, action)
    membership = _managed_membership(request, pk)
    managed = selectors.managed_groups_for_user(user=request.user)
    try:
        if action == "role":
            services.membership_change_role(
                membership=membership,
                role=request.POST.get("role", ""),
                organisation=request.POST.get("organisation", ""),
                by=request.user,
            )
            messages.success(request, _("The role was changed."))
        elif action == "remove":
            services.membership_end(membership=membership, by=request.user)
            messages.success(
                request,
                _("%(name)s left %(group)s. The history is kept.")
                % {"name": membership.member.full_name, "group": membership.group.name},
            )
        elif action == "move":
            form = MoveForm(request.POST, groups=managed)
            if not form.is_valid():
                raise ValidationError(_("Choose a group to move to."))
            moved = services.membership_move(
                membership=membership,
                to_group=form.cleaned_data["group"],
                address=form.cleaned_data["address"],
                by=request.user,
            )
            messages.success(request, _("Moved to %(group)s.") % {"group": moved.group.name})
        else:
            raise PermissionDenied
    except ValidationError as error:
        errors_say(request, error)
    return redirect("groups:member", pk=membership.member_id)


@staff_required
@require_POST
def member_add_to_group(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member_managed(request, pk)
    form = AddToGroupForm(request.POST, groups=selectors.managed_groups_for_user(user=request.user))
    if not form.is_valid():
        messages.error(request, _("Choose a group and a role."))
    else:
        try:
            services.membership_add(
                member=member,
                group=form.cleaned_data["group"],
                role=form.cleaned_data["role"],
                organisation=form.cleaned_data["organisation"],
                by=request.user,
            )
            messages.success(request, _("Added to %(group)s.") % {"group": form.cleaned_data["group"].name})
        except ValidationError as error:
            errors_say(request, error)
    return redirect("groups:member", pk=member.pk)


@staff_required
def staff_list(request: HttpRequest) -> HttpResponse:
    profile = ward_admin_profile(request)
    groups = selectors.groups_for_user(user=request.user).order_by("name")
    form = StaffInviteForm(request.POST or None, groups=groups)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_invite(ward=profile.ward, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("An invitation was sent to %(email)s.") % {"email": form.cleaned_data["email"]})
            return redirect("groups:staff")
    return render(
        request, "groups/staff_list.html", {"staff": selectors.staff_of_ward(ward=profile.ward), "form": form}
    )


@staff_required
def audit_log(request: HttpRequest) -> HttpResponse:
    profile = ward_admin_profile(request)
    page = Paginator(audit_events_for_ward(ward=profile.ward), 100).get_page(request.GET.get("page"))
    return render(request, "groups/audit_log.html", {"page": page})
