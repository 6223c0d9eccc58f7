"""The messages a report sends: its reporter's tracking code, status changes and answers, and the mails to the
staff who must act on it. Each is a personal message (announcements.services.personal), queued in the
transaction of the change it tells about, so it gets the retries, quiet hours and delivery reports of every
other delivery, and staff see on the report's page whether it arrived."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from channels.sms_text import unaccented
from feedback.lookup import reporter_link_token
from feedback.models import Feedback

# Plain ASCII: one SMS segment holds 160 of these, against 70 with Vietnamese marks.
MESSAGES = {
    "received": "Phuong {ward} da nhan phan anh cua ban. Ma tra cuu: {code}. Theo doi tai {url}",
    "status": 'Phan anh {code}: trang thai moi la "{status}". Xem tai {url}',
    "reply": "Phan anh {code} co tra loi moi tu phuong {ward}. Xem tai {url}",
}


def topic_of(feedback: Feedback, *, staff: bool = False) -> str:
    """What the messages about a report are filed under: those to its reporter, and those to staff."""
    return f"report:{feedback.pk}" + (":staff" if staff else "")


def reporter_notify(feedback: Feedback, what: str) -> None:
    """Tell the reporter, on the channel they came from or left (tips too: only the reporter's own phone gets
    the code). Inside the caller's transaction."""
    from announcements.services import personal_message_to_person

    if not (feedback.reporter_phone or feedback.reporter_email or feedback.reporter_zalo_id):
        return
    # The link proves the reporter (it may rate or reopen the report); the code alone only shows a public one.
    token = reporter_link_token(feedback.tracking_code)
    url = settings.PUBLIC_BASE_URL + reverse("feedback:status") + f"?code={feedback.tracking_code}&t={token}"
    with translation.override("vi"):
        status = str(feedback.get_status_display())
        text = MESSAGES[what].format(
            ward=unaccented(feedback.ward.name), code=feedback.tracking_code, url=url, status=unaccented(status)
        )
        label = {"received": _("Tracking code"), "status": status, "reply": _("New answer")}[what]
        title = _("Your report %s") % feedback.tracking_code
    personal_message_to_person(
        zalo_user_id=feedback.reporter_zalo_id,
        phone=feedback.reporter_phone,
        email=feedback.reporter_email,
        topic=topic_of(feedback),
        what=label,
        title=title,
        text=text,
        link=url,
        # The code answers what the reporter has just done: it goes at once, even at night.
        urgent=what == "received",
    )


def staff_mail(feedback: Feedback, emails: list[str], subject: str) -> None:
    """Mail staff a link to the report; no reporter identity in the mail: a tip's reporter is seen only in the
    portal, where each look is logged."""
    from announcements.services import personal_message_queue

    url = settings.PUBLIC_BASE_URL + reverse("feedback:case", args=[feedback.pk])
    with translation.override(settings.LANGUAGE_CODE):
        body = _("Report %(code)s (%(category)s): %(url)s") % {
            "code": feedback.tracking_code,
            "category": feedback.get_category_display(),
            "url": url,
        }
    for email in sorted(set(emails)):
        personal_message_queue(
            kind="email",
            address=email,
            topic=topic_of(feedback, staff=True),
            what=subject,
            title=subject,
            text=body,
            link=url,
        )


def unit_notify(feedback: Feedback) -> None:
    """A report handed to a unit: its members and head are mailed."""
    unit = feedback.unit
    if unit is None:
        return
    people = [u.email for u in unit.members.all() if u.email]
    if unit.head and unit.head.email:
        people.append(unit.head.email)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("New report for %(unit)s: %(code)s") % {"unit": unit.name, "code": feedback.tracking_code}
    staff_mail(feedback, people, subject)


def escalation_notify(feedback: Feedback) -> None:
    """A report past its deadline: its unit's head is mailed, or the ward admins when it has none."""
    from groups.models import StaffProfile

    if feedback.unit and feedback.unit.head and feedback.unit.head.email:
        people = [feedback.unit.head.email]
    else:
        admins = StaffProfile.objects.filter(ward_id=feedback.ward_id, role=StaffProfile.Role.WARD_ADMIN)
        people = [p.user.email for p in admins.select_related("user") if p.user.email]
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Overdue report: %s") % feedback.tracking_code
    staff_mail(feedback, people, subject)
