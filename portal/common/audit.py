"""Recording who saw and changed what, and reading it back. Services call audit_record inside their own
transaction; pages read the trail through audit_history and audit_events_for_ward, for a ward's own staff only
(the pages check who asks)."""

import ipaddress
from typing import Any

from django.conf import settings
from django.db import models

from portal.models import AuditEvent


def model_changes(instance: models.Model, before: dict[str, Any], fields: list[str]) -> dict[str, list[Any]]:
    """The fields whose value differs from `before`, as {field: [old, new]}."""
    changes = {}
    for field in fields:
        new = getattr(instance, field)
        old = before.get(field)
        if old != new:
            changes[field] = [_jsonable(old), _jsonable(new)]
    return changes


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    return {field: getattr(instance, field) for field in fields}


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    ward: Any = None,
    summary: str = "",
    changes: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        ward=ward,
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary[:300],
        changes=changes or {},
        ip=ip,
    )


def audit_history(*, obj: models.Model, limit: int = 20) -> Any:
    """What was done to one object, newest first, without the reads of it (who only looked)."""
    return (
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .exclude(action=AuditEvent.Action.VIEW)
        .select_related("actor")[:limit]
    )


def audit_events_for_ward(*, ward: Any) -> Any:
    """The ward's whole trail, newest first (its admins' audit log)."""
    return AuditEvent.objects.filter(ward=ward).select_related("actor")


def client_ip(request: Any) -> str | None:
    """The client's address: REMOTE_ADDR, or behind a trusted proxy (settings.TRUSTED_PROXY) the address that
    proxy appended last to X-Forwarded-For; the entries before it are whatever the client chose to send."""
    if settings.TRUSTED_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded and forwarded[-1]:
            try:
                return str(ipaddress.ip_address(forwarded[-1]))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR") or None
