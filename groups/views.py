"""Pages for managing a ward's groups and members. Thin: they read through selectors and write through services."""

from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groups import member_files, selectors, services
from groups.forms import (
    AddToGroupForm,
    GroupForm,
    ImportForm,
    JoinForm,
    MemberCreateForm,
    MemberEditForm,
    MoveForm,
    StaffInviteForm,
)
from groups.models import MemberImport, Membership, ResidentialGroup, StaffProfile
from portal.audit import audit_record, client_ip
from portal.db import vietnamese
from portal.models import AuditEvent
from portal.ratelimit import over_hourly_limit
from portal.web import apply_errors, public_url, safe_next, staff_required


def _managed_group(request: HttpRequest, pk: int) -> ResidentialGroup:
    group = selectors.group_get_for_user(user=request.user, pk=pk)
    if not selectors.can_manage_group(user=request.user, group=group):
        raise PermissionDenied(_("You can view this group but not change its members."))
    return group


@staff_required
def group_list(request: HttpRequest) -> HttpResponse:
    groups = list(
        selectors.groups_with_coverage(selectors.groups_for_user(user=request.user)).order_by(vietnamese("name"))
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
    group = _managed_group(request, pk)
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
    member = selectors.member_get_for_user(user=request.user, pk=pk)
    # Opening a resident's page shows their phone number: it is recorded who looked.
    audit_record(actor=request.user, action="view", obj=member, ward=member.ward, ip=client_ip(request))
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
            "history": AuditEvent.objects.filter(object_type="groups.member", object_id=str(member.pk))
            .exclude(action="view")
            .select_related("actor")[:20],
        },
    )


def _member_managed(request: HttpRequest, pk: int) -> Any:
    member = selectors.member_get_for_user(user=request.user, pk=pk)
    managed = selectors.managed_groups_for_user(user=request.user)
    if not member.memberships.filter(group__in=managed, status__in=services.CURRENT_STATUSES).exists():
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
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Request approved.") if action == "approve" else _("Request rejected."))
    return redirect(safe_next(request, request.POST.get("next"), reverse("groups:list")))


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
        for message in error.messages:
            messages.error(request, message)
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
            for message in error.messages:
                messages.error(request, message)
    return redirect("groups:member", pk=member.pk)


# --- import and export ----------------------------------------------------------------------------------------


@staff_required
def member_import(request: HttpRequest, pk: int) -> HttpResponse:
    group = _managed_group(request, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            form.add_error(
                "file",
                _("The file is too large (%(max)s MB at most).") % {"max": settings.IMPORT_MAX_BYTES // (1024 * 1024)},
            )
        else:
            try:
                preview = member_files.member_import_preview(
                    ward=group.ward, group=group, file_name=upload.name, content=upload.read(), by=request.user
                )
            except ValidationError as error:
                form.add_error("file", error.messages)
            else:
                return redirect("groups:import_preview", pk=preview.pk)
    return render(request, "groups/import_form.html", {"form": form, "group": group})


@staff_required
def member_import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    member_import = get_object_or_404(
        MemberImport, pk=pk, created_by=request.user, ward__in=selectors.wards_for_user(user=request.user)
    )
    group = member_import.group
    if request.method == "POST":
        try:
            count = member_files.member_import_commit(member_import=member_import, by=request.user)
        except member_files.ImportChanged:
            messages.warning(request, _("The members changed since this preview. Check the rows again, then import."))
            return redirect("groups:import_preview", pk=member_import.pk)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        except IntegrityError:
            messages.error(
                request, _("Someone added the same members at the same time. Nothing was imported; try again.")
            )
        else:
            messages.success(request, _("%(count)s members were imported.") % {"count": count})
            return redirect("groups:detail", pk=group.pk) if group else redirect("groups:list")
    rows = member_import.rows
    valid = sum(1 for r in rows if r["action"])
    return render(
        request,
        "groups/import_preview.html",
        {
            "member_import": member_import,
            "group": group,
            "rows": rows,
            "valid_count": valid,
            "invalid_count": len(rows) - valid,
        },
    )


@staff_required
def import_template(request: HttpRequest, pk: int) -> HttpResponse:
    group = _managed_group(request, pk)
    response = HttpResponse(
        member_files.import_template_xlsx(group_name=group.name),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="mau-danh-sach-thanh-vien.xlsx"'
    return response


@staff_required
def member_export(request: HttpRequest, pk: int) -> HttpResponse:
    group = _managed_group(request, pk)
    memberships = selectors.group_memberships(group=group, statuses=[Membership.Status.ACTIVE]).select_related("group")
    content = member_files.members_export_xlsx(
        memberships=memberships, ward=group.ward, by=request.user, label=group.name
    )
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="thanh-vien-{slugify(group.name_folded) or group.pk}.xlsx"'
    return response


# --- invite link, poster and self-service join ----------------------------------------------------------------


@staff_required
def group_poster(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.group_get_for_user(user=request.user, pk=pk)
    url = public_url(request, reverse("join", args=[group.invite_token]))
    qr_svg = segno.make(url, error="m").svg_inline(scale=8, border=2, dark="#000", light="#fff")
    return render(request, "groups/poster.html", {"group": group, "url": url, "qr_svg": qr_svg})


def join_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The page the link in a confirmation message opens: the person says yes or no to joining a group."""
    membership = services.membership_from_confirm_token(token)
    if membership is None:
        return render(request, "groups/join_confirm.html", {"expired": True}, status=404)
    answered = None
    if request.method == "POST":
        try:
            services.membership_confirm(
                membership=membership, accept=request.POST.get("answer") == "yes", ip=client_ip(request)
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            answered = request.POST.get("answer") == "yes"
        membership.refresh_from_db()
    return render(
        request,
        "groups/join_confirm.html",
        {"membership": membership, "group": membership.group, "answered": answered},
    )


def join(request: HttpRequest, token: str) -> HttpResponse:
    group = get_object_or_404(ResidentialGroup.objects.select_related("ward"), invite_token=token, is_active=True)
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:
            # The honeypot was filled: answer as if all went well, so the bot learns nothing.
            return render(request, "groups/join_done.html", {"group": group, "already": False})
        ip = client_ip(request) or "unknown"
        if over_hourly_limit([f"join:{ip}"], settings.JOIN_RATE_LIMIT_PER_HOUR):
            form.add_error(None, _("Too many requests from this connection. Please try again in an hour."))
        else:
            try:
                result = services.join_request_submit(group=group, data=form.member_data(), ip=ip)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return render(request, "groups/join_done.html", {"group": group, "already": result.already_requested})
    return render(request, "groups/join.html", {"group": group, "form": form})


# --- staff accounts and the audit trail -----------------------------------------------------------------------


def ward_admin_profile(request: HttpRequest, refusal: str | None = None) -> StaffProfile:
    """The person's profile if they are a ward admin; anyone else is refused with `refusal`."""
    profile = selectors.staff_profile_of(request.user)
    if profile is None or not profile.is_ward_admin:
        raise PermissionDenied(refusal or _("Only a ward admin can manage staff accounts."))
    return profile


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
    events = AuditEvent.objects.filter(ward=profile.ward).select_related("actor")
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return render(request, "groups/audit_log.html", {"page": page})
