"""What an announcement looks like on each channel: sanitised HTML for the web and email, plain text for
SMS and Zalo, and the signed per-reader link for confirmations, RSVPs and polls."""

import hmac
import re

import markdown
import nh3
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.crypto import salted_hmac
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from announcements.models import Announcement, announcement_key
from portal.common.text import unaccented

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "h3", "h4", "blockquote", "hr"}
SMS_SUMMARY_CHARS = 180


_LIST_ITEM = re.compile(r"\s*(?:[-*+]|\d{1,3}[.)])\s+\S")


def _lists_after_lines(body: str) -> str:
    """Blank lines around a list written right under a line of text: officers write "Bà con lưu ý:" and the items on
    the next lines, as the form's hint says, while Markdown alone would keep the "- " as text."""
    lines = body.splitlines()
    out: list[str] = []
    for line in lines:
        previous = out[-1] if out else ""
        starts_list = _LIST_ITEM.match(line) and previous.strip() and not _LIST_ITEM.match(previous)
        # and a line of text right after the last item is a new paragraph, not the item's continuation
        ends_list = (
            _LIST_ITEM.match(previous) and line.strip() and not line[:1].isspace() and not _LIST_ITEM.match(line)
        )
        if starts_list or ends_list:
            out.append("")
        out.append(line)
    return "\n".join(out)


def body_to_html(body: str) -> str:
    """Markdown to HTML, then nh3 keeps only plain formatting: no script, style, iframe or event handler. Every
    channel and the preview render through here, so the preview is what is sent."""
    html = markdown.markdown(_lists_after_lines(body), extensions=["sane_lists", "nl2br"], output_format="html")
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href"}}, url_schemes={"http", "https", "mailto"})


def plain_text(html: str) -> str:
    text = strip_tags(html.replace("</p>", "\n").replace("<br>", "\n").replace("</li>", "\n"))
    lines = [line.strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def is_public(announcement: Announcement) -> bool:
    """Published on the web feed or a Facebook Page: anyone may read it by its plain address."""
    return announcement.on_web_feed or "facebook_page" in announcement.channels


def public_url(announcement: Announcement) -> str:
    path = reverse("announcements:public_detail", args=[announcement.pk])
    if is_public(announcement):
        return settings.PUBLIC_BASE_URL + path
    return f"{settings.PUBLIC_BASE_URL}{path}?k={announcement_key(announcement.pk)}"


def reader_code(delivery_id: int) -> str:
    """A short signed code for one delivery: the SMS has little room, so not a full signing.dumps token."""
    digest = salted_hmac("announcements.reader", str(delivery_id), algorithm="sha256").hexdigest()
    return f"{delivery_id:x}-{digest[:12]}"


def reader_code_delivery_id(code: str) -> int | None:
    head, _sep, _sig = code.partition("-")
    try:
        delivery_id = int(head, 16)
    except ValueError:
        return None
    return delivery_id if hmac.compare_digest(reader_code(delivery_id), code) else None


def reader_url(delivery_id: int) -> str:
    return settings.PUBLIC_BASE_URL + reverse("announcements:reader", args=[reader_code(delivery_id)])


def needs_reader_link(announcement: Announcement) -> bool:
    return announcement.action != Announcement.Action.NONE


def call_to_action(announcement: Announcement) -> str:
    return {
        Announcement.Action.CONFIRM: _("Please confirm you have read it:"),
        Announcement.Action.RSVP: _("Please tell us if you will attend:"),
        Announcement.Action.POLL: _("Please answer the poll:"),
    }.get(announcement.action, _("Details:"))


def sms_text(announcement: Announcement, *, link: str) -> str:
    """Title, the start of the text, and a link: SMS is paid by the segment, the web page has the rest."""
    body = plain_text(announcement.body_html).replace("\n", " ")
    if len(body) > SMS_SUMMARY_CHARS:
        body = body[:SMS_SUMMARY_CHARS].rsplit(" ", 1)[0] + "..."
    prefix = "[KHAN] " if announcement.urgency == Announcement.Urgency.URGENT else ""
    text = f"{prefix}{announcement.title}. {body} {call_to_action(announcement)} {link}"
    return unaccented(text) if announcement.sms_unaccented else text


def chat_text(announcement: Announcement, *, link: str) -> str:
    """Zalo and Facebook: the whole text, which those channels have room for."""
    prefix = "🔴 " if announcement.urgency == Announcement.Urgency.URGENT else ""
    parts = [f"{prefix}{announcement.title}", plain_text(announcement.body_html)]
    if announcement.action == Announcement.Action.RSVP and announcement.meeting_at:
        when = formats.date_format(timezone.localtime(announcement.meeting_at), "DATETIME_FORMAT")
        parts.append(_("Time: %(when)s. Place: %(place)s") % {"when": when, "place": announcement.meeting_place})
    parts.append(f"{call_to_action(announcement)} {link}")
    return "\n\n".join(p for p in parts if p)


def email_html(announcement: Announcement, *, link: str) -> str:
    return render_to_string(
        "announcements/email/announcement.html",
        {"announcement": announcement, "link": link, "call_to_action": call_to_action(announcement)},
    )
