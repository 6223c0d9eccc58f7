"""Announcements of a ward and their deliveries: one row per recipient and outlet, claimed before it is sent.
Writes go through announcements.services; reads that a person triggers go through announcements.selectors.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from announcements.partitions import month_start
from groups.models import ChannelKind, Member, Outlet, Province, ResidentialGroup, Ward


def announcement_key(announcement_id: int) -> str:
    """The same for every recipient (so one SMS text serves a bulk request) and not guessable from the id, so an
    announcement meant only for some roles cannot be read by walking the ids."""
    return salted_hmac("announcements.announcement", str(announcement_id), algorithm="sha256").hexdigest()[:10]


class ProvinceAnnouncement(models.Model):
    """A province's notice to every ward or the wards it chose (a typhoon warning, the city committee's Tết
    letter). Sending it makes one announcement in each ward, sent through that ward's own channels to the
    residents who agreed to them, with quiet hours as for the ward's own; the ward's staff see it read-only."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")

    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="announcements")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    category = models.CharField(_("category"), max_length=20, default="other")
    urgency = models.CharField(_("urgency"), max_length=10, default="routine")
    channels = models.JSONField(_("channels"), default=list)
    # Empty: every ward of the province (those added later too, until it is sent).
    wards = models.ManyToManyField(Ward, blank=True, related_name="+", verbose_name=_("wards"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Announcement(models.Model):
    class Category(models.TextChoices):
        DIRECTIVE = "directive", _("Directive (văn bản chỉ đạo)")
        MEETING = "meeting", _("Meeting invitation (mời họp)")
        CAMPAIGN = "campaign", _("Campaign (phong trào / vận động)")
        SECURITY = "security", _("Security and order (an ninh trật tự)")
        DISASTER = "disaster", _("Disaster / fire prevention (thiên tai / PCCC)")
        FINANCE = "finance", _("Public disclosure of funds (công khai thu chi)")
        PROCEDURE = "procedure", _("Administrative procedure (thủ tục hành chính)")
        OTHER = "other", _("Other")

    class Urgency(models.TextChoices):
        ROUTINE = "routine", _("Routine")
        URGENT = "urgent", _("Urgent")

    class Action(models.TextChoices):
        NONE = "none", _("Nothing")
        CONFIRM = "confirm", _("Confirm “I have read it”")
        RSVP = "rsvp", _("Reply to a meeting invitation")
        POLL = "poll", _("Answer a short poll")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")

    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="announcements", verbose_name=_("ward"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Markdown: **bold**, lists, links."))
    body_html = models.TextField(editable=False, default="")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.OTHER)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    whole_ward = models.BooleanField(_("the whole ward"), default=False)
    groups = models.ManyToManyField(
        ResidentialGroup, blank=True, related_name="announcements", verbose_name=_("residential groups")
    )
    # Empty: every role. Otherwise only members whose membership in a targeted group has one of these roles.
    roles = models.JSONField(_("only these roles"), default=list, blank=True)
    channels = models.JSONField(_("channels"), default=list)
    # Kept beside `channels` so the public feed filters with an index on SQLite and PostgreSQL alike.
    on_web_feed = models.BooleanField(default=False, editable=False)
    sms_unaccented = models.BooleanField(
        _("SMS without diacritics"), default=True, help_text=_("160 characters a message instead of 70.")
    )
    action = models.CharField(_("readers are asked to"), max_length=10, choices=Action.choices, default=Action.NONE)
    meeting_at = models.DateTimeField(_("meeting time"), null=True, blank=True)
    meeting_place = models.CharField(_("meeting place"), max_length=300, blank=True)
    poll_question = models.CharField(_("poll question"), max_length=300, blank=True)
    poll_options = models.JSONField(_("poll options"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    scheduled_at = models.DateTimeField(_("send at"), null=True, blank=True, db_index=True)
    # Sent by the province: the ward's copy of its notice, which the ward's staff read but do not change.
    province_announcement = models.ForeignKey(
        ProvinceAnnouncement, on_delete=models.PROTECT, null=True, blank=True, related_name="parts"
    )
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections", verbose_name=_("corrects")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    send_started_at = models.DateTimeField(null=True, blank=True)
    materialized_at = models.DateTimeField(null=True, blank=True)
    # When its deliveries (who it went to, at which address) were removed at the end of the retention period;
    # its figures are then read from its AnnouncementReach.
    deliveries_removed_on = models.DateField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    audience_households = models.PositiveIntegerField(default=0, editable=False)
    rejection_note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["ward", "status", "-sent_at"])]

    def __str__(self) -> str:
        return self.title


def announcement_upload_to(instance: "AnnouncementFile", filename: str) -> str:
    return f"announcements/{instance.announcement_id}/{filename}"


class AnnouncementFile(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        DOCUMENT = "document", _("Document (PDF)")

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to=announcement_upload_to, max_length=300)
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def remove_action(self) -> str:
        return f"remove-file-{self.pk}"

    @property
    def content_type(self) -> str:
        """Photos are stored as JPEG, the portal's own charts as PNG, documents as PDF."""
        if self.kind == self.Kind.DOCUMENT:
            return "application/pdf"
        return "image/png" if self.file.name.endswith(".png") else "image/jpeg"

    @property
    def url(self) -> str:
        """Where it is served, with its announcement's key: whoever may read the announcement (from the feed, from
        a keyed link in a message, or as staff) may open its files."""
        path = reverse("announcements:file", args=[self.announcement_id, self.pk])
        return f"{path}?k={announcement_key(self.announcement_id)}"


class DeliveryBatch(models.Model):
    """A batch of one announcement's deliveries on one channel, fixed when the deliveries are made: what a worker
    claims, retries and hands over, so claiming, backing off and taking over write one small row, not thousands.

    `attempts` counts the claims so far; every takeover raises it, and a worker's writes are fenced by the attempt
    it claimed. `plan` holds the provider request ids fixed before the batch's first request (adapters that send
    many messages in one request), as {request id: [delivery ids]}, so every retry asks the same questions.
    """

    # Not checked by a trigger: the rows are made by the dispatch that holds the announcement, while helper
    # connections insert batches too, and a trigger's KEY SHARE lock on the announcement would wait for it.
    # NULL for the batch of one personal message (PersonalMessage), numbered by its delivery's id.
    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, null=True, blank=True, related_name="batches", db_constraint=False
    )
    kind = models.CharField(max_length=20, choices=ChannelKind.choices)
    number = models.PositiveIntegerField()
    attempts = models.PositiveSmallIntegerField(default=0)
    # While a worker holds the batch; NULL when nobody does.
    lease_until = models.DateTimeField(null=True, blank=True)
    # Not to be claimed before (quiet hours, a retry's back-off, out of quota).
    not_before = models.DateTimeField(null=True, blank=True)
    plan = models.JSONField(null=True, blank=True)
    # Every delivery of the batch has a final status.
    done = models.BooleanField(default=False)
    # The ids its deliveries lie between. A batch made with its announcement's deliveries is exactly that range
    # (they are inserted in batch order); a batch of "retry failed" spans further and its rows are told apart by
    # their batch number. A range of the primary key instead of an index of its own on the delivery table.
    first_id = models.BigIntegerField(null=True, blank=True)
    last_id = models.BigIntegerField(null=True, blank=True)
    # A large audience's batch is made with the people it will go to, not yet their delivery rows: the member ids
    # (fixed, with their channel, when the announcement is dispatched) and how many. The worker that first claims
    # the batch makes its rows; until then the pages count them as waiting.
    members = models.JSONField(null=True, blank=True)
    members_count = models.PositiveIntegerField(default=0, db_default=0)
    # The month of its deliveries (see Delivery.month): its rows are looked for in that month's partition only.
    # NULL for a batch made before deliveries had a month.
    month = models.DateField(null=True, blank=True)
    # Rows whose outcome is unknown are asked about again from then (their request repeated under the same id,
    # which the provider answers "already sent" or sends now), `asks` times so far.
    settle_at = models.DateTimeField(null=True, blank=True)
    asks = models.PositiveSmallIntegerField(default=0, db_default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["announcement", "kind", "number"], name="one_batch_number"),
        ]
        indexes = [
            models.Index(fields=["settle_at"], condition=Q(settle_at__isnull=False), name="batch_to_settle"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} batch {self.number} of announcement {self.announcement_id}"

    def deliveries(self) -> "models.QuerySet[Delivery]":
        return batch_deliveries(self.announcement_id, self.kind, self.number, self.first_id, self.last_id, self.month)


def batch_deliveries(
    announcement_id: int | None,
    kind: str,
    number: int,
    first_id: int | None,
    last_id: int | None,
    month: date | None = None,
) -> "models.QuerySet[Delivery]":
    """The deliveries of one batch, found through the primary key's range, in its month's partition."""
    found = Delivery.objects.filter(
        id__range=(first_id or 0, last_id or 0), announcement_id=announcement_id, kind=kind, batch=number
    )
    return found if month is None else found.filter(month=month)


class Delivery(models.Model):
    """One message to one recipient (a member) or one post to one outlet (a group's Zalo group, Page or feed) of an announcement, or
    one personal message (a report's tracking code, a request to confirm a group, a mail to staff).

    Written for speed at millions of rows: made in one INSERT … SELECT with its batch number (at dispatch, or for a
    large audience by the worker that claims its batch), then written once more with its result. No column that changes after the insert is in an index, so that write is a HOT update
    (the table keeps free room in every page, see the migration), and the foreign keys are not enforced by
    database triggers: the rows are made from existing members and outlets in one statement, and deleting a
    member or an outlet goes through Django, which deletes their deliveries.

    On PostgreSQL the table is partitioned by `month` (announcements.partitions): an announcement's rows all carry
    the month it was dispatched in, a personal message's the month it was queued in, so a month's personal data
    is one partition, summarised and dropped whole when the retention period ends (services.retention). The
    database's primary key is (id, month) and every unique key includes the month, as partitioning requires;
    Django knows the id alone, which stays unique (one sequence for every partition).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        # Every try went unanswered (a timeout, a server error): the provider may have sent it. Neither reached
        # nor failed until a delivery report or the provider's answer to the same request id settles it.
        UNKNOWN = "unknown", _("Outcome unknown")
        SKIPPED = "skipped", _("Skipped")

    # NULL for a personal message (its PersonalMessage says what it is).
    announcement = models.ForeignKey(
        Announcement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        db_index=False,
        db_constraint=False,
    )
    kind = models.CharField(max_length=20, choices=ChannelKind.choices, blank=True)
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=False, db_constraint=False
    )
    outlet = models.ForeignKey(
        Outlet, on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=False, db_constraint=False
    )
    # Its DeliveryBatch's number (per announcement and channel); NULL for a delivery skipped when it was made.
    # Not indexed: a batch's rows are found by the batch's range of ids.
    batch = models.PositiveIntegerField(null=True, blank=True)
    address = models.CharField(max_length=254, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # Tries of its current request that got no answer, in a row: at DELIVERY_MAX_ATTEMPTS it fails. A try that got
    # further (a refused bulk request narrowed down to a smaller one) starts the count again.
    retries = models.PositiveSmallIntegerField(default=0)
    # Until when it waits (quiet hours, out of quota, a retry's back-off), for the pages that show what waits;
    # the batch's own not_before is what the workers go by.
    not_before = models.DateTimeField(null=True, blank=True)
    provider_message_id = models.CharField(max_length=128, blank=True)
    # The provider's idempotency key it went under, written with its result and kept through every retry (and
    # "retry failed"): a repeat is answered "already sent". Cleared only when the provider surely did not send
    # it (out of quota, deferred).
    request_id = models.CharField(max_length=64, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The partition key: the first day of the month its announcement was dispatched in (or, for a personal
    # message, queued in). The same for every row of an announcement, so the keys below still mean one message
    # a person.
    month = models.DateField(default=month_start)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            # Not partial: NULL members never conflict, and so it also serves every query by announcement.
            models.UniqueConstraint(fields=["announcement", "member", "month"], name="one_message_per_person"),
            models.UniqueConstraint(
                fields=["announcement", "outlet", "month"],
                condition=Q(outlet__isnull=False),
                name="one_post_per_outlet",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind or '-'} #{self.pk} {self.status}"

    @property
    def reason_display(self) -> str:
        """Why it was skipped or failed, in words: the fan-out stores a code for a skip, a provider its message.
        An unknown outcome says what staff need to know; the provider's last answer stays in `reason`."""
        if self.status == self.Status.UNKNOWN:
            return str(_("The provider did not answer any try; the message may have arrived."))
        return str(SKIP_REASONS.get(self.reason, self.reason))


# The codes the fan-out writes as the reason of a skipped delivery.
SKIP_REASONS = {
    "no_consent": _("no channel the person agreed to"),
    "cancelled": _("cancelled"),
}


class PersonalMessage(models.Model):
    """A message to one person outside any announcement, sent as a delivery of its own, so that it gets what
    announcements get: retries, quiet hours, delivery reports and a status staff can read.

    `topic` names what it is about ("report:12", "membership:7", "staff:3"), for the pages that list it; `what`
    says which message it is, in words staff read. The text is kept for the worker only: it may carry a link that
    acts for the person (a reporter's link, a staff invitation), so no page shows it.
    """

    # Not checked by a trigger, as no key to the delivery table is (see Delivery): a trigger on that table would
    # run at every one of an announcement's million status writes. A personal delivery has no announcement and
    # no member, so nothing deletes it but its message.
    delivery = models.OneToOneField(Delivery, on_delete=models.DO_NOTHING, related_name="personal", db_constraint=False)
    # The ward it is about, for its staff's list of messages that failed or whose outcome is unknown.
    ward = models.ForeignKey(Ward, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    topic = models.CharField(max_length=40, db_index=True)
    what = models.CharField(max_length=120)
    title = models.CharField(max_length=200)
    text = models.TextField()
    html = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.topic}: {self.what}"


class Response(models.Model):
    """What a reader answered: a confirmation, an RSVP, or a poll choice. One of each kind per person."""

    class Kind(models.TextChoices):
        CONFIRM = "confirm", _("Confirmed")
        RSVP = "rsvp", _("RSVP")
        POLL = "poll", _("Poll answer")

    class Rsvp(models.TextChoices):
        YES = "yes", _("I will attend")
        NO = "no", _("I cannot attend")
        MAYBE = "maybe", _("Not sure yet")

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="responses")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["announcement", "member", "kind"], name="one_response_of_a_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"


class InPersonReach(models.Model):
    """A household a leader told about an announcement without any channel: in person, or by the loudspeaker
    (the elderly, households with no phone). Counted beside the channels' reach, never mixed into it."""

    class How(models.TextChoices):
        TOLD = "told", _("Told in person")
        LOUDSPEAKER = "loudspeaker", _("Heard on the loudspeaker")

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="in_person")
    household = models.ForeignKey("groups.Household", on_delete=models.CASCADE, related_name="+")
    how = models.CharField(max_length=12, choices=How.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["announcement", "household"], name="reached_in_person_once")]

    def __str__(self) -> str:
        return f"{self.announcement_id}/{self.household_id}: {self.how}"


class AnnouncementReach(models.Model):
    """An announcement's reach in households, kept for the province's page: worked out once when the sending
    ends (and again if a retry sends more), and moved by each household a leader records as told in person, so
    a page of a province's week reads these rows and never counts deliveries."""

    announcement = models.OneToOneField(Announcement, on_delete=models.CASCADE, primary_key=True, related_name="+")
    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    audience_households = models.PositiveIntegerField(default=0)
    by_channel = models.PositiveIntegerField(default=0)
    told = models.PositiveIntegerField(default=0)
    loudspeaker = models.PositiveIntegerField(default=0)
    # Its deliveries counted by channel and status, and its skips by reason ({"channels": {kind: {status: n}},
    # "skipped": {reason: n}}), kept when the retention period removes the deliveries themselves.
    tally = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["ward", "sent_on"])]

    def __str__(self) -> str:
        return f"{self.announcement_id}: {self.by_channel}+{self.told}+{self.loudspeaker}/{self.audience_households}"
