"""The province's announcements: its admin writes one, sees where it will go and confirms, then follows each
ward's sending live. A viewer reads them; nobody of a ward opens these pages."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from announcements import selectors
from announcements import services as announcements
from announcements.models import ProvinceAnnouncement
from groups.access import province_admin, province_required
from groups.models import Ward
from groups.selectors import province_staff_of
from portal.common.web import apply_errors
from portal.province.forms import ProvinceNoticeForm


def _wards(staff: object) -> list[Ward]:
    return list(Ward.objects.filter(province=staff.province).order_by("name"))  # type: ignore[attr-defined]


@province_required
def notices(request: HttpRequest) -> HttpResponse:
    staff = province_staff_of(request.user)
    return render(
        request,
        "province/notices.html",
        {"notices": selectors.province_announcements(province=staff.province)[:50], "staff": staff},
    )


@province_required
@require_http_methods(["GET", "POST"])
def notice_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Write a new one, or change a draft. Saving sends nothing: the next page shows where it goes first."""
    staff = province_admin(request)
    draft = selectors.province_announcement_get(province=staff.province, pk=pk) if pk else None
    if draft is not None and draft.status != ProvinceAnnouncement.Status.DRAFT:
        return redirect("province_notice", pk=draft.pk)
    initial = None
    if draft is not None:
        initial = {
            "title": draft.title,
            "body": draft.body,
            "category": draft.category,
            "urgency": draft.urgency,
            "channels": draft.channels,
            "ward_ids": list(draft.wards.values_list("pk", flat=True)),
        }
    form = ProvinceNoticeForm(request.POST or None, initial=initial, wards=_wards(staff))
    if request.method == "POST" and form.is_valid():
        try:
            draft = announcements.province_announcement_save(user=request.user, data=form.data_object(), draft=draft)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("province_notice", pk=draft.pk)
    return render(request, "province/notice_form.html", {"form": form, "draft": draft, "staff": staff})


@province_required
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft with where it will go and the buttons to send or cancel it; once sent, each ward's progress."""
    staff = province_staff_of(request.user)
    item = selectors.province_announcement_get(province=staff.province, pk=pk)
    context = {
        "notice": item,
        "staff": staff,
        "wards": announcements.province_announcement_wards(item),
        "progress": selectors.province_progress(notice=item),
    }
    template = "province/_progress.html" if request.GET.get("block") == "1" else "province/notice.html"
    return render(request, template, context)


@province_required
@require_http_methods(["GET", "POST"])
def notice_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Send or cancel, after a page that says what it will do (a GET), by a POST from that page."""
    if action not in {"send", "cancel"}:
        raise Http404
    staff = province_admin(request)
    item = selectors.province_announcement_get(province=staff.province, pk=pk)
    if item.status != ProvinceAnnouncement.Status.DRAFT:
        messages.info(request, _("This announcement has already gone out."))
        return redirect("province_notice", pk=item.pk)
    wards = announcements.province_announcement_wards(item)
    if request.method == "POST":
        try:
            if action == "send":
                announcements.province_announcement_send(notice=item, by=request.user)
                messages.success(
                    request, _("Sent to %(n)s wards: each sends it on its own channels.") % {"n": len(wards)}
                )
            else:
                announcements.province_announcement_cancel(notice=item, by=request.user)
                messages.success(request, _("The draft is cancelled; nothing was sent."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("province_notice", pk=item.pk)
    return render(
        request, "province/notice_confirm.html", {"notice": item, "wards": wards, "action": action, "staff": staff}
    )
