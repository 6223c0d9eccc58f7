"""Pages for residents' reports: residents file and follow them without an account.
Thin: reads through selectors, writes through services."""

import secrets
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from channels.personal import LABELS
from feedback import lookup, selectors, services
from feedback.forms import RatingForm, ReportForm, StatusLookupForm
from feedback.models import ReportEvent
from groups.selectors import active_groups_of, ward_get_by_code
from portal.common.audit import client_ip
from portal.common.images import SMALL_SIDE, image_prepare, small_version
from portal.common.phones import normalize_phone
from portal.common.ratelimit import over_hourly_limit
from portal.common.uploads import uploads_forget, uploads_keep, uploads_take
from portal.common.web import apply_errors, draft_keep, draft_take, file_response, int_or_none

# The codes this browser filed, in a signed cookie rather than a database session: a resident needs no account,
# and a session row per anonymous report would be written for nothing.


CODES_COOKIE = "feedback_codes"


CODES_SALT = "feedback.codes"


def _rate_limited(keys: list[str], limit: int | None = None) -> bool:
    """Count an attempt against each key (IP, phone) for an hour; true once any is over the limit."""
    return over_hourly_limit([f"feedback:{key}" for key in keys], limit or settings.REPORT_RATE_LIMIT_PER_HOUR)


def _my_codes(request: HttpRequest) -> list[str]:
    value = request.get_signed_cookie(CODES_COOKIE, default="", salt=CODES_SALT, max_age=90 * 24 * 3600)
    return [c for c in value.split(",") if c]


def _remember(request: HttpRequest, response: HttpResponse, code: str) -> HttpResponse:
    codes = [code, *[c for c in _my_codes(request) if c != code]][:20]
    response.set_signed_cookie(
        CODES_COOKIE,
        ",".join(codes),
        salt=CODES_SALT,
        max_age=90 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


PHOTOS = "report-photos"  # the scope of the photos kept for a report form that came back with an error


def _photo_check(upload: Any) -> object:
    return image_prepare(upload, field="photos", max_bytes=settings.REPORT_MAX_PHOTO_BYTES)


def report(request: HttpRequest, ward_code: str) -> HttpResponse:
    ward = ward_get_by_code(ward_code)
    # Lazy: a submission that succeeds never shows the list, and a city ward's list is long.
    groups = active_groups_of(ward_id=ward.pk).values_list("pk", "name")
    token = request.POST.get("form_token", "")
    if request.method == "POST":
        # Photos kept from a try that came back with an error, those the resident left ticked, come first.
        kept = uploads_take(scope=PHOTOS, token=token, chosen=request.POST.getlist("kept_photo"))
        form = ReportForm(request.POST, request.FILES, groups=groups)
        if form.is_valid():
            if form.cleaned_data["website"]:
                # A bot filled the hidden field: answer as if all went well, keep nothing.
                return render(request, "feedback/report_done.html", {"ward": ward, "code": None})
            phone_key = ""
            try:
                phone_key = normalize_phone(form.cleaned_data["phone"]) if form.cleaned_data["phone"] else ""
            except ValidationError:
                pass
            keys = [f"ip:{client_ip(request)}"] + ([f"phone:{phone_key}"] if phone_key else [])
            if _rate_limited(keys):
                form.add_error(None, _("Too many reports in one hour from here. Please try again later."))
            else:
                try:
                    report, _created = services.report_submit(
                        ward=ward,
                        data=form.report_data(),
                        photos=[*kept, *form.cleaned_data["photos"]],
                        form_token=form.cleaned_data["form_token"],
                    )
                except ValidationError as error:
                    apply_errors(form, error)
                else:
                    uploads_forget(scope=PHOTOS, token=token)
                    done = redirect(reverse("feedback:done") + f"?code={report.tracking_code}")
                    return _remember(request, done, report.tracking_code)
        # Whatever went wrong, the photos that are pictures stay on the server: not chosen and sent again.
        kept_photos = uploads_keep(
            scope=PHOTOS,
            token=token,
            files=[*kept, *request.FILES.getlist("photos")],
            check=_photo_check,
            limit=settings.REPORT_MAX_PHOTOS,
        )
    else:
        form = ReportForm(groups=groups, initial={"form_token": secrets.token_urlsafe(16), "public": True})
        kept_photos = []
    return render(request, "feedback/report_form.html", {"ward": ward, "form": form.for_display(), "kept": kept_photos})


def report_done(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "")
    if code not in _my_codes(request):
        raise Http404
    report = selectors.report_by_code(code=code)
    # Say the code was sent only when a message to the reporter was queued on a channel that is set up;
    # otherwise the resident must write it down, and is offered to see it large.
    sent = selectors.messages_sent(report=report, to_reporter_only=True) if report else []
    channel = LABELS.get(sent[-1].delivery.kind) if sent else None
    return render(
        request,
        "feedback/report_done.html",
        {"code": code, "report": report, "channel": channel, "large": request.GET.get("large") == "1"},
    )


def _report_lookup(request: HttpRequest, code: str, digits: str, token: str) -> lookup.Lookup | None:
    return lookup.report_lookup(
        code=code, digits=digits, token=token, ip=client_ip(request), browser_codes=_my_codes(request)
    )


@never_cache
def status(request: HttpRequest) -> HttpResponse:
    form = StatusLookupForm(request.GET or None)
    found = None
    token = request.GET.get("t", "")[:64]
    if form.is_bound and form.is_valid():
        try:
            found = _report_lookup(request, form.cleaned_data["code"], form.cleaned_data["digits"] or "", token)
        except lookup.LookupClosed as closed:
            form.add_error(None, closed.message)
        else:
            if found is None:
                form.add_error(None, _("No report matches this code and phone number."))
    context: dict = {"form": form, "report": None}
    if found is not None:
        report = found.report
        events = selectors.timeline(report=report, public_only=True)
        context |= {
            "report": report,
            "is_reporter": found.is_reporter,
            "events": events,
            # The page leads with the latest public answer, its photos with it.
            "answer": events.filter(kind=ReportEvent.Kind.REPLY).order_by("-created_at", "-id").first(),
            "photos": report.photos.filter(event__kind="created"),
            "show_photos": found.is_reporter or selectors.is_publicly_shown(report),
            "rating_form": _rating_form(request, report),
            "digits": form.cleaned_data["digits"] or "",
            "token": token if found.via == lookup.Via.LINK else "",
        }
    return render(request, "feedback/status.html", context)


def _rating_form(request: HttpRequest, report: Any) -> RatingForm:
    """The rating form, with what the reporter typed before a refusal (kept once, for this report)."""
    draft = draft_take(request, "rating_draft", owner=report.tracking_code)
    if draft is None:
        return RatingForm()
    form = RatingForm({"comment": draft.get("comment", ""), "not_fixed": draft.get("not_fixed", False)})
    form.is_valid()  # shows the missing stars at the field
    return form


@require_POST
@never_cache
def rate(request: HttpRequest) -> HttpResponse:
    """Only the reporter rates or reopens: the browser that filed it, the code with the phone's last four digits,
    or the link sent to them. A public report's code alone is not enough."""
    code, digits, token = request.POST.get("code", ""), request.POST.get("digits", ""), request.POST.get("t", "")
    back = (
        reverse("feedback:status")
        + "?"
        + urlencode({"code": code, "digits": digits, **({"t": token} if token else {})})
    )
    try:
        found = _report_lookup(request, code, digits, token)
    except lookup.LookupClosed as closed:
        messages.error(request, closed.message)
        return redirect(back)
    if found is None or not found.is_reporter:
        messages.error(
            request,
            _(
                "Only the person who sent the report can rate it. Enter the last 4 digits of "
                "the phone number you gave, or open the link the ward sent you."
            ),
        )
        return redirect(back)
    form = RatingForm(request.POST)
    if not form.is_valid():
        # Back to the page with what was typed, the error at the stars: nothing the reporter wrote is lost.
        draft = {
            "comment": str(request.POST.get("comment", ""))[:1000],
            "not_fixed": bool(request.POST.get("not_fixed")),
        }
        draft_keep(request, "rating_draft", owner=found.report.tracking_code, values=draft)
        return redirect(back)
    try:
        services.report_rate(
            report=found.report,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
            not_fixed=form.cleaned_data["not_fixed"],
            via=found.via,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you for your rating."))
    return redirect(back)


def public_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A report's photo for a page without login; `?w=640` the phone-sized copy (the page's first load), without
    it the original (a tap on the photo)."""

    photo = selectors.public_photo_get(pk=pk, reporter_codes=_my_codes(request))
    # A photo of a report this browser filed but nobody else may see stays out of shared caches.
    public = selectors.is_publicly_shown(photo.report)
    if request.GET.get("w") == str(SMALL_SIDE):
        small = small_version(photo.image)
        if small is not None:
            return file_response(small, content_type="image/jpeg", private=not public)
    return file_response(photo.image, content_type="image/jpeg", private=not public)


def similar(request: HttpRequest, ward_code: str) -> JsonResponse:
    ward = ward_get_by_code(ward_code)

    def number(name: str, limit: int) -> float | None:
        value = services.coordinate(request.GET.get(name), -limit, limit)
        return float(value) if value is not None else None

    group = request.GET.get("group", "")
    reports = selectors.similar_open_reports(
        ward_id=ward.pk,
        category=request.GET.get("category", ""),
        group_id=int_or_none(group),
        text=request.GET.get("q", "")[:500],
        latitude=number("lat", 90),
        longitude=number("lon", 180),
    )
    return JsonResponse(
        {
            "results": [
                {
                    "code": f.tracking_code,
                    "status": f.get_status_display(),
                    "summary": f.description[:140],
                    "url": reverse("feedback:status") + f"?code={f.tracking_code}",
                }
                for f in reports
            ]
        }
    )


def answers(request: HttpRequest, ward_code: str) -> HttpResponse:
    ward = ward_get_by_code(ward_code)
    rows = list(selectors.public_answers(ward_id=ward.pk)[:50])
    return render(request, "feedback/answers.html", {"ward": ward, "rows": rows})
