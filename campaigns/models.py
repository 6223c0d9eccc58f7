"""Campaigns and movements of the Front (cuộc vận động, phong trào): a fund, a sign-up or a day of work, with a
ward target split into targets per residential group, and the entries group leaders record against it.

Entries are never edited: a correction is a new entry that reverses the old one. Progress is read from running
totals (Total per group, Participation per household), written in the same transaction as each entry, so a
progress page never sums a million entries. Writes go through campaigns.services.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from groups.models import Household, ResidentialGroup, Ward


class ProvinceCampaign(models.Model):
    """A province's campaign (the city's Fund for the Poor): its target split over its wards, by their declared
    households unless the province set a ward's share; each ward runs its share as its own campaign (`parts`),
    split over its groups as a ward's own is, and the province's figure is the sum of its wards'."""

    province = models.ForeignKey("groups.Province", on_delete=models.PROTECT, related_name="campaigns")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20)
    unit = models.CharField(_("unit"), max_length=12)
    unit_label = models.CharField(_("unit name"), max_length=40, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    target = models.BigIntegerField(_("province target"))
    purpose = models.TextField(_("what it is for"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def unit_name(self) -> str:
        """As its wards' parts say it."""
        if self.unit == Campaign.Unit.VND:
            return "đ"
        return self.unit_label or str(dict(Campaign.Unit.choices).get(self.unit, self.unit))


class Campaign(models.Model):
    class Kind(models.TextChoices):
        FUND = "fund", _("Fund (money)")
        PARTICIPATION = "participation", _("Participation (households or people)")
        ACTION = "action", _("Day of action")

    class Unit(models.TextChoices):
        VND = "vnd", _("đồng")
        HOUSEHOLDS = "households", _("households")
        PEOPLE = "people", _("people")
        CUSTOM = "custom", _("other unit")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("ward"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    unit = models.CharField(_("unit"), max_length=12, choices=Unit.choices)
    unit_label = models.CharField(_("unit name"), max_length=40, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    target = models.BigIntegerField(_("ward target"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    # What residents read on the public page: what it is for, and how to take part (who collects, where, when).
    purpose = models.TextField(_("what it is for"), blank=True)
    how_to_give = models.TextField(_("how to take part"), blank=True)
    # A fund's bank account for transfers (shown as a VietQR code): the bank's BIN (NAPAS), number, holder.
    bank_bin = models.CharField(_("bank"), max_length=6, blank=True)
    bank_account = models.CharField(_("account number"), max_length=19, blank=True)
    bank_holder = models.CharField(_("account holder"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The ward's share of a province's campaign: its target is the province's to set, its groups' the ward's.
    province_campaign = models.ForeignKey(
        ProvinceCampaign, on_delete=models.PROTECT, null=True, blank=True, related_name="parts"
    )
    # Its launch, reminders and results: a results announcement goes out on the channels these used.
    announcements = models.ManyToManyField(
        "announcements.Announcement", blank=True, related_name="campaigns", verbose_name=_("announcements")
    )

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(condition=Q(target__gt=0), name="campaign_target_positive"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def transfer_reference(self) -> str:
        """What a transfer's message carries, so the ward's treasurer knows the campaign (ASCII, short)."""
        return f"MTTQ {self.ward.code} QUY{self.pk}"

    @property
    def unit_name(self) -> str:
        """What follows a figure: "đ", "hộ", "người" or the ward's own unit."""
        if self.unit == self.Unit.VND:
            return "đ"
        return self.unit_label or str(self.get_unit_display())


class GroupTarget(models.Model):
    """A group's share of the ward target (by households by default, editable)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="group_targets")
    group = models.ForeignKey(ResidentialGroup, on_delete=models.PROTECT, related_name="+")
    target = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "group"], name="one_target_per_group")]

    def __str__(self) -> str:
        return f"{self.group_id}: {self.target}"


class Entry(models.Model):
    """One contribution or participation, or the reversal of one (a correction): never changed once written.
    Who, when and from where are kept with it."""

    class Method(models.TextChoices):
        CASH = "cash", _("Cash")
        TRANSFER = "transfer", _("Transfer")
        NONE = "", _("—")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="entries", db_index=False)
    group = models.ForeignKey(ResidentialGroup, on_delete=models.PROTECT, related_name="+", db_index=False)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+", db_index=False)
    # In the campaign's unit: đồng for a fund, 1 for a household taking part. Negative only for a reversal.
    amount = models.BigIntegerField()
    method = models.CharField(max_length=10, choices=Method.choices, blank=True, default="")
    receipt_number = models.CharField(max_length=40, blank=True, default="")
    # The contributor agreed to have the household's name on the public page.
    name_public = models.BooleanField(default=False)
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by")
    reason = models.CharField(max_length=300, blank=True, default="")
    # The phone's own key for this entry: the same entry sent twice (a retry after a weak connection) is one. A key
    # belongs to its author; one the portal makes for itself starts with "~", which no client key can.
    key = models.CharField(max_length=64)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "recorded_by", "key"], name="entry_once_per_author_key"),
            models.UniqueConstraint(
                fields=["campaign", "receipt_number"],
                condition=~Q(receipt_number="") & Q(reverses__isnull=True),
                name="entry_receipt_once",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "group", "-id"], name="entry_by_group")]

    def __str__(self) -> str:
        return f"{self.household_id}: {self.amount}"


class Total(models.Model):
    """A group's running total for a campaign: the sum of its entries, how many entries, how many households
    take part (their own net total above zero). Written with every entry, under the row's lock."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="totals")
    group = models.ForeignKey(ResidentialGroup, on_delete=models.PROTECT, related_name="+")
    amount = models.BigIntegerField(default=0)
    entries = models.PositiveIntegerField(default=0)
    households = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "group"], name="one_total_per_group")]

    def __str__(self) -> str:
        return f"{self.group_id}: {self.amount}"


class Participation(models.Model):
    """A household's own net total for a campaign, so "households taking part" stays exact under corrections."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    amount = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "household"], name="one_participation")]

    def __str__(self) -> str:
        return f"{self.household_id}: {self.amount}"


class DayTotal(models.Model):
    """The ward's running total for a campaign on one day (the day an entry was recorded, the ward's time zone),
    for the public page's "per day" table and its feed without summing the entries."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="day_totals")
    day = models.DateField()
    amount = models.BigIntegerField(default=0)
    entries = models.IntegerField(default=0)
    # When an entry of the day last changed the total: the day's item in the Atom feed is updated then.
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "day"], name="one_total_per_day")]

    def __str__(self) -> str:
        return f"{self.day}: {self.amount}"


def minutes_upload_to(instance: "Meeting", filename: str) -> str:
    # A random name: the file is served only through a view that checks who asks.

    return f"meetings/{instance.ward_id}/{uuid.uuid4().hex}.pdf"


class Meeting(models.Model):
    """A meeting of residents (họp tổ dân phố, hội nghị): invited by an RSVP announcement, attendance taken on
    the leader's phone by ticking names or scanning each resident's personal QR code, minutes attached."""

    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("ward"))
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("time"))
    place = models.CharField(_("place"), max_length=300)
    agenda = models.TextField(_("agenda"), blank=True)
    whole_ward = models.BooleanField(_("the whole ward"), default=False)
    groups = models.ManyToManyField(ResidentialGroup, blank=True, related_name="+", verbose_name=_("groups invited"))
    announcement = models.OneToOneField(
        "announcements.Announcement", on_delete=models.SET_NULL, null=True, blank=True, related_name="meeting"
    )
    minutes = models.FileField(upload_to=minutes_upload_to, blank=True, max_length=300)
    minutes_name = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return self.title


class MinutesVersion(models.Model):
    """Every file ever attached as a meeting's minutes, with who attached it and when: an official record is
    replaced only by a newer version, never overwritten. The newest is the meeting's minutes; ward admins can
    still download the earlier ones."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="minutes_versions")
    file = models.FileField(upload_to="meetings/minutes/", max_length=300)
    name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.name


class Attendance(models.Model):
    class How(models.TextChoices):
        TICK = "tick", _("Ticked by the leader")
        QR = "qr", _("Personal QR code")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey("groups.Member", on_delete=models.CASCADE, related_name="+")
    # The group the person came for, so attendance can be counted per group even for someone in two groups.
    group = models.ForeignKey(ResidentialGroup, on_delete=models.PROTECT, related_name="+")
    how = models.CharField(max_length=4, choices=How.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attends_once")]

    def __str__(self) -> str:
        return f"{self.meeting_id}/{self.member_id}"


class EntryImport(models.Model):
    """A group's list of contributions from a sheet, checked row by row and shown before anything is recorded;
    committed once (each row's key is the import's and the row's, so a second commit records nothing twice)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="imports")
    group = models.ForeignKey(ResidentialGroup, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=200)
    rows = models.JSONField(default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    # A preview nobody recorded is emptied after a day (portal.common.sheets.IMPORT_KEEP): its rows name households.
    expired_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.file_name

    @property
    def valid_rows(self) -> list[dict]:
        return [row for row in self.rows if not row.get("error")]

    @property
    def bad_rows(self) -> list[dict]:
        return [row for row in self.rows if row.get("error")]
