"""Pages for staff handling reports: the queue, a report and its actions, the bulk bar, recording a report taken by
phone or in person, and the monthly numbers. Thin: reads through selectors, writes through services."""

import secrets

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from announcements.services import personal_messages_resend
from feedback import selectors, services
from feedback.forms import RecordForm, ReplyForm
from feedback.models import Category, Report
from groups.access import staff_required
from groups.selectors import active_groups_of, staff_profile_of
from portal.common.audit import client_ip
from portal.common.web import apply_errors, draft_keep, draft_take, errors_say, file_response, int_or_none, safe_next

# The codes this browser filed, in a signed cookie rather than a database session: a resident needs no account,
# and a session row per anonymous report would be written for nothing.


@staff_required
def staff_photo(request: HttpRequest, pk: int, photo: int) -> HttpResponse:
    found = selectors.staff_photo_get(user=request.user, report_pk=pk, pk=photo)
    return file_response(found.image, content_type="image/jpeg")


def _filters(request: HttpRequest) -> selectors.QueueFilters:
    def integer(name: str) -> int | None:
        return int_or_none(request.GET.get(name, ""))

    return selectors.QueueFilters(
        status=request.GET.get("status", "open"),
        category=request.GET.get("category", ""),
        group_id=integer("group"),
        priority=request.GET.get("priority", ""),
        unit_id=integer("unit"),
        source=request.GET.get("source", ""),
        overdue=request.GET.get("overdue") == "1",
        q=request.GET.get("q", "")[:200],
        sort=request.GET.get("sort", "new") if request.GET.get("sort") in {"new", "old", "due"} else "new",
    )


def _group_options(ward_id: int, selected: int | None) -> str:
    """The group filter's options, built in Python and kept a minute: a city ward list can run to thousands of
    groups, which a template loop renders in tens of milliseconds on every page of the queue."""
    key = f"feedback:group-options:{ward_id}"
    options = cache.get(key)
    if options is None:
        rows = active_groups_of(ward_id=ward_id)
        options = "".join(
            f'<option value="{pk}">{escape(name)}</option>' for pk, name in rows.values_list("pk", "name")
        )
        cache.set(key, options, timeout=60)
    if selected:
        options = options.replace(f'<option value="{selected}">', f'<option value="{selected}" selected>', 1)
    return mark_safe(options)  # built above from escaped names and integers


def _queue_rows(rows: list[Report]) -> list[dict]:
    """The queue's cells as plain strings, prepared once per row: the template engine costs about a millisecond
    a row for the same work (labels, dates, URLs), which at 50 rows is most of the page's time."""
    now = timezone.now()
    today = timezone.localdate(now)
    labels = {
        "category": {k: str(v) for k, v in Category.choices},
        "status": {k: str(v) for k, v in Report.Status.choices},
        "priority": {k: str(v) for k, v in Report.Priority.choices},
    }
    report_url = reverse("feedback:detail", args=[0]).rsplit("0/", 1)[0]
    return [
        {
            "code": f.tracking_code,
            "url": f"{report_url}{f.pk}/",
            "pk": f.pk,
            "category": labels["category"].get(f.category, f.category),
            "group": f.group.name if f.group else "",
            "summary": f.description[:87] + "…" if len(f.description) > 90 else f.description,
            "status": labels["status"].get(f.status, f.status),
            "priority": labels["priority"].get(f.priority, f.priority),
            "unit": f.unit.name if f.unit else "",
            "due": formats.date_format(timezone.localtime(f.resolve_due_at), "SHORT_DATETIME_FORMAT")
            if f.resolve_due_at
            else "",
            "overdue": f.is_open and f.resolve_due_at is not None and f.resolve_due_at < now,
            "due_today": f.is_open
            and f.resolve_due_at is not None
            and now <= f.resolve_due_at
            and timezone.localdate(f.resolve_due_at) == today,
            "tip": f.is_confidential,
        }
        for f in rows
    ]


@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    profile = staff_profile_of(request.user)
    filters = _filters(request)
    page = selectors.report_queue(user=request.user, filters=filters, after=request.GET.get("after", ""))
    params = request.GET.copy()
    params.pop("after", None)
    return render(
        request,
        "feedback/queue.html",
        {
            "page": page,
            "rows": _queue_rows(page.rows),
            "filters": filters,
            "query": params.urlencode(),
            "statuses": Report.Status.choices,
            "categories": Category.choices,
            "priorities": Report.Priority.choices,
            "sources": Report.Source.choices,
            "units": selectors.units_of_ward(ward_id=profile.ward_id),
            "group_options": _group_options(profile.ward_id, filters.group_id),
            "bulk_actions": services.BULK_ACTIONS.items(),
        },
    )


def _errors_by_field(error: ValidationError) -> dict[str, list[str]]:
    """A service's refusal by field of the status form; what names no field is said at the status itself."""
    errors = dict(error.message_dict) if hasattr(error, "error_dict") else {"to": list(error.messages)}
    loose = errors.pop("__all__", [])
    if loose:
        errors["to"] = [*errors.get("to", []), *loose]
    return errors


def _status_draft(request: HttpRequest, report: Report) -> dict:
    """What the officer chose in the status form before it was refused, once, for this report."""
    return draft_take(request, "status_draft", owner=report.pk) or {"values": {}, "errors": {}}


@staff_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    may_see = selectors.can_see_reporter(user=request.user, report=report)
    # A tip's reporter is shown only when an officer asks for it, so every look is a logged, deliberate act.
    show_reporter = may_see and (not report.is_confidential or request.GET.get("reveal") == "1")
    if show_reporter and (report.reporter_name or report.reporter_phone or report.reporter_email):
        services.reporter_identity_viewed(report=report, by=request.user, ip=client_ip(request))
    return render(
        request,
        "feedback/detail.html",
        {
            "report": report,
            "may_see_reporter": may_see,
            "show_reporter": show_reporter,
            "events": selectors.timeline(report=report, public_only=False),
            "sent": selectors.messages_sent(report=report),
            "undelivered": selectors.messages_undelivered(report=report),
            "photos": report.photos.filter(event__kind="created"),
            "reply_form": ReplyForm(),
            "units": selectors.units_of_ward(ward_id=report.ward_id),
            "allowed": services.allowed_actions(user=request.user, report=report),
            "next_statuses": [(s, Report.Status(s).label) for s in services.next_statuses(report)],
            "status_draft": _status_draft(request, report),
            "priorities": Report.Priority.choices,
            "canned": selectors.canned_replies_of_ward(ward_id=report.ward_id, category=report.category),
        },
    )


@staff_required
def report_messages_resend(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: which messages about the report failed or have an unknown outcome, to confirm; POST: send them again
    under the request ids they first went under."""

    report = selectors.report_get_for_user(user=request.user, pk=pk)
    undelivered = selectors.messages_undelivered(report=report)
    if request.method == "POST":
        count = personal_messages_resend(
            deliveries=[m.delivery for m in undelivered],
            by=request.user,
            ip=client_ip(request),
        )
        messages.success(request, _("%d messages are being sent again.") % count)
        return redirect(reverse("feedback:detail", args=[report.pk]) + "#messages")
    return render(request, "feedback/messages_resend.html", {"report": report, "undelivered": undelivered})


@require_POST
@staff_required
def report_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    post = request.POST
    try:
        if action == "status" and not post.get("to"):
            messages.info(request, _("Nothing was changed."))
        elif action == "status":
            duplicate = selectors.report_by_code_for_user(user=request.user, code=post.get("duplicate_of", ""))
            services.report_change_status(
                report=report,
                by=request.user,
                to=post.get("to", ""),
                reason=post.get("reason", ""),
                public_text=post.get("text", ""),
                duplicate_of=duplicate,
            )
            messages.success(request, _("Status changed."))
        elif action == "assign":
            unit_id = post.get("unit", "")
            unit = selectors.unit_of_ward(ward_id=report.ward_id, pk=int_or_none(unit_id)) if unit_id else None
            if unit_id and unit is None:
                raise Http404
            services.report_assign(report=report, by=request.user, unit=unit)
            messages.success(request, _("Assigned."))
        elif action == "priority":
            services.report_set_priority(report=report, by=request.user, priority=post.get("priority", ""))
            messages.success(request, _("Priority changed; the deadline follows it."))
        elif action == "reply":
            form = ReplyForm(post, request.FILES)
            if not form.is_valid():
                raise ValidationError({"text": [_("Please write the reply.")]})
            services.report_reply(
                report=report,
                by=request.user,
                text=form.cleaned_data["text"],
                public=form.cleaned_data["public"],
                photos=form.cleaned_data["photos"],
            )
            messages.success(request, _("Reply saved."))
        else:
            raise Http404
    except PermissionDenied:
        messages.error(request, _("You are not allowed to do that."))
    except ValidationError as error:
        if action == "status":
            # Back to the form as it was filled, each error at its field: the chosen status is not lost.
            typed = {name: str(post.get(name, ""))[:5000] for name in ("to", "reason", "duplicate_of", "text")}
            draft_keep(
                request, "status_draft", owner=report.pk, values={"values": typed, "errors": _errors_by_field(error)}
            )
            return redirect(reverse("feedback:detail", args=[pk]) + "#status")
        errors_say(request, error)
    return redirect("feedback:detail", pk=pk)


@require_POST
@staff_required
def bulk(request: HttpRequest) -> HttpResponse:
    ids = [i for i in map(int_or_none, request.POST.getlist("ids")) if i is not None]
    rows = list(selectors.reports_for_user(user=request.user).filter(pk__in=ids).order_by("pk"))
    action = request.POST.get("action", "")
    back = safe_next(request, request.POST.get("next"), reverse("feedback:queue"))
    if action not in services.BULK_ACTIONS:
        raise Http404
    if not rows:
        messages.error(request, _("Please tick at least one report first."))
        return redirect(back)
    unit = selectors.unit_of_ward(ward_id=rows[0].ward_id, pk=int_or_none(request.POST.get("unit")))
    priority = request.POST.get("priority", "")
    if request.POST.get("confirmed") != "1":
        # One tap changes many reports, and a merge or "spam" cannot be undone from the queue: say what will
        # happen to which reports, and ask.
        return render(
            request,
            "feedback/bulk_confirm.html",
            {
                "rows": rows,
                "action": action,
                "action_label": services.BULK_ACTIONS[action],
                "unit": unit,
                "priority": dict(Report.Priority.choices).get(priority),
                "back": back,
            },
        )
    try:
        done = services.reports_bulk(reports=rows, by=request.user, action=action, unit=unit, priority=priority)
    except ValidationError as error:
        errors_say(request, error)
    else:
        messages.success(request, _("%d reports updated.") % done)
    return redirect(back)


@staff_required
def record(request: HttpRequest) -> HttpResponse:
    profile = staff_profile_of(request.user)
    groups = list(active_groups_of(ward_id=profile.ward_id).values_list("pk", "name"))
    if request.method == "POST":
        form = RecordForm(request.POST, request.FILES, groups=groups)
        if form.is_valid():
            data = form.report_data(source=form.cleaned_data["source"])
            try:
                report, _created = services.report_submit(
                    ward=profile.ward,
                    data=data,
                    photos=form.cleaned_data["photos"],
                    form_token=form.cleaned_data["form_token"],
                    recorded_by=request.user,
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Recorded as %s.") % report.tracking_code)
                return redirect("feedback:detail", pk=report.pk)
    else:
        form = RecordForm(groups=groups, initial={"form_token": secrets.token_urlsafe(16), "public": True})
    return render(request, "feedback/record.html", {"form": form.for_display()})


@staff_required
def numbers(request: HttpRequest) -> HttpResponse:
    data = selectors.report_numbers_by(user=request.user)
    data["by_month"] = selectors.report_numbers_by_month(user=request.user)
    return render(
        request, "feedback/numbers.html", {"data": data, "this_month": timezone.localdate().strftime("%Y-%m")}
    )


@staff_required
def numbers_export(request: HttpRequest) -> HttpResponse:
    try:
        year, month = (int(part) for part in request.GET.get("month", "").split("-"))
        if not 1 <= month <= 12 or not 2000 <= year <= 2100:
            raise ValueError
    except ValueError:
        messages.error(request, _("Please choose a month."))
        return redirect("feedback:numbers")
    content = services.monthly_numbers_export(user=request.user, year=year, month=month)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="phan-anh-{year}-{month:02d}.xlsx"'
    return response
