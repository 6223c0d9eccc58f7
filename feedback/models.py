"""Residents' reports (phản ánh, kiến nghị, tố giác), each with a tracking code, an owner, a deadline and public answers.
Writes go through feedback.services; reads that a person triggers go through feedback.selectors.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from groups.models import ResidentialGroup, Ward


class Holiday(models.Model):
    """A day off that deadlines skip, besides the public holidays the `holidays` package knows: a ward's own
    day, or (ward-less, entered by an admin) a substitute day the government announced after that package's
    release."""

    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, null=True, blank=True, related_name="holidays")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["ward", "date"], name="holiday_once_per_ward"),
            models.UniqueConstraint(fields=["date"], condition=Q(ward__isnull=True), name="national_holiday_once"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"


class Unit(models.Model):
    """A team that handles reports: ward police (CSKV), the environment team, the ward office, a group's Ban CTMT."""

    class Kind(models.TextChoices):
        POLICE = "police", _("Ward police (CSKV)")
        ENVIRONMENT = "environment", _("Environment team")
        OFFICE = "office", _("Ward office")
        FRONT = "front", _("Front work committee (Ban CTMT)")
        OTHER = "other", _("Other")

    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="units", verbose_name=_("ward"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    group = models.ForeignKey(ResidentialGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("head"),
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="report_units")
    # Only members of such a unit may see who sent a tip (tố giác).
    handles_tips = models.BooleanField(_("receives tips (tố giác)"), default=False)

    class Meta:
        verbose_name = _("responsible unit")
        verbose_name_plural = _("responsible units")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Category(models.TextChoices):
    ENVIRONMENT = "environment", _("Environment and hygiene (vệ sinh môi trường)")
    SECURITY = "security", _("Security and order (an ninh trật tự)")
    URBAN_ORDER = "urban_order", _("Urban order, sidewalks (trật tự đô thị / lấn chiếm vỉa hè)")
    TRAFFIC = "traffic", _("Traffic (giao thông)")
    UTILITIES = "utilities", _("Power, water, infrastructure (điện nước / hạ tầng)")
    PROCEDURE = "procedure", _("Administrative procedures (thủ tục hành chính)")
    QUESTION = "question", _("Question (hỏi đáp)")
    TIP = "tip", _("Tip about a violation (tố giác)")
    OTHER = "other", _("Other")


class CannedReply(models.Model):
    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="canned_replies")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    title = models.CharField(_("title"), max_length=120)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["category", "title"]

    def __str__(self) -> str:
        return self.title


class ReportQuerySet(models.QuerySet):
    def public(self) -> "ReportQuerySet":
        """The one rule for what anyone may read of a report without proving they sent it (the code alone, the
        ward's answers page, "similar reports", Open311, photos): the reporter allowed it, it is not a tip, staff
        have accepted it (a new report may be spam or carry something personal the reporter did not mean to
        publish), and it was not thrown out as spam or rejected."""
        return self.filter(is_public=True, is_confidential=False, accepted_at__isnull=False).exclude(
            status__in=Report.NOT_SHOWN
        )


class Report(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        TRIAGED = "triaged", _("Accepted")
        ASSIGNED = "assigned", _("Assigned")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")
        REJECTED = "rejected", _("Rejected")
        DUPLICATE = "duplicate", _("Duplicate")
        SPAM = "spam", _("Spam")

    class Priority(models.TextChoices):
        URGENT = "urgent", _("Urgent (khẩn)")
        NORMAL = "normal", _("Normal (bình thường)")
        COMPLEX = "complex", _("Complex (phức tạp)")

    class Source(models.TextChoices):
        WEB = "web", _("Web form")
        PHONE = "phone", _("Phone call")
        MEETING = "meeting", _("Meeting")
        BOX = "box", _("Report box")
        ZALO_GROUP = "zalo_group", _("Zalo group")
        ZALO_OA = "zalo_oa", _("Zalo OA message")
        OPEN311 = "open311", _("Open311 app")

    # Every report updates each index, and the queue's (ward, …) indexes already serve look-ups by ward: no index of
    # its own for the ward, for who recorded it (only read on a person's deletion), or for LIKE on the codes.
    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, related_name="reports", verbose_name=_("ward"), db_index=False
    )
    group = models.ForeignKey(
        ResidentialGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("residential group"),
    )
    tracking_code = models.CharField(_("tracking code"), max_length=16)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.TextField(_("description"))
    # Folded description and address (no diacritics, lower case): "rac thai" finds "rác thải". Never holds the
    # reporter's identity, so searching cannot reveal who sent a tip.
    search_text = models.TextField(editable=False, default="")
    address = models.CharField(_("where"), max_length=300, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    reporter_name = models.CharField(_("name"), max_length=200, blank=True)
    reporter_phone = models.CharField(_("phone"), max_length=20, blank=True)
    reporter_email = models.EmailField(_("email"), blank=True)
    reporter_zalo_id = models.CharField(max_length=64, blank=True)
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    is_confidential = models.BooleanField(_("confidential"), default=False)
    is_public = models.BooleanField(_("may be shown on the ward's public page"), default=True)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.WEB)
    external_ref = models.CharField(max_length=128, blank=True)
    # NULL, not "": a report without a key (say, recorded by staff) must not collide with another under the
    # unique constraint.
    submission_key = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW)
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports", verbose_name=_("unit")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assignee"),
    )
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    resolution = models.TextField(_("resolution"), blank=True)
    accept_due_at = models.DateTimeField(null=True, blank=True)
    resolve_due_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.CharField(max_length=1000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The status groups, named once: waiting for the ward, answered by it, and set aside; DONE is the last two
    # (Open311's "closed"). The public never sees NOT_SHOWN.
    OPEN = (Status.NEW, Status.TRIAGED, Status.ASSIGNED, Status.IN_PROGRESS)
    ANSWERED = (Status.RESOLVED, Status.CLOSED)
    INVALID = (Status.REJECTED, Status.DUPLICATE, Status.SPAM)
    DONE = (*ANSWERED, *INVALID)
    NOT_SHOWN = (Status.REJECTED, Status.SPAM)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["tracking_code"], name="feedback_tracking_code_unique"),
            # A repeat of the same submission (a double tap) is caught by this key when it is inserted.
            models.UniqueConstraint(fields=["submission_key"], name="feedback_submission_once"),
        ]
        indexes = [
            # The queue is read newest first by keyset (id), filtered by ward and usually by status/category.
            models.Index(fields=["ward", "-id"], name="feedback_queue"),
            models.Index(fields=["ward", "status", "-id"], name="feedback_queue_status"),
            models.Index(fields=["ward", "category", "status", "-id"], name="feedback_queue_category"),
            models.Index(
                fields=["ward", "resolve_due_at"],
                condition=Q(status__in=["new", "triaged", "assigned", "in_progress"]),
                name="feedback_open_due",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_public_now(self) -> bool:
        """Whether anyone may read this report now: asked of the one rule, Report.objects.public()."""
        return self.pk is not None and Report.objects.public().filter(pk=self.pk).exists()


def report_upload_to(instance: "ReportPhoto", filename: str) -> str:
    return f"feedback/{instance.report_id}/{filename}"


class ReportPhoto(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey("ReportEvent", on_delete=models.CASCADE, null=True, blank=True, related_name="photos")
    image = models.ImageField(upload_to=report_upload_to, max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.image.name


class ReportEvent(models.Model):
    """The report's timeline: status changes, assignments, internal notes and public replies."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Received")
        STATUS = "status", _("Status changed")
        ASSIGNED = "assigned", _("Assigned")
        PRIORITY = "priority", _("Priority changed")
        NOTE = "note", _("Internal note")
        REPLY = "reply", _("Public reply")
        NOTIFIED = "notified", _("Reporter notified")
        ESCALATED = "escalated", _("Escalated")
        MERGED = "merged", _("Merged")
        RATED = "rated", _("Rated")

    # The (report, created_at) index below serves look-ups by report; a second one on the report alone would only
    # slow every report down.
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events", db_index=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_public = models.BooleanField(default=False)
    text = models.TextField(blank=True)
    # With the report's status names, so every page shows "Đã giải quyết", never "resolved".
    from_status = models.CharField(max_length=12, blank=True, choices=Report.Status.choices)
    to_status = models.CharField(max_length=12, blank=True, choices=Report.Status.choices)

    class Via(models.TextChoices):
        """For a reporter's own act (a rating, a reopening): how they proved it was them."""

        BROWSER = "browser", _("the reporter, from the browser that sent the report")
        PHONE = "phone", _("the reporter, with the code and the last digits of their phone")
        LINK = "link", _("the reporter, from the link the ward sent them")

    via = models.CharField(max_length=10, choices=Via.choices, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["report", "created_at"], name="feedback_fe_feedbac_3bdfff_idx")]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind}"


class Open311Key(models.Model):
    """An API key for POSTing reports, given to one app for one ward. Only its hash is stored."""

    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="open311_keys")
    name = models.CharField(max_length=120)
    key_hash = models.CharField(max_length=64, unique=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, *, ward: Ward, name: str) -> tuple["Open311Key", str]:
        key = secrets.token_urlsafe(24)
        return cls.objects.create(ward=ward, name=name, key_hash=cls.hash(key)), key


def topic_of(report: Report, *, staff: bool = False) -> str:
    """What the messages about a report are filed under (a personal message's topic): those to its reporter,
    and those to staff. The services that send them and the selectors that list them name them alike."""
    return f"report:{report.pk}" + (":staff" if staff else "")
