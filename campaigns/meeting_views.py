"""Meeting pages: set one up with its RSVP invitation, take attendance on a phone (ticks, or the resident's QR
code scanned by the phone's camera in the browser), attach the minutes, see attendance per group and over time."""

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from announcements.selectors import rsvp_counts
from campaigns import selectors, services
from campaigns.forms import MeetingForm
from groups.access import staff_required
from groups.selectors import groups_for_user, staff_profile_of
from portal.common.text import clean_text, natural_sorted
from portal.common.web import apply_errors, errors_say, file_response, int_or_none


@staff_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    meetings = selectors.meetings_for_user(user=request.user).order_by("-starts_at")[:100]
    return render(
        request,
        "campaigns/meetings.html",
        {"meetings": meetings, "over_time": selectors.attendance_over_time(user=request.user)},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    profile = staff_profile_of(request.user)
    groups = natural_sorted(groups_for_user(user=request.user).filter(is_active=True).values_list("pk", "name"))
    form = MeetingForm(request.POST or None, groups=groups, ward_wide=profile.is_ward_wide)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(data=form.meeting_data(), by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("The meeting is set up, and its invitation is a draft: check it and send it for approval.")
            )
            return redirect("campaigns:meeting", pk=meeting.pk)
    return render(request, "campaigns/meeting_form.html", {"form": form})


@staff_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk)
    rsvp = {}
    if meeting.announcement_id:
        rsvp = rsvp_counts(announcement_id=meeting.announcement_id)
    rows = selectors.attendance_by_group(meeting=meeting)
    return render(
        request,
        "campaigns/meeting.html",
        {
            "meeting": meeting,
            "rows": rows,
            "invited": sum(r.invited for r in rows),
            "attended": sum(r.attended for r in rows),
            "rsvp": rsvp,
            "may_announce": services.may_announce_results(request.user, meeting.ward_id),
            "may_keep_minutes": services.may_keep_minutes(request.user, meeting),
            "versions": selectors.minutes_versions_for_user(user=request.user, meeting=meeting),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The leader's phone at the door: tick names, or scan codes (the script posts each to meeting_scan)."""
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        ids = [pk for pk in (int_or_none(v) for v in request.POST.getlist("member")) if pk is not None]
        shown = [pk for pk in (int_or_none(v) for v in request.POST.getlist("shown")) if pk is not None]
        try:
            added, removed = services.attendance_set(
                # The page's form says which people it listed; a bare list of ticks (an old page) is everyone's.
                meeting=meeting,
                member_ids=ids,
                shown_ids=shown if request.POST.get("listed") else None,
                by=request.user,
            )
        except PermissionDenied:
            raise PermissionDenied(_("You can tick only the people of your own groups.")) from None
        messages.success(
            request,
            _("Attendance saved: %(added)s ticked, %(removed)s unticked.") % {"added": added, "removed": removed},
        )
        return redirect("campaigns:meeting_attendance", pk=meeting.pk)
    query = clean_text(request.GET.get("q", ""))[:100]
    return render(
        request,
        "campaigns/attendance.html",
        {
            "meeting": meeting,
            "rows": selectors.invitee_rows(meeting=meeting, user=request.user, query=query),
            "query": query,
        },
    )


@staff_required
@require_POST
def meeting_scan(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk)
    token = request.POST.get("token", "")
    if "/checkin/" in token:  # the code holds the check-in address; the token is its last part
        token = token.rstrip("/").rsplit("/", 1)[-1]
    try:
        member, created = services.attendance_scan(meeting=meeting, token=token, by=request.user)
    except ValidationError as error:
        return JsonResponse({"ok": False, "message": " ".join(error.messages)}, status=400)
    return JsonResponse({"ok": True, "name": member.full_name, "new": created})


@staff_required
@require_http_methods(["GET", "POST"])
def meeting_checkin(request: HttpRequest, token: str) -> HttpResponse:
    """A resident's code read by the phone's own camera app opens this address: the leader confirms here."""

    try:
        meeting_id, _member_id = signing.loads(token[:300], salt="meeting-attendance")
    except (signing.BadSignature, ValueError, TypeError):
        meeting_id = None
    meeting = selectors.meeting_get_for_user(user=request.user, pk=meeting_id)
    if request.method == "POST":
        try:
            member, _created = services.attendance_scan(meeting=meeting, token=token, by=request.user)
        except ValidationError as error:
            errors_say(request, error)
        else:
            messages.success(request, _("Checked in: %s.") % member.full_name)
        return redirect("campaigns:meeting_attendance", pk=meeting.pk)
    return render(request, "campaigns/checkin.html", {"meeting": meeting, "token": token})


@staff_required
@require_POST
def meeting_results(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft announcement of the meeting's attendance: nothing is sent until it is approved."""
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk)
    announcement = services.meeting_results_draft(meeting=meeting, by=request.user)
    messages.success(request, _("The results announcement is ready as a draft: check it, then send it for approval."))
    return redirect("announcements:edit", pk=announcement.pk)


@staff_required
@require_http_methods(["GET", "POST"])
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        upload = request.FILES.get("minutes")
        if upload is None:
            messages.error(request, _("Please choose the minutes file (PDF)."))
        else:
            try:
                services.minutes_attach(meeting=meeting, upload=upload, by=request.user)
            except ValidationError as error:
                errors_say(request, error)
            else:
                messages.success(request, _("The minutes are attached."))
        return redirect("campaigns:meeting", pk=meeting.pk)
    if not meeting.minutes:
        raise Http404
    return file_response(
        meeting.minutes, content_type="application/pdf", filename=meeting.minutes_name or "bien-ban.pdf"
    )


@staff_required
def meeting_minutes_version(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    """An earlier version of the minutes, for the ward's admins."""
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk)
    found = selectors.minutes_version_get_for_user(user=request.user, meeting=meeting, pk=version)
    return file_response(found.file, content_type="application/pdf", filename=found.name)
