"""Pages for announcements: staff compose, approve and follow a fan-out; residents read, confirm and answer.
Thin: reads through selectors, writes through services."""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from announcements import rendering, selectors, services
from announcements.forms import AnnouncementForm, RejectForm, ScheduleForm
from announcements.models import Announcement, AnnouncementFile, Delivery, InPersonReach, Response
from channels.sms_text import sms_length
from groups.access import staff_required
from groups.models import Membership
from groups.selectors import groups_for_user, staff_profile_of
from portal.common.numbers import vn_number
from portal.common.text import clean_text
from portal.common.web import apply_errors, errors_say, int_or_none


@staff_required
def announcement_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.announcements_for_user(user=request.user)
    status = request.GET.get("status", "")
    if status in Announcement.Status.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "announcements/list.html",
        {"page": page, "status": status, "statuses": Announcement.Status.choices},
    )


@staff_required
def announcement_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    announcement = selectors.announcement_get_for_user(user=request.user, pk=pk) if pk else None
    if announcement and "edit" not in services.allowed_actions(user=request.user, announcement=announcement):
        try:
            services.action_check("edit", request.user, announcement)
        except ValidationError as error:  # theirs to edit, but no longer editable: say why, on its page
            errors_say(request, error)
            return redirect("announcements:detail", pk=announcement.pk)
    groups = list(groups_for_user(user=request.user).filter(is_active=True).order_by("name"))
    if request.method == "POST":
        form = AnnouncementForm(request.POST, request.FILES, groups=groups)
        if form.is_valid():
            try:
                announcement = services.announcement_save(
                    user=request.user,
                    data=form.announcement_data(),
                    announcement=announcement,
                    images=form.cleaned_data["images"],
                    documents=form.cleaned_data["documents"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Saved. Check the preview, then send it for approval."))
                return redirect("announcements:detail", pk=announcement.pk)
        _say_files_to_choose_again(request, form)
    else:
        initial = AnnouncementForm.initial_from(announcement) if announcement else None
        form = AnnouncementForm(initial=initial, groups=groups)
    return render(
        request,
        "announcements/form.html",
        {"form": form, "announcement": announcement, "profile": staff_profile_of(request.user)},
    )


def _say_files_to_choose_again(request: HttpRequest, form: AnnouncementForm) -> None:
    """The form came back with an error: a browser never keeps a chosen file, so say at the field which pictures
    and documents were not saved and must be chosen again, rather than drop them silently."""
    for field in ("images", "documents"):
        names = [upload.name for upload in request.FILES.getlist(field)]
        if names and field not in form.errors:
            form.add_error(
                field,
                _("Not saved yet because of the error above: choose %(names)s again before saving.")
                % {"names": ", ".join(f"“{name}”" for name in names[:5])},
            )


@staff_required
def announcement_reach(request: HttpRequest) -> JsonResponse:
    """How many people each ticked channel reaches, for the compose form to show as groups and channels are
    ticked. Counts only the groups this person may write to; the whole ward only for ward-wide staff."""
    profile = staff_profile_of(request.user)
    allowed = set(groups_for_user(user=request.user).filter(is_active=True).values_list("pk", flat=True))
    group_ids = [pk for pk in (int_or_none(v) for v in request.GET.getlist("group_ids")) if pk in allowed]
    reach = selectors.compose_reach(
        ward_id=profile.ward_id,
        whole_ward=request.GET.get("whole_ward") == "on" and profile.is_ward_wide,
        group_ids=group_ids,
        roles=[r for r in request.GET.getlist("roles") if r in Membership.Role.values],
        channels=[c for c in request.GET.getlist("channels") if c in services.ALL_KINDS],
    )
    words = {kind: _("%s people") % vn_number(count) for kind, count in reach.by_channel.items()}
    words.update({kind: _("%s posts") % vn_number(count) for kind, count in reach.outlets.items()})
    return JsonResponse(
        {
            "people": reach.people,
            "households": reach.households,
            "unreachable": reach.unreachable,
            "by_channel": reach.by_channel,
            "outlets": reach.outlets,
            "words": words,
            "summary": _("Reaches %(people)s people in %(households)s households.")
            % {"people": vn_number(reach.people), "households": vn_number(reach.households)},
        }
    )


def _previews(announcement: Announcement) -> dict:
    link = rendering.public_url(announcement)
    if rendering.needs_reader_link(announcement):
        link = rendering.reader_url(999999)  # the length a real reader link will have
    sms = rendering.sms_text(announcement, link=link)
    return {"sms": sms, "sms_length": sms_length(sms), "chat": rendering.chat_text(announcement, link=link)}


def _recipients_page(request: HttpRequest, announcement: Announcement) -> Page | None:
    """One page of the per-person list, folded on the detail page; its own page number and status filter."""
    if announcement.status not in {Announcement.Status.SENDING, Announcement.Status.SENT}:
        return None
    rows = selectors.recipients_for_user(
        user=request.user, announcement=announcement, status=request.GET.get("people_status", "")
    )
    return Paginator(rows, 50).get_page(request.GET.get("people"))


@staff_required
def announcement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = selectors.announcement_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "announcements/detail.html",
        {
            "announcement": announcement,
            "allowed": services.allowed_actions(user=request.user, announcement=announcement),
            "approval_held_back": services.approval_held_back(user=request.user, announcement=announcement),
            "submit_approves": services.approves_on_submit(user=request.user, announcement=announcement),
            "preview": _previews(announcement),
            "stats": selectors.delivery_stats(announcement),
            "failures": selectors.failed_deliveries(announcement),
            "causes": selectors.failure_causes(announcement),
            "waiting": selectors.waiting_deliveries(announcement),
            "files": announcement.files.all(),
            "people": _recipients_page(request, announcement),
            "retention_months": settings.DELIVERY_RETENTION_MONTHS,
            "not_listed_yet": selectors.people_not_listed_yet(user=request.user, announcement=announcement),
            "people_statuses": Delivery.Status.choices,
            "rsvp_choices": Response.Rsvp.choices,
            "reject_form": RejectForm(),
            "schedule_form": ScheduleForm(),
            "corrections": announcement.corrections.all(),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def announcement_in_person(request: HttpRequest, pk: int) -> HttpResponse:
    """A leader ticks the households of their groups told in person or by the loudspeaker: the residents with
    no channel, whom no message reaches."""
    announcement = selectors.announcement_get_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        ids = [pk for pk in (int_or_none(v) for v in request.POST.getlist("household")) if pk is not None]
        try:
            count = services.in_person_record(
                announcement=announcement, household_ids=ids, how=request.POST.get("how", ""), by=request.user
            )
        except ValidationError as error:
            errors_say(request, error)
        else:
            messages.success(request, _("Recorded: %s households.") % vn_number(count))
            return redirect("announcements:detail", pk=announcement.pk)
    query = clean_text(request.GET.get("q", ""))[:100]
    return render(
        request,
        "announcements/in_person.html",
        {
            "announcement": announcement,
            "rows": selectors.in_person_households(user=request.user, announcement=announcement, query=query),
            "query": query,
            "hows": InPersonReach.How.choices,
        },
    )


@staff_required
def announcement_stats(request: HttpRequest, pk: int) -> HttpResponse:
    """The numbers block alone, which the detail page polls while the announcement is sending."""
    announcement = selectors.announcement_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "announcements/_stats.html",
        {
            "announcement": announcement,
            "allowed": services.allowed_actions(user=request.user, announcement=announcement),
            "stats": selectors.delivery_stats(announcement),
            "failures": selectors.failed_deliveries(announcement),
            "causes": selectors.failure_causes(announcement),
            "waiting": selectors.waiting_deliveries(announcement),
        },
    )


CONFIRMED_ACTIONS = {"submit", "approve", "send", "cancel", "remove-file"}


def _action_and_file(announcement: Announcement, action: str) -> tuple[str, AnnouncementFile | None]:
    """ "remove-file-12" names the action "remove-file" on the announcement's file 12; any other action no file."""
    name, _dash, file_id = action.rpartition("-")
    if name == "remove-file" and int_or_none(file_id) is not None:
        return name, get_object_or_404(AnnouncementFile, announcement=announcement, pk=int(file_id))
    return action, None


@staff_required
def announcement_confirm(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The page that asks before anything that sends or cancels, saying what will happen: who it reaches on
    which channel, and what the SMS will cost. Its button posts to the action itself. Only an action this person
    may take now is asked about."""
    announcement = selectors.announcement_get_for_user(user=request.user, pk=pk)
    name, removing = _action_and_file(announcement, action)
    if name not in CONFIRMED_ACTIONS:
        raise Http404
    try:
        services.action_check(name, request.user, announcement)  # not theirs to take: 403, as the action would
    except ValidationError as error:  # theirs, but not now (sent meanwhile, say): why, on its page
        errors_say(request, error)
        return redirect("announcements:detail", pk=announcement.pk)
    approves = name == "approve" or (
        name == "submit" and services.approves_on_submit(user=request.user, announcement=announcement)
    )
    if name == "submit" and not approves:
        raise Http404  # sending for approval sends nothing to anyone: it needs no confirmation
    sends = name == "send" or (approves and services.approval_sends_now(announcement))
    estimate = selectors.audience_estimate(announcement) if name not in {"cancel", "remove-file"} else None
    return render(
        request,
        "announcements/confirm.html",
        {
            "announcement": announcement,
            "action": action,
            "sends": sends,
            "removing": removing,
            "estimate": estimate,
            # Nothing to confirm for an announcement that would reach nobody: the reason, and where to fix it.
            "nobody": estimate.nobody_reason if estimate else "",
        },
    )


def _submit(request: HttpRequest, announcement: Announcement, file: AnnouncementFile | None) -> str:
    announcement = services.announcement_submit(announcement=announcement, by=request.user)
    return {
        Announcement.Status.PENDING: _("Sent to a ward admin for approval."),
        Announcement.Status.SENDING: _("Approved and sending now."),
    }.get(announcement.status, _("Approved."))


def _approve(request: HttpRequest, announcement: Announcement, file: AnnouncementFile | None) -> str:
    announcement = services.announcement_approve(announcement=announcement, by=request.user)
    return _("Approved and sending.") if announcement.status == Announcement.Status.SENDING else _("Approved.")


def _reject(request: HttpRequest, announcement: Announcement, file: AnnouncementFile | None) -> str:
    note = RejectForm(request.POST).data.get("note", "")
    services.announcement_reject(announcement=announcement, by=request.user, note=note)
    return _("Sent back to its author.")


def _schedule(request: HttpRequest, announcement: Announcement, file: AnnouncementFile | None) -> str:
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        raise ValidationError({"scheduled_at": [_("Please give a date and time.")]})
    services.announcement_schedule(announcement=announcement, by=request.user, at=form.cleaned_data["scheduled_at"])
    return _("Scheduled.")


def _send(request: HttpRequest, announcement: Announcement, file: AnnouncementFile | None) -> str:
    services.announcement_send_now(announcement=announcement, by=request.user)
    return _("Sending now.")


def _cancel(request: HttpRequest, announcement: Announcement, file: AnnouncementFile | None) -> str:
    services.announcement_cancel(announcement=announcement, by=request.user)
    return _("Cancelled: nothing will be sent.")


def _retry(request: HttpRequest, announcement: Announcement, file: AnnouncementFile | None) -> str:
    count = services.deliveries_retry_failed(announcement=announcement, by=request.user)
    return _("%d failed deliveries queued again.") % count


def _remove_file(request: HttpRequest, announcement: Announcement, file: AnnouncementFile | None) -> str:
    services.announcement_file_remove(user=request.user, announcement_file=file)
    return _("File removed.")


# Each action a button posts, and the service that takes it (what it may do when is the services' table, ACTIONS).
# A correction is the one that does not come back to the detail page: it opens the new draft.
ACTION_VIEWS: dict[str, Callable[[HttpRequest, Announcement, AnnouncementFile | None], str]] = {
    "submit": _submit,
    "approve": _approve,
    "reject": _reject,
    "schedule": _schedule,
    "send": _send,
    "cancel": _cancel,
    "retry": _retry,
    "remove-file": _remove_file,
}


@require_POST
@staff_required
def announcement_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    announcement = selectors.announcement_get_for_user(user=request.user, pk=pk)
    name, file = _action_and_file(announcement, action)
    if name not in ACTION_VIEWS and name != "correct":
        raise Http404
    try:
        if name == "correct":
            draft = services.announcement_correction_draft(original=announcement, by=request.user)
            messages.success(request, _("A correction for the same audience: edit it, then send it for approval."))
            return redirect("announcements:edit", pk=draft.pk)
        done = ACTION_VIEWS[name](request, announcement, file)
    except PermissionDenied:
        messages.error(request, _("You are not allowed to do that."))
    except ValidationError as error:
        errors_say(request, error)
    else:
        messages.success(request, done)
    return redirect("announcements:detail", pk=pk)
