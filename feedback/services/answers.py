"""What the reporter hears and says back: staff's public answers and the reporter's rating."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.models import Report, ReportEvent
from feedback.services.base import ReportError, S, _event, _staff_report, figures_change, status_move
from feedback.services.messages import reporter_notify
from feedback.services.reporting import _photos_store
from portal.common.images import image_prepare
from portal.common.text import clean_multiline


def report_reply(
    *, report: Report, by: Any, text: str, public: bool, photos: Iterable[UploadedFile] = ()
) -> ReportEvent:
    text = clean_multiline(text)
    if not text:
        raise ValidationError({"text": [_("Please write the reply.")]})
    prepared = [image_prepare(p, field="photos", max_bytes=settings.REPORT_MAX_PHOTO_BYTES) for p in photos]
    with transaction.atomic():
        report = _staff_report(by, report)
        if public and report.status in {S.CLOSED, S.SPAM}:
            raise ReportError(_("This report is closed; reopen it before replying."))
        kind = ReportEvent.Kind.REPLY if public else ReportEvent.Kind.NOTE
        event = _event(report, kind, by, text=text[:5000], is_public=public)
        _photos_store(report, event, prepared)
        if public:
            if report.first_response_at is None:
                report.first_response_at = timezone.now()
                figures_change(report, answered=None, resolved=report.resolved_at)
            if report.status == S.ASSIGNED:
                # Answered by the unit it was given to: it is being dealt with, and the timeline says so.
                status_move(report, S.IN_PROGRESS, actor=by)
            report.accepted_at = report.accepted_at or timezone.now()
            report.save()
            reporter_notify(report, "reply")
    return event


def report_rate(*, report: Report, rating: int, comment: str = "", not_fixed: bool = False, via: str) -> Report:
    """The reporter (proven by `via`: their browser, their phone's digits or the link sent to them) rates the
    answer, once per report; a low rating or "not fixed" reopens it. A reporter who already rated may still say it
    is not fixed, which reopens it without a second rating."""
    if not via:
        raise PermissionDenied
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": [_("Please choose from 1 to 5 stars.")]})
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.status not in Report.ANSWERED:
            raise ReportError(_("You can rate the answer once the report is resolved."))
        if report.rating is not None and not not_fixed:
            raise ReportError(_("You have already rated this report. Thank you."))
        if report.rating is None:
            report.rating, report.rating_comment = rating, clean_multiline(comment)[:1000]
            text = f"{rating}/5 {report.rating_comment}".strip()
            _event(report, ReportEvent.Kind.RATED, None, text=text, via=via)
        # The timeline shows the new status before the text ("Đã đóng: người phản ánh hài lòng."): the text says
        # why, not the status again.
        if not_fixed or rating <= 2:
            status_move(report, S.IN_PROGRESS, actor=None, text=_("The reporter says it is not fixed."), via=via)
        elif report.status == S.RESOLVED:
            status_move(report, S.CLOSED, actor=None, text=_("The reporter is satisfied."), via=via)
        report.save()
    return report
