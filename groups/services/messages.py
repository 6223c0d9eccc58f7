"""The messages the groups side sends: a staff member's invitation, and the request a resident confirms before
they are added to a group. Personal messages (announcements.services.personal), queued in the transaction of the
change they tell about, so they are retried, held back at night and followed like every other delivery."""

from typing import Any

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from channels.personal import personal_queue, personal_to_person
from groups.models import Membership, confirmation_topic
from groups.services.base import membership_confirm_token
from portal.common.text import unaccented

# Plain ASCII: one SMS segment holds 160 of these, against 70 with Vietnamese marks.
CONFIRM_TEXT = "Phuong {ward}: co yeu cau them ban vao {group}. Neu dung la ban va dong y, bam: {url}"


ALREADY_MEMBER_TEXT = "Phuong {ward}: so dien thoai nay da la thanh vien cua {group}. Ban khong can dang ky lai."
ALREADY_PENDING_TEXT = (
    "Phuong {ward}: yeu cau tham gia {group} cua so nay da duoc gui truoc do va dang cho to truong duyet."
)


def staff_invitation_send(user: Any) -> None:
    """Mail a new staff member a link to choose their password. The link acts for them: no page shows it."""

    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    with translation.override(settings.LANGUAGE_CODE):
        context = {"user": user, "url": settings.PUBLIC_BASE_URL + path, "ward": user.staff_profile.ward}
        subject = render_to_string("groups/email/staff_invitation_subject.txt", context).strip()
        personal_queue(
            kind="email",
            address=user.email,
            topic=f"staff:{user.pk}",
            what=_("Invitation"),
            title=subject,
            text=render_to_string("groups/email/staff_invitation.txt", context),
            ward_id=user.staff_profile.ward_id,
        )


def membership_confirmation_send(membership: Membership) -> None:
    """Ask the person the ward knows by this phone, on their own stored channel, to confirm a request about
    them: the one who typed the number never receives it."""
    group = membership.group
    url = settings.PUBLIC_BASE_URL + reverse("join_confirm", args=[membership_confirm_token(membership)])
    text = CONFIRM_TEXT.format(ward=unaccented(group.ward.name), group=unaccented(group.name), url=url)
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Do you agree to join %(group)s?") % {"group": group.name}
        what = _("Request to confirm")
    _to_owner(membership, what=what, title=title, text=text, link=url)


def membership_state_tell(membership: Membership) -> None:
    """Someone asked again to join a group this phone is already in, or already asked to join: the join page
    answers them as it answers everyone, and only the phone's owner, on their own channel, learns the real state.
    At most once a day per membership, so the join page cannot be used to flood a resident's phone."""

    if not cache.add(f"join-told:{membership.pk}", 1, timeout=24 * 3600):
        return
    group = membership.group
    active = membership.status == Membership.Status.ACTIVE
    text = (ALREADY_MEMBER_TEXT if active else ALREADY_PENDING_TEXT).format(
        ward=unaccented(group.ward.name), group=unaccented(group.name)
    )
    with translation.override(settings.LANGUAGE_CODE):
        title = _("About your request to join %(group)s") % {"group": group.name}
        what = _("Already a member") if active else _("Request already sent")
    _to_owner(membership, what=what, title=title, text=text)


def _to_owner(membership: Membership, **message: str) -> None:
    """A message about a membership to the person the ward knows by its phone, on their own stored channel (the
    one who typed the number never receives it), filed under the membership."""
    member = membership.member
    personal_to_person(
        zalo_user_id=member.zalo_user_id if member.consent_zalo else "",
        phone=member.phone,
        email=member.email if member.consent_email else "",
        topic=confirmation_topic(membership.pk),
        ward_id=membership.group.ward_id,
        **message,
    )
