"""The organisation of a ward: residential groups, households, members and their memberships.

Writes go through groups.services; reads that a person triggers go through groups.selectors.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from channels.kinds import ChannelKind, ContactChannel  # the channels' words; importable from here too
from portal.common.phones import national_format


class Province(models.Model):
    """A province or centrally-run city: since 1 July 2025 the tier above the wards and communes, and the one
    that runs the server. Its committee directs and watches its wards through counts and what is public; a
    resident's personal data stays with the ward."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    code = models.CharField(_("administrative code"), max_length=4, unique=True)

    class Meta:
        verbose_name = _("province / city")
        verbose_name_plural = _("provinces / cities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProvinceStaff(models.Model):
    """A portal account of a province's committee. Kept apart from the wards' staff profiles on purpose: no
    ward page, which asks for a staff profile, ever opens to it."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Province admin")
        VIEWER = "viewer", _("Province viewer")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="province_staff")
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="staff")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)

    class Meta:
        verbose_name = _("province staff")
        verbose_name_plural = _("province staff")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.province}"

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN


class Ward(models.Model):
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("administrative code"), max_length=10, unique=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="wards", verbose_name=_("province / city")
    )
    households_total = models.PositiveIntegerField(_("households in total"), default=0)
    # A second person must approve what someone drafts; announcements read this.
    requires_second_approver = models.BooleanField(_("requires a second approver"), default=True)
    # The ward office's position, for "near me" on the front page of a city with many wards.
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name = _("ward")
        verbose_name_plural = _("wards")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.province})"


def new_invite_token() -> str:
    return secrets.token_urlsafe(12)


class ResidentialGroup(models.Model):
    class Kind(models.TextChoices):
        TO_DAN_PHO = "to_dan_pho", _("Residential group (tổ dân phố)")
        THON = "thon", _("Village (thôn)")
        KHU_DAN_CU = "khu_dan_cu", _("Residential area (khu dân cư)")
        AP = "ap", _("Hamlet (ấp)")

    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="groups", verbose_name=_("ward"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TO_DAN_PHO)
    name = models.CharField(_("name"), max_length=200)
    name_folded = models.CharField(max_length=200, editable=False, db_index=True)
    households_total = models.PositiveIntegerField(
        _("households declared"), default=0, help_text=_("As declared by the ward; the denominator of coverage.")
    )
    # Households of the group with at least one member of it active, kept by the membership services in the
    # transactions that change it, so the province's page adds up its wards without counting memberships.
    covered = models.PositiveIntegerField(_("households covered"), default=0, db_default=0, editable=False)
    facebook_group_url = models.URLField(_("Facebook group link"), blank=True)
    invite_token = models.CharField(max_length=32, unique=True, default=new_invite_token, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("residential group")
        verbose_name_plural = _("residential groups")
        ordering = ["ward", "name"]
        constraints = [
            models.UniqueConstraint(fields=["ward", "name_folded"], name="group_name_unique_in_ward"),
        ]

    def __str__(self) -> str:
        return self.name


class Household(models.Model):
    group = models.ForeignKey(
        ResidentialGroup, on_delete=models.PROTECT, related_name="households", verbose_name=_("residential group")
    )
    address = models.CharField(_("address"), max_length=300)
    address_folded = models.CharField(max_length=300, editable=False)
    head = models.ForeignKey(
        "Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_households",
        verbose_name=_("head of household"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["address"]
        constraints = [
            models.UniqueConstraint(fields=["group", "address_folded"], name="household_address_unique_in_group"),
        ]

    def __str__(self) -> str:
        return self.address


class Member(models.Model):
    """A person known to the ward. One phone number is one member within a ward."""

    # Indexed with the id (below) rather than alone: a send cuts a ward's members into id ranges by their lowest
    # and highest id, which this index answers at once where the id's own index would walk past every other ward.
    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, related_name="members", verbose_name=_("ward"), db_index=False
    )
    full_name = models.CharField(_("full name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20, help_text=_("Stored in E.164, e.g. +84912345678."))
    email = models.EmailField(_("email"), blank=True)
    zalo_user_id = models.CharField(_("Zalo user id"), max_length=64, blank=True)
    household = models.ForeignKey(
        Household, on_delete=models.SET_NULL, null=True, blank=True, related_name="members", verbose_name=_("household")
    )
    consent_sms = models.BooleanField(_("agrees to SMS"), default=False)
    consent_zalo = models.BooleanField(_("agrees to Zalo"), default=False)
    consent_email = models.BooleanField(_("agrees to email"), default=False)
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=10, choices=ContactChannel.choices, blank=True, default=""
    )
    # Folded name and phone digits, so "nguyen van a" or "0912345" find a member on SQLite and PostgreSQL alike.
    search_text = models.CharField(max_length=400, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["full_name"]
        constraints = [models.UniqueConstraint(fields=["ward", "phone"], name="member_phone_unique_in_ward")]
        indexes = [models.Index(fields=["ward", "id"], name="member_ward_id")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def phone_display(self) -> str:
        return national_format(self.phone)


class Membership(models.Model):
    class Role(models.TextChoices):
        RESIDENT = "resident", _("Resident")
        HOUSEHOLD_REP = "household_rep", _("Household representative")
        GROUP_HEAD = "group_head", _("Head of group (tổ trưởng)")
        GROUP_DEPUTY = "group_deputy", _("Deputy head (tổ phó)")
        FRONT_HEAD = "front_head", _("Head of the Front work committee (trưởng Ban CTMT)")
        BRANCH_HEAD = "branch_head", _("Branch head (chi hội trưởng)")
        POLICE = "police", _("Area police officer (CSKV)")
        WARD_LEADER = "ward_leader", _("Ward leader")

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        PENDING = "pending", _("Waiting for approval")
        ACTIVE = "active", _("Active")
        LEFT = "left", _("Left")
        REJECTED = "rejected", _("Rejected")

    # The statuses in which a person counts as belonging (or being asked) to the group.
    CURRENT_STATUSES = [Status.INVITED, Status.PENDING, Status.ACTIVE]

    class Source(models.TextChoices):
        STAFF = "staff", _("Added by staff")
        IMPORT = "import", _("Imported from a file")
        SELF_JOIN = "self_join", _("Joined by invite link")
        API = "api", _("Added through the API")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("member"))
    group = models.ForeignKey(
        ResidentialGroup, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("residential group")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.RESIDENT)
    organisation = models.CharField(
        _("organisation"), max_length=200, blank=True, help_text=_("For a branch head: women's union, veterans, ...")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.STAFF)
    requested_address = models.CharField(_("address given"), max_length=300, blank=True)
    # A request about a person the ward already knows (a leader adding a resident of another group, or someone
    # typing a phone number the ward has): it needs that person's own confirmation, from a link sent to their
    # own channel, before a leader may approve it; staff requests may instead be decided by the other group's
    # leader or a ward admin. Until then, the requesting side never sees the person's name.
    confirmation_required = models.BooleanField(default=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(_("joined"), null=True, blank=True)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-created_at"]
        constraints = [
            # History is kept (left, rejected), but a person is in a group at most once at a time.
            models.UniqueConstraint(
                fields=["member", "group"],
                condition=Q(status__in=["invited", "pending", "active"]),
                name="one_current_membership_per_group",
            ),
        ]
        indexes = [models.Index(fields=["group", "status"])]

    def __str__(self) -> str:
        return f"{self.member} @ {self.group} ({self.get_role_display()})"

    @property
    def is_current(self) -> bool:
        return self.status in {self.Status.INVITED, self.Status.PENDING, self.Status.ACTIVE}

    @property
    def is_request(self) -> bool:
        """A pending request about someone the ward already knows, not yet confirmed by them."""
        return self.status == self.Status.PENDING and self.confirmation_required and self.confirmed_at is None

    @property
    def is_staff_request(self) -> bool:
        """Asked by a group's staff (add, import, API) rather than by the person through an invite link."""
        return self.status == self.Status.PENDING and self.source != self.Source.SELF_JOIN


class Outlet(models.Model):
    """A group's or the ward's own place where announcements go: a Zalo group, a Facebook Page, the web feed, the
    Official Account. Provider secrets live in settings, never here."""

    class Mode(models.TextChoices):
        PER_GROUP = "per_group", _("One post per group")
        PER_MEMBER = "per_member", _("One message per member")

    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="outlets", verbose_name=_("ward"))
    group = models.ForeignKey(
        ResidentialGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outlets",
        verbose_name=_("residential group"),
        help_text=_("Empty for an outlet of the whole ward."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ChannelKind.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    external_id = models.CharField(
        _("external id"), max_length=128, blank=True, help_text=_("Zalo group id, Facebook Page id, ...")
    )
    mode = models.CharField(_("sends"), max_length=10, choices=Mode.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("outlet")
        verbose_name_plural = _("outlets")
        ordering = ["ward", "group", "kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name or self.external_id}".strip()


class StaffProfile(models.Model):
    """What a portal account may do, and where: every staff account belongs to exactly one ward."""

    class Role(models.TextChoices):
        WARD_ADMIN = "ward_admin", _("Ward admin")
        WARD_STAFF = "ward_staff", _("Ward staff")
        GROUP_LEADER = "group_leader", _("Group leader")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="staff", verbose_name=_("ward"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    groups = models.ManyToManyField(ResidentialGroup, blank=True, related_name="leaders", verbose_name=_("groups led"))

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.ward.name}"

    @property
    def is_ward_admin(self) -> bool:
        return self.role == self.Role.WARD_ADMIN

    @property
    def is_ward_wide(self) -> bool:
        return self.role in {self.Role.WARD_ADMIN, self.Role.WARD_STAFF}


class MemberImport(models.Model):
    """An uploaded member list between its preview and its import, kept as the record of who imported what."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Preview")
        DONE = "done", _("Imported")
        EXPIRED = "expired", _("Expired")

    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="imports")
    group = models.ForeignKey(ResidentialGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    file_name = models.CharField(max_length=255)
    rows = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    imported_count = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


def confirmation_topic(membership_id: int) -> str:
    """What the message asking a phone's owner to confirm a membership is filed under (a personal message's
    topic): the services that send it and the selectors that show it name it alike."""
    return f"membership:{membership_id}"


class WardDay(models.Model):
    """A ward's figures of one day (local date), added to by the transactions that change them: the province's
    page and report read these few rows, never the big tables. Each counter is a change on that day, so a
    month's figure is the sum of its days, and a change undone later (a report reopened) is taken back from the
    day it was counted on."""

    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    covered = models.IntegerField(default=0)  # households covered gained, less those lost
    reports_received = models.IntegerField(default=0)
    reports_answered = models.IntegerField(default=0)
    reports_resolved = models.IntegerField(default=0)
    reports_resolved_in_time = models.IntegerField(default=0)
    meetings = models.IntegerField(default=0)
    attendance = models.IntegerField(default=0)

    COUNTERS = (
        "covered",
        "reports_received",
        "reports_answered",
        "reports_resolved",
        "reports_resolved_in_time",
        "meetings",
        "attendance",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ward", "day"], name="one_ward_day")]

    def __str__(self) -> str:
        return f"{self.ward_id} {self.day}"


class WardOnboarding(models.Model):
    """A province admin's sheet for a new ward (its groups and declared households, its leaders, its staff) between
    its preview and its commit, kept as the record of who set up which ward. Like a member list, the rows (names
    and phones) are emptied if it is not committed within a day."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Preview")
        DONE = "done", _("Ward created")
        EXPIRED = "expired", _("Expired")

    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="onboardings")
    ward_name = models.CharField(max_length=200)
    ward_code = models.CharField(max_length=10)
    file_name = models.CharField(max_length=255)
    rows = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    ward = models.ForeignKey(Ward, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.ward_name} ({self.get_status_display()})"
