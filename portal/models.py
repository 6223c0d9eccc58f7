"""Site-wide records: the audit trail of who saw and changed residents' personal data."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Removed")
        EXPORT = "export", _("Exported")
        IMPORT = "import", _("Imported")
        APPROVE = "approve", _("Approved")
        REJECT = "reject", _("Rejected")
        LOGIN = "login", _("Logged in")
        SUBMIT = "submit", _("Sent for approval")
        SCHEDULE = "schedule", _("Scheduled")
        SEND = "send", _("Sent")
        CANCEL = "cancel", _("Cancelled")
        RETRY = "retry", _("Retried")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    ward = models.ForeignKey("groups.Ward", on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=50, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    # Field names with old and new values; phone numbers and names are personal data, so only staff of the
    # same ward can read this (see portal.selectors.audit_events_for_user).
    changes = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_type}#{self.object_id}"
