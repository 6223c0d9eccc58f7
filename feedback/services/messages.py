"""The messages a report sends: its reporter's tracking code, status changes and answers, and the mails to the
staff who must act on it. Each is a personal message (announcements.services.personal), queued in the
transaction of the change it tells about, so it gets the retries, quiet hours and delivery reports of every
other delivery, and staff see on the report's page whether it arrived."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from channels.personal import personal_queue, personal_to_person
from feedback.lookup import reporter_link_token
from feedback.models import Report, topic_of
from groups.models import StaffProfile
from portal.common.text import unaccented

# Plain ASCII: one SMS segment holds 160 of these, against 70 with Vietnamese marks.
MESSAGES = {
    "received": "Phuong {ward} da nhan phan anh cua ban. Ma tra cuu: {code}. Theo doi tai {url}",
    "status": 'Phan anh {code}: trang thai moi la "{status}". Xem tai {url}',
    "reply": "Phan anh {code} co tra loi moi tu phuong {ward}. Xem tai {url}",
}


def reporter_notify(report: Report, what: str) -> None:
    """Tell the reporter, on the channel they came from or left (tips too: only the reporter's own phone gets
    the code). Inside the caller's transaction."""
    if not (report.reporter_phone or report.reporter_email or report.reporter_zalo_id):
        return
    # The link proves the reporter (it may rate or reopen the report); the code alone only shows a public one.
    token = reporter_link_token(report.tracking_code)
    url = settings.PUBLIC_BASE_URL + reverse("feedback:status") + f"?code={report.tracking_code}&t={token}"
    with translation.override("vi"):
        status = str(report.get_status_display())
        text = MESSAGES[what].format(
            ward=unaccented(report.ward.name), code=report.tracking_code, url=url, status=unaccented(status)
        )
        label = {"received": _("Tracking code"), "status": status, "reply": _("New answer")}[what]
        title = _("Your report %s") % report.tracking_code
    personal_to_person(
        zalo_user_id=report.reporter_zalo_id,
        phone=report.reporter_phone,
        email=report.reporter_email,
        topic=topic_of(report),
        what=label,
        title=title,
        text=text,
        link=url,
        # The code answers what the reporter has just done: it goes at once, even at night.
        urgent=what == "received",
        ward_id=report.ward_id,
    )


def staff_mail(report: Report, emails: list[str], subject: str) -> None:
    """Mail staff a link to the report; no reporter identity in the mail: a tip's reporter is seen only in the
    portal, where each look is logged."""
    url = settings.PUBLIC_BASE_URL + reverse("feedback:detail", args=[report.pk])
    with translation.override(settings.LANGUAGE_CODE):
        body = _("Report %(code)s (%(category)s): %(url)s") % {
            "code": report.tracking_code,
            "category": report.get_category_display(),
            "url": url,
        }
    for email in sorted(set(emails)):
        personal_queue(
            kind="email",
            address=email,
            topic=topic_of(report, staff=True),
            what=subject,
            title=subject,
            text=body,
            link=url,
            ward_id=report.ward_id,
        )


def unit_notify(report: Report) -> None:
    """A report handed to a unit: its members and head are mailed."""
    unit = report.unit
    if unit is None:
        return
    people = [u.email for u in unit.members.all() if u.email]
    if unit.head and unit.head.email:
        people.append(unit.head.email)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("New report for %(unit)s: %(code)s") % {"unit": unit.name, "code": report.tracking_code}
    staff_mail(report, people, subject)


def escalation_notify(report: Report) -> None:
    """A report past its deadline: its unit's head is mailed, or the ward admins when it has none."""

    if report.unit and report.unit.head and report.unit.head.email:
        people = [report.unit.head.email]
    else:
        admins = StaffProfile.objects.filter(ward_id=report.ward_id, role=StaffProfile.Role.WARD_ADMIN)
        people = [p.user.email for p in admins.select_related("user") if p.user.email]
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Overdue report: %s") % report.tracking_code
    staff_mail(report, people, subject)
