"""Celery tasks of the groups app: thin, they take ids and call services."""

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

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
