"""API tokens an officer makes, names, reads the last use of and revokes, on a page of their own. Keys are
random, shown once and kept only as their SHA-256 (a key carries 240 random bits, so a fast hash is enough:
nobody can try keys against it)."""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.common.audit import audit_record
from portal.common.text import normalize_spaces
from portal.models import ApiToken, AuditEvent

PREFIX = "wc_"
# An officer's scripts need a few; more than this is a leak waiting to happen.
MAX_ACTIVE = 10
# How often a token's last use is written: each request would otherwise write a row.
USE_WRITE_EVERY = timedelta(minutes=1)


def digest_of(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def tokens_for_user(*, user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def token_get_for_user(*, user: Any, pk: int) -> ApiToken:
    """One of the person's own tokens; another person's token answers as a token that does not exist."""
    found = ApiToken.objects.filter(user=user, pk=pk).first()
    if found is None:
        raise Http404
    return found


def token_create(*, user: Any, name: str, ip: str | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`. Returns it with its key, which is never shown again."""
    name = normalize_spaces(name)[:80]
    if not name:
        raise ValidationError(
            {"name": [_("Please name the token after what will use it (for example: bảng tính tổ 3).")]}
        )
    with transaction.atomic():
        active = ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
        if len(active) >= MAX_ACTIVE:
            raise ValidationError(
                {
                    "name": [
                        _("You have %(count)s tokens in use; revoke one you no longer need first.")
                        % {"count": MAX_ACTIVE}
                    ]
                }
            )
        key = PREFIX + secrets.token_urlsafe(30)
        token = ApiToken.objects.create(user=user, name=name, prefix=key[:10], digest=digest_of(key))
        audit_record(
            actor=user, action=AuditEvent.Action.CREATE, obj=token, summary=f"API token {token.prefix}… “{name}”", ip=ip
        )
    return token, key


def token_revoke(*, token: ApiToken, by: Any, ip: str | None = None) -> ApiToken:
    if token.user_id != by.pk:
        raise Http404
    with transaction.atomic():
        changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if changed:
            audit_record(
                actor=by,
                action=AuditEvent.Action.DELETE,
                obj=token,
                summary=f"API token {token.prefix}… revoked",
                ip=ip,
            )
    token.refresh_from_db()
    return token


def token_authenticate(*, key: str, ip: str | None = None) -> ApiToken | None:
    """The live token this key opens, its last use noted (at most once a minute), or None."""
    if not key or len(key) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest_of(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > USE_WRITE_EVERY or token.last_used_ip != ip:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip)
    return token
