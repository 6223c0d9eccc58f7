"""The ward admin's set-up of reports: responsible units and who is in them, canned replies, the ward's days off.
Thin: reads through selectors, writes through services (which check the role again and keep the audit trail)."""

from collections.abc import Callable
from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from feedback import selectors, services
from feedback.forms import CannedReplyForm, HolidayForm, UnitForm
from feedback.models import CannedReply, Holiday, Unit
from groups.access import staff_required, ward_admin_profile
from groups.models import StaffProfile
from groups.selectors import active_groups_of
from portal.common.web import apply_errors


def _ward_admin(request: HttpRequest) -> StaffProfile:
    return ward_admin_profile(request, _("Only a ward admin can change the ward's report settings."))


def _saved(request: HttpRequest, form: Form, save: Callable[..., object], done: str) -> HttpResponse | None:
    """Post a valid form to its service: the way back to the settings on success, None to show the form again."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        save(**form.cleaned_data)
    except ValidationError as error:
        apply_errors(form, error)
        return None
    messages.success(request, done)
    return redirect("feedback:setup")


@staff_required
def setup(request: HttpRequest) -> HttpResponse:
    profile = _ward_admin(request)
    own_days, national_days = selectors.holidays_from_this_year(ward_id=profile.ward_id)
    return render(
        request,
        "feedback/setup.html",
        {
            "units": selectors.units_with_members(ward_id=profile.ward_id),
            "replies": selectors.canned_replies_of_ward(ward_id=profile.ward_id),
            "own_days": own_days,
            "national_days": national_days,
            "holiday_form": HolidayForm(),
        },
    )


@staff_required
def unit_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    profile = _ward_admin(request)
    unit = get_object_or_404(Unit, pk=pk, ward_id=profile.ward_id) if pk else None
    initial = {}
    if unit is not None:
        initial = {
            "name": unit.name,
            "kind": unit.kind,
            "group": unit.group_id,
            "head": unit.head_id,
            "members": list(unit.members.values_list("pk", flat=True)),
            "handles_tips": unit.handles_tips,
        }
    form = UnitForm(
        request.POST or None,
        initial=initial,
        groups=active_groups_of(ward_id=profile.ward_id),
        staff=selectors.ward_staff_users(ward_id=profile.ward_id),
    )
    save = partial(services.unit_save, ward=profile.ward, by=request.user, unit=unit)
    if saved := _saved(request, form, save, _("The unit was saved.")):
        return saved
    return render(request, "feedback/setup_form.html", {"form": form, "unit": unit, "what": "unit"})


@staff_required
@require_POST
def unit_delete(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _ward_admin(request)
    unit = get_object_or_404(Unit, pk=pk, ward_id=profile.ward_id)
    try:
        services.unit_delete(unit=unit, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The unit was removed."))
    return redirect("feedback:setup")


@staff_required
def reply_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    profile = _ward_admin(request)
    reply = get_object_or_404(CannedReply, pk=pk, ward_id=profile.ward_id) if pk else None
    initial = {"category": reply.category, "title": reply.title, "text": reply.text} if reply else {}
    form = CannedReplyForm(request.POST or None, initial=initial)
    save = partial(services.canned_reply_save, ward=profile.ward, by=request.user, reply=reply)
    if saved := _saved(request, form, save, _("The canned reply was saved.")):
        return saved
    return render(request, "feedback/setup_form.html", {"form": form, "reply": reply, "what": "reply"})


@staff_required
@require_POST
def reply_delete(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _ward_admin(request)
    services.canned_reply_delete(reply=get_object_or_404(CannedReply, pk=pk, ward_id=profile.ward_id), by=request.user)
    messages.success(request, _("The canned reply was removed."))
    return redirect("feedback:setup")


@staff_required
@require_POST
def holiday_add(request: HttpRequest) -> HttpResponse:
    profile = _ward_admin(request)
    form = HolidayForm(request.POST)
    if form.is_valid():
        try:
            services.holiday_add(
                ward=profile.ward, by=request.user, day=form.cleaned_data["date"], name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            apply_errors(form, error)
    if form.errors:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    else:
        messages.success(request, _("The day off was added; deadlines of new reports skip it."))
    return redirect("feedback:setup")


@staff_required
@require_POST
def holiday_delete(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _ward_admin(request)
    services.holiday_delete(holiday=get_object_or_404(Holiday, pk=pk, ward_id=profile.ward_id), by=request.user)
    messages.success(request, _("The day off was removed."))
    return redirect("feedback:setup")
