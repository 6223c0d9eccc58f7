"""What residents see of announcements without signing in: the ward's and a group's feed (a page and Atom), an
announcement and its files, a meeting's calendar file, and the reader's link that confirms and answers."""

import hmac

from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from announcements import rendering, selectors, services
from announcements.calendar import meeting_ics
from announcements.models import Announcement, AnnouncementFile, Response
from groups.models import ResidentialGroup
from groups.selectors import ward_get_by_code
from portal.common.text import clean_text
from portal.common.web import file_response, public_url


def public_feed(request: HttpRequest, ward_code: str, group_id: int | None = None) -> HttpResponse:
    ward = ward_get_by_code(ward_code)
    group = get_object_or_404(ResidentialGroup, pk=group_id, ward=ward) if group_id else None
    rows = selectors.public_announcements(ward_id=ward.pk, group_id=group.pk if group else None)
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    return render(request, "announcements/public_feed.html", {"ward": ward, "group": group, "page": page})


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = selectors.public_announcement_get(pk=pk)
    # Not on the web feed: only the link in the messages (with its key) opens it.
    key = request.GET.get("k", "")
    if not rendering.is_public(announcement) and not hmac.compare_digest(
        key, rendering.announcement_key(announcement.pk)
    ):
        raise Http404
    return render(
        request,
        "announcements/public_detail.html",
        {"announcement": announcement, "files": announcement.files.all(), "calendar_url": _calendar_url(announcement)},
    )


def _calendar_url(announcement: Announcement) -> str:
    """Where "Thêm vào lịch" leads, for an invitation to a meeting; empty for anything else."""
    if announcement.action != Announcement.Action.RSVP or announcement.meeting_at is None:
        return ""
    url = reverse("announcements:calendar", args=[announcement.pk])
    return url if rendering.is_public(announcement) else f"{url}?k={rendering.announcement_key(announcement.pk)}"


def meeting_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Thêm vào lịch": the meeting of an invitation as an .ics, for whoever may read the invitation."""

    announcement = selectors.public_announcement_get(pk=pk)
    key = request.GET.get("k", "")
    public = rendering.is_public(announcement)
    if not public and not hmac.compare_digest(key, rendering.announcement_key(announcement.pk)):
        raise Http404
    if announcement.action != Announcement.Action.RSVP or announcement.meeting_at is None:
        raise Http404
    page = public_url(request, reverse("announcements:public_detail", args=[announcement.pk])) + (
        "" if public else f"?k={key}"
    )
    response = HttpResponse(meeting_ics(announcement, url=page), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hop-{announcement.pk}.ics"'
    return response


def announcement_file(request: HttpRequest, pk: int, file: int) -> HttpResponse:
    found = selectors.announcement_file_get(
        user=request.user, announcement_pk=pk, pk=file, key=request.GET.get("k", "")
    )
    is_image = found.kind == AnnouncementFile.Kind.IMAGE
    return file_response(
        found.file,
        content_type=found.content_type,
        private=not rendering.is_public(found.announcement),
        filename="" if is_image else found.original_name,
    )


def reader(request: HttpRequest, code: str) -> HttpResponse:
    """The page a signed link in an SMS, Zalo message or email opens: read, confirm, RSVP or answer the poll."""
    delivery_id = rendering.reader_code_delivery_id(code)
    if delivery_id is None:
        raise Http404
    delivery = selectors.delivery_for_reader(delivery_id=delivery_id)
    announcement = delivery.announcement
    if request.method == "POST":
        kind = {
            Announcement.Action.CONFIRM: Response.Kind.CONFIRM,
            Announcement.Action.RSVP: Response.Kind.RSVP,
            Announcement.Action.POLL: Response.Kind.POLL,
        }.get(announcement.action)
        if kind is None:
            raise Http404
        try:
            services.response_record(delivery=delivery, kind=kind, value=request.POST.get("value", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Thank you, your answer has been recorded."))
        return redirect("announcements:reader", code=code)
    services.delivery_opened(delivery=delivery)
    answers = selectors.answers_of(announcement_id=announcement.pk, member_id=delivery.member_id)
    return render(
        request,
        "announcements/reader.html",
        {
            "announcement": announcement,
            "files": announcement.files.all(),
            "answers": answers,
            "rsvp_choices": Response.Rsvp.choices,
            "reader_member": delivery.member,
            "calendar_url": _calendar_url(announcement),
        },
    )


class WardAtomFeed(Feed):
    """The ward's public announcements as Atom. Every text passes clean_text on the way out too: text stored
    before the portal cleaned its input may hold a control character, which XML cannot carry, and one such
    character must not take the whole feed down."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, ward_code: str, group_id: int | None = None) -> tuple:
        ward = ward_get_by_code(ward_code)
        group = get_object_or_404(ResidentialGroup, pk=group_id, ward=ward) if group_id else None
        return ward, group

    def title(self, obj: tuple) -> str:
        ward, group = obj
        return clean_text(f"{ward.name} — {group.name}" if group else ward.name)

    def link(self, obj: tuple) -> str:
        ward, group = obj
        if group:
            return reverse("announcements:public_group_feed", args=[ward.code, group.pk])
        return reverse("announcements:public_feed", args=[ward.code])

    def subtitle(self, obj: tuple) -> str:
        return clean_text(_("Announcements of %s") % obj[0].name)

    def author_name(self, obj: tuple) -> str:
        return clean_text(obj[0].name)

    def items(self, obj: tuple) -> list[Announcement]:
        ward, group = obj
        rows = selectors.public_announcements(ward_id=ward.pk, group_id=group.pk if group else None)
        return list(rows.select_related("ward")[:30])

    def item_title(self, item: Announcement) -> str:
        return clean_text(item.title)

    def item_description(self, item: Announcement) -> str:
        return clean_text(item.body_html)

    def item_author_name(self, item: Announcement) -> str:
        return clean_text(item.ward.name)

    def item_updateddate(self, item: Announcement):
        return item.updated_at

    def item_link(self, item: Announcement) -> str:
        return reverse("announcements:public_detail", args=[item.pk])

    def item_pubdate(self, item: Announcement):
        return item.send_started_at

    def item_categories(self, item: Announcement) -> list[str]:
        return [clean_text(str(item.get_category_display()))]
