"""A meeting invitation as an iCalendar event (RFC 5545), so a resident's phone calendar reminds them: the time in
Asia/Ho_Chi_Minh with its time zone, the place, the announcement's text and link, and a reminder before."""

from datetime import timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Alarm, Calendar, Event

from announcements import rendering
from announcements.models import Announcement

# A ward meeting (họp tổ dân phố) takes about two hours; the invitation gives only its start.
LENGTH = timedelta(hours=2)
REMIND_BEFORE = timedelta(hours=2)
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def meeting_ics(announcement: Announcement, *, url: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Ket noi Phuong//Ward Connect//VI")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    host = urlsplit(settings.PUBLIC_BASE_URL).hostname or "localhost"
    event.add("uid", f"announcement-{announcement.pk}@{host}")
    event.add("dtstamp", timezone.now())
    start = announcement.meeting_at.astimezone(ZONE)
    event.add("dtstart", start)
    event.add("dtend", start + LENGTH)
    event.add("summary", announcement.title)
    if announcement.meeting_place:
        event.add("location", announcement.meeting_place)
    event.add("description", f"{rendering.plain_text(announcement.body_html)}\n\n{url}".strip())
    event.add("url", url)
    event.add("organizer", f"mailto:noreply@{host}", parameters={"cn": announcement.ward.name})
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", announcement.title)
    alarm.add("trigger", -REMIND_BEFORE)
    event.add_component(alarm)
    calendar.add_component(event)
    calendar.add_missing_timezones()  # the VTIMEZONE of Asia/Ho_Chi_Minh, so every calendar reads the time right
    return calendar.to_ical()
