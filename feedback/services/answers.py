"""What the reporter hears and says back: staff's public answers and the reporter's rating."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.models import Feedback, FeedbackEvent
from feedback.services.base import FeedbackError, S, _event, _staff_case, status_move
from feedback.services.messages import reporter_notify
from feedback.services.reporting import _photos_store
from portal.images import image_prepare
from portal.text import clean_multiline


def feedback_reply(
    *, feedback: Feedback, by: Any, text: str, public: bool, photos: Iterable[UploadedFile] = ()
) -> FeedbackEvent:
    text = clean_multiline(text)
    if not text:
        raise ValidationError({"text": [_("Please write the reply.")]})
    prepared = [image_prepare(p, field="photos", max_bytes=settings.FEEDBACK_MAX_PHOTO_BYTES) for p in photos]
    with transaction.atomic():
        feedback = _staff_case(by, feedback)
        if public and feedback.status in {S.CLOSED, S.SPAM}:
            raise FeedbackError(_("This report is closed; reopen it before replying."))
        kind = FeedbackEvent.Kind.REPLY if public else FeedbackEvent.Kind.NOTE
        event = _event(feedback, kind, by, text=text[:5000], is_public=public)
        _photos_store(feedback, event, prepared)
        if public:
            if feedback.first_response_at is None:
                feedback.first_response_at = timezone.now()
            if feedback.status == S.ASSIGNED:
                # Answered by the unit it was given to: it is being dealt with, and the timeline says so.
                status_move(feedback, S.IN_PROGRESS, actor=by)
            feedback.accepted_at = feedback.accepted_at or timezone.now()
            feedback.save()
            reporter_notify(feedback, "reply")
    return event


def feedback_rate(*, feedback: Feedback, rating: int, comment: str = "", not_fixed: bool = False, via: str) -> Feedback:
    """The reporter (proven by `via`: their browser, their phone's digits or the link sent to them) rates the
    answer, once per case; a low rating or "not fixed" reopens it. A reporter who already rated may still say it
    is not fixed, which reopens it without a second rating."""
    if not via:
        raise PermissionDenied
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": [_("Please choose from 1 to 5 stars.")]})
    with transaction.atomic():
        feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
        if feedback.status not in {S.RESOLVED, S.CLOSED}:
            raise FeedbackError(_("You can rate the answer once the report is resolved."))
        if feedback.rating is not None and not not_fixed:
            raise FeedbackError(_("You have already rated this report. Thank you."))
        if feedback.rating is None:
            feedback.rating, feedback.rating_comment = rating, clean_multiline(comment)[:1000]
            text = f"{rating}/5 {feedback.rating_comment}".strip()
            _event(feedback, FeedbackEvent.Kind.RATED, None, text=text, via=via)
        if not_fixed or rating <= 2:
            status_move(
                feedback, S.IN_PROGRESS, actor=None, text=_("Reopened: the reporter says it is not fixed."), via=via
            )
        elif feedback.status == S.RESOLVED:
            status_move(feedback, S.CLOSED, actor=None, text=_("Closed: the reporter is satisfied."), via=via)
        feedback.save()
    return feedback
