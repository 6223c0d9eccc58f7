"""Celery tasks of feedback: thin, they take ids and call services or the channel adapters."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from channels.base import ResultKind
from channels.personal import send_to_person
from channels.sms_text import unaccented
from feedback import services
from feedback.lookup import reporter_link_token
from feedback.models import Feedback, FeedbackEvent
from portal.text import mask_contacts

MESSAGES = {
    "received": "Phuong {ward} da nhan phan anh cua ban. Ma tra cuu: {code}. Theo doi tai {url}",
    "status": 'Phan anh {code}: trang thai moi la "{status}". Xem tai {url}',
    "reply": "Phan anh {code} co tra loi moi tu phuong {ward}. Xem tai {url}",
}


class TransientSendError(Exception):
    pass


@shared_task(autoretry_for=(TransientSendError,), retry_backoff=60, retry_jitter=True, max_retries=5)
def feedback_notify_reporter(feedback_id: int, what: str) -> str:
    """Tell the reporter by SMS (or email) through the same adapters as announcements. Tips are confirmed too:
    only the reporter's own phone receives the code."""
    feedback = Feedback.objects.select_related("ward").filter(pk=feedback_id).first()
    if feedback is None:
        return "gone"
    # The link proves the reporter (it may rate or reopen the case); the code alone only shows a public case.
    token = reporter_link_token(feedback.tracking_code)
    url = settings.PUBLIC_BASE_URL + reverse("feedback:status") + f"?code={feedback.tracking_code}&t={token}"
    with translation.override("vi"):
        status = unaccented(str(feedback.get_status_display()))
    text = MESSAGES[what].format(
        ward=unaccented(feedback.ward.name), code=feedback.tracking_code, url=url, status=status
    )
    count = feedback.events.filter(kind=FeedbackEvent.Kind.NOTIFIED).count()
    request_id = f"fb{feedback.pk}-{what}-{count}"
    sent = send_to_person(
        zalo_user_id=feedback.reporter_zalo_id,
        phone=feedback.reporter_phone,
        email=feedback.reporter_email,
        title=_("Your report %s") % feedback.tracking_code,
        text=text,
        link=url,
        request_id=request_id,
    )
    if sent is None:
        return "no channel"
    if sent.result.kind == ResultKind.RETRY:
        raise TransientSendError(sent.result.reason)
    FeedbackEvent.objects.create(
        feedback=feedback,
        kind=FeedbackEvent.Kind.NOTIFIED,
        text=mask_contacts(f"{sent.channel} ({what}): {sent.result.kind} {sent.result.reason}"),
    )
    return str(sent.result.kind)


def _staff_mail(recipients: list[str], subject: str, feedback: Feedback) -> None:
    if not recipients:
        return
    url = settings.PUBLIC_BASE_URL + reverse("feedback:case", args=[feedback.pk])
    with translation.override(settings.LANGUAGE_CODE):
        # No reporter identity in mail: a tip's reporter is seen only in the portal, where each look is logged.
        body = _("Report %(code)s (%(category)s): %(url)s") % {
            "code": feedback.tracking_code,
            "category": feedback.get_category_display(),
            "url": url,
        }
        send_mail(subject=subject, message=body, from_email=None, recipient_list=recipients)


@shared_task(autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def feedback_notify_unit(feedback_id: int) -> None:
    feedback = Feedback.objects.select_related("unit").filter(pk=feedback_id).first()
    if feedback is None or feedback.unit is None:
        return
    people = {u.email for u in feedback.unit.members.all() if u.email}
    if feedback.unit.head and feedback.unit.head.email:
        people.add(feedback.unit.head.email)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("New report for %(unit)s: %(code)s") % {"unit": feedback.unit.name, "code": feedback.tracking_code}
    _staff_mail(sorted(people), subject, feedback)


@shared_task(autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def feedback_notify_escalation(feedback_id: int) -> None:
    from groups.models import StaffProfile

    feedback = Feedback.objects.select_related("unit__head").filter(pk=feedback_id).first()
    if feedback is None:
        return
    if feedback.unit and feedback.unit.head and feedback.unit.head.email:
        people = [feedback.unit.head.email]
    else:
        admins = StaffProfile.objects.filter(ward_id=feedback.ward_id, role=StaffProfile.Role.WARD_ADMIN)
        people = [p.user.email for p in admins.select_related("user") if p.user.email]
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Overdue report: %s") % feedback.tracking_code
    _staff_mail(people, subject, feedback)


@shared_task
def feedback_escalate_overdue() -> int:
    return services.feedback_escalate_overdue()
