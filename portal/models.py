"""Site-wide records: the audit trail of who saw and changed residents' personal data."""

import uuid

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
    # same ward can read this (portal.common.audit.audit_events_for_ward, behind a ward admin's page).
    changes = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_type}#{self.object_id}"


def report_upload_to(instance: "WardReportJob", filename: str) -> str:
    owner = instance.ward_id if instance.ward_id else f"p{instance.province_id}"
    return f"reports/{owner}/{uuid.uuid4().hex}.{instance.format}"


class WardReportJob(models.Model):
    """A report a ward admin (or a province admin, for the province: `province` set and no `ward`) asked for from
    the page: made by a worker, with its progress, then mailed."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        PDF = "pdf", _("PDF, to print and sign")
        DOCX = "docx", _("Word (DOCX), to edit before signing")
        XLSX = "xlsx", _("Excel (XLSX), the figures and charts")

    ward = models.ForeignKey("groups.Ward", on_delete=models.CASCADE, related_name="+", null=True, blank=True)
    province = models.ForeignKey("groups.Province", on_delete=models.CASCADE, related_name="+", null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    start = models.DateField()
    end = models.DateField()
    format = models.CharField(max_length=4, choices=Format.choices)
    # What makes it the committee's document: kept with the job, and offered again for the next report.
    number = models.CharField(max_length=20, blank=True)
    place = models.CharField(max_length=80, blank=True)
    signer = models.CharField(max_length=120, blank=True)
    signer_title = models.CharField(max_length=20, blank=True)
    recipients = models.TextField(blank=True)  # one per line
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    file = models.FileField(upload_to=report_upload_to, blank=True, max_length=300)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.ward_id} {self.start}–{self.end} {self.format}"

    @property
    def file_name(self) -> str:
        return f"bao-cao-{self.start:%Y%m%d}-{self.end:%Y%m%d}.{self.format}"


class ApiToken(models.Model):
    """A key an officer made for an API client (a ward's spreadsheet script, a partner's app). Only its SHA-256
    is kept: the key is shown once, when it is made, and a stolen database holds nothing that opens the API.
    A revoked token stays listed, with its last use, so the owner sees what it was."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    # The key's first characters, for the owner to tell their tokens apart; never enough to use it.
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
