"""Celery tasks of the groups app: thin, they take ids and call services."""

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from groups import member_files


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_jitter=True, max_retries=5)
def send_staff_invitation(user_id: int) -> None:
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.has_usable_password():
        return  # the account was removed, or its owner already chose a password
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    with translation.override(settings.LANGUAGE_CODE):
        context = {"user": user, "url": settings.PUBLIC_BASE_URL + path, "ward": user.staff_profile.ward}
        send_mail(
            subject=render_to_string("groups/email/staff_invitation_subject.txt", context).strip(),
            message=render_to_string("groups/email/staff_invitation.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )


@shared_task
def expire_stale_imports() -> int:
    return member_files.expire_stale_imports()


class TransientSendError(Exception):
    pass


CONFIRM_TEXT = "Phuong {ward}: co yeu cau them ban vao {group}. Neu dung la ban va dong y, bam: {url}"


@shared_task(autoretry_for=(TransientSendError,), retry_backoff=60, retry_jitter=True, max_retries=5)
def membership_confirmation_send(membership_id: int) -> str:
    """Ask the person the ward knows by this phone, on their own stored channel, to confirm a request about
    them: the one who typed the number never receives it."""
    from channels.base import ResultKind
    from channels.personal import send_to_person
    from channels.sms_text import unaccented
    from groups.models import Membership
    from groups.services import membership_confirm_token

    membership = Membership.objects.select_related("member", "group__ward").filter(pk=membership_id).first()
    if membership is None or not membership.is_request:
        return "nothing to ask"
    url = settings.PUBLIC_BASE_URL + reverse("join_confirm", args=[membership_confirm_token(membership)])
    member = membership.member
    text = CONFIRM_TEXT.format(
        ward=unaccented(membership.group.ward.name), group=unaccented(membership.group.name), url=url
    )
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Do you agree to join %(group)s?") % {"group": membership.group.name}
    sent = send_to_person(
        zalo_user_id=member.zalo_user_id if member.consent_zalo else "",
        phone=member.phone,
        email=member.email if member.consent_email else "",
        title=title,
        text=text,
        link=url,
        request_id=f"ms{membership.pk}-confirm",
    )
    if sent is None:
        return "no channel"
    if sent.result.kind == ResultKind.RETRY:
        raise TransientSendError(sent.result.reason)
    return str(sent.result.kind)
