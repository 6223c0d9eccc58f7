"""Recording what a household gave or how it took part, and correcting it by a reversing entry.

The running totals (Total per group, Participation per household, DayTotal per day) change in the transaction of
the entry, under their rows' locks, always taken in the same order (the household's, then the group's, then the
day's), so concurrent entries and corrections keep them exact without ever summing the entries."""

import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Campaign, DayTotal, Entry, Participation, Total
from campaigns.selectors import progress_changed
from groups.models import Household, ResidentialGroup
from groups.selectors import groups_for_user, staff_profile_in
from portal.common.audit import audit_record
from portal.common.text import normalize_spaces
from portal.models import AuditEvent

# More than this from one household at once is a typing error (a zero too many), not a gift.
MAX_FUND_AMOUNT = 1_000_000_000
# People of one household taking part in one day of action.
MAX_PEOPLE = 50


# What a client may use as its own key: letters, digits, "-" and "_" (the pages make 22 of them). Keys the portal
# makes for itself (a sheet's rows, a correction without one) start with "~", which no client key can, and are
# random: a client can neither guess one nor take it first. Keys are also scoped to their author.
_CLIENT_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")


def client_key_clean(key: str) -> str:
    key = (key or "").strip()
    if not key:
        raise ValidationError({"key": [_("The form was sent without its key; please reload the page.")]})
    if not _CLIENT_KEY.fullmatch(key):
        raise ValidationError({"key": [_("A key is 1 to 64 letters, digits, “-” or “_”.")]})
    return key


def server_key() -> str:
    return "~" + secrets.token_urlsafe(24)


@dataclass
class EntryData:
    household_id: int | None
    amount: int | None
    key: str
    method: str = ""
    receipt_number: str = ""
    name_public: bool = False


def _open_for_entries(campaign: Campaign) -> None:
    today = timezone.localdate()
    if campaign.status != Campaign.Status.OPEN or today > campaign.ends_on:
        raise ValidationError({"campaign": [_("This campaign has closed: nothing more can be recorded.")]})
    if today < campaign.starts_on:
        raise ValidationError(
            {
                "campaign": [
                    _("This campaign starts on %s: entries can be recorded from then.")
                    % f"{campaign.starts_on:%d/%m/%Y}"
                ]
            }
        )


def amount_clean(campaign: Campaign, amount: int | None) -> int:
    if campaign.unit == Campaign.Unit.VND:
        if amount is None or amount <= 0:
            raise ValidationError({"amount": [_("Please enter an amount above 0 đồng.")]})
        if amount > MAX_FUND_AMOUNT:
            raise ValidationError(
                {"amount": [_("More than 1.000.000.000 đ from one household: please check the number.")]}
            )
        return amount
    if campaign.unit == Campaign.Unit.HOUSEHOLDS:
        return 1  # a household takes part once; a second entry for it adds nothing to the count
    if amount is None or amount <= 0:
        return 1
    if amount > MAX_PEOPLE:
        raise ValidationError({"amount": [_("More than 50 people from one household: please check the number.")]})
    return amount


def _may_record_in(user: Any, ward_id: int, group_id: int) -> bool:
    """Ward admins and staff record in every group of their ward, a leader in the groups they lead (the rule
    of groups.selectors.groups_for_user, asked for one group without a query for the ward-wide)."""
    profile = staff_profile_in(user, ward_id)
    if profile is None:
        return False
    return profile.is_ward_wide or groups_for_user(user=user).filter(pk=group_id).exists()


def entry_record(
    *, campaign: Campaign, data: EntryData, by: Any, ip: str | None = None, made_here: bool = False
) -> tuple[Entry, bool]:
    """Record one entry. Returns (entry, created): the same key sent again by the same person (a retry from a
    phone whose connection dropped) returns the entry it first made, recorded once. `made_here`: the portal
    records it under a key of its own (a sheet's row), never one a client sent."""
    key = server_key() if made_here else client_key_clean(data.key)
    # One round trip for the two things every entry needs first: whether this key was recorded already (a retry),
    # and the household's group, if it is a household of this ward. This is the hot path of a day of collection.
    household_id = data.household_id if isinstance(data.household_id, int) and 0 < data.household_id < 2**63 else 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT id FROM {Entry._meta.db_table} WHERE campaign_id = %s AND recorded_by_id = %s "
            f"AND key = %s), (SELECT h.group_id FROM {Household._meta.db_table} h "
            f"JOIN {ResidentialGroup._meta.db_table} g ON g.id = h.group_id WHERE h.id = %s AND g.ward_id = %s)",
            [campaign.pk, by.pk, key, household_id, campaign.ward_id],
        )
        existing_id, group_id = cursor.fetchone()
    if existing_id is not None:
        existing = Entry.objects.get(pk=existing_id)
        if not _may_record_in(by, campaign.ward_id, existing.group_id):
            raise PermissionDenied  # a key names an entry only to those who may record in its group
        return existing, False
    _open_for_entries(campaign)
    if group_id is None:
        raise ValidationError({"household": [_("Please choose a household of this ward.")]})
    if not _may_record_in(by, campaign.ward_id, group_id):
        raise PermissionDenied  # a leader records only in their own groups
    amount = amount_clean(campaign, data.amount)
    method = data.method if data.method in Entry.Method.values else ""
    receipt = normalize_spaces(data.receipt_number)[:40]
    if receipt and Entry.objects.filter(campaign=campaign, receipt_number=receipt, reverses__isnull=True).exists():
        raise ValidationError({"receipt_number": [_("Receipt number %s is already recorded.") % receipt]})
    entry = Entry(
        campaign=campaign,
        group_id=group_id,
        household_id=household_id,
        amount=amount,
        method=method,
        receipt_number=receipt,
        name_public=bool(data.name_public),
        reason="",
        key=key,
        recorded_by=by,
        recorded_at=timezone.now(),
        ip=ip,
    )
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {Entry._meta.db_table} (campaign_id, group_id, household_id, amount, method, "
                    "receipt_number, name_public, reverses_id, reason, key, recorded_by_id, recorded_at, ip) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, NULL, '', %s, %s, %s, %s) RETURNING id",
                    [
                        campaign.pk,
                        group_id,
                        household_id,
                        amount,
                        method,
                        receipt,
                        entry.name_public,
                        key,
                        by.pk,
                        entry.recorded_at,
                        ip,
                    ],
                )
                entry.pk = cursor.fetchone()[0]
            _totals_add(campaign.pk, group_id, household_id, amount, 1)
            transaction.on_commit(lambda: progress_changed(campaign.pk))
    except IntegrityError:
        again = Entry.objects.filter(campaign=campaign, recorded_by=by, key=key).first()
        if again is not None:
            return again, False
        raise ValidationError({"receipt_number": [_("Receipt number %s is already recorded.") % receipt]}) from None
    entry._state.adding = False
    return entry, True


def entry_reverse(*, entry: Entry, by: Any, reason: str, key: str = "", ip: str | None = None) -> Entry:
    """Correct an entry: a new entry of the opposite amount that names it. The old one stays as it was. The same
    key sent again by the same person returns the correction it first made."""
    campaign = entry.campaign
    if not _may_record_in(by, campaign.ward_id, entry.group_id):
        raise PermissionDenied
    key = client_key_clean(key) if key else server_key()
    again = Entry.objects.filter(campaign=campaign, recorded_by=by, key=key).first()
    if again is not None:
        if again.reverses_id != entry.pk:
            raise ValidationError({"key": [_("This key was already used for another entry.")]})
        return again
    reason = normalize_spaces(reason)[:300]
    if not reason:
        raise ValidationError({"reason": [_("Please say why this entry is corrected.")]})
    if entry.reverses_id is not None:
        raise ValidationError({"entry": [_("A correction cannot itself be corrected; record the entry again.")]})
    _open_for_entries(campaign)
    try:
        with transaction.atomic():
            reversal = Entry.objects.create(
                campaign=campaign,
                group_id=entry.group_id,
                household_id=entry.household_id,
                amount=-entry.amount,
                method=entry.method,
                receipt_number=entry.receipt_number,
                reverses=entry,
                reason=reason,
                key=key,
                recorded_by=by,
                ip=ip,
            )
            _totals_add(campaign.pk, entry.group_id, entry.household_id, -entry.amount, -1)
            transaction.on_commit(lambda: progress_changed(campaign.pk))
            audit_record(
                actor=by,
                action=AuditEvent.Action.UPDATE,
                obj=campaign,
                ward=campaign.ward,
                summary=f"entry {entry.pk} reversed",
            )
    except IntegrityError:
        if Entry.objects.filter(reverses=entry).exists():
            raise ValidationError({"entry": [_("This entry has already been corrected.")]}) from None
        raise ValidationError({"key": [_("This key was already used for another entry.")]}) from None
    return reversal


def entry_correct(
    *, entry: Entry, by: Any, reason: str, amount: int | None, key: str = "", ip: str | None = None
) -> tuple[Entry, Entry | None]:
    """Correct an entry to the right amount, as a leader thinks of it: the reversing entry and, when an amount is
    given, the entry of the right amount, recorded together or not at all. Returns (reversal, new entry)."""
    with transaction.atomic():
        reversal = entry_reverse(entry=entry, by=by, reason=reason, key=key, ip=ip)
        if amount is None:
            return reversal, None
        if entry.campaign.unit == Campaign.Unit.VND and amount == entry.amount:
            raise ValidationError({"amount": [_("This is the amount already recorded; type the right one.")]})
        again, _created = entry_record(
            campaign=entry.campaign,
            data=EntryData(
                household_id=entry.household_id,
                amount=amount,
                key="",
                method=entry.method,
                # The receipt stays with the corrected entry: a new one would be refused as "already recorded".
                receipt_number="",
                name_public=entry.name_public,
            ),
            by=by,
            ip=ip,
            made_here=True,
        )
    return reversal, again


def _totals_add(campaign_id: int, group_id: int, household_id: int, amount: int, entries: int) -> None:
    """Inside the entry's transaction: the household's net total (locked), then the group's running total."""
    # One statement makes the household's row if missing, adds to it and locks it: two first entries of one
    # household end on the same row, and the second waits for the first.
    table = Participation._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (campaign_id, household_id, amount) VALUES (%s, %s, %s) "
            f"ON CONFLICT (campaign_id, household_id) DO UPDATE SET amount = {table}.amount + EXCLUDED.amount "
            "RETURNING amount",
            [campaign_id, household_id, amount],
        )
        after = cursor.fetchone()[0]
    before = after - amount
    joined = int(after > 0) - int(before > 0)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Total._meta.db_table} SET amount = amount + %s, entries = entries + %s, "
            "households = households + %s WHERE campaign_id = %s AND group_id = %s",
            [amount, entries, joined, campaign_id, group_id],
        )
        updated = cursor.rowcount
    if not updated:  # a group made after the campaign was set up
        Total.objects.create(
            campaign_id=campaign_id, group_id=group_id, amount=amount, entries=entries, households=max(joined, 0)
        )
    # Last, so every writer takes the one ward-wide row after its own rows and holds it only to the commit.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {DayTotal._meta.db_table} (campaign_id, day, amount, entries, updated_at) "
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (campaign_id, day) DO UPDATE SET amount = EXCLUDED.amount + "
            f"{DayTotal._meta.db_table}.amount, entries = EXCLUDED.entries + {DayTotal._meta.db_table}.entries, "
            "updated_at = EXCLUDED.updated_at",
            [campaign_id, timezone.localdate(), amount, entries, timezone.now()],
        )


def entries_viewed(*, user: Any, campaign: Campaign, what: str, ip: str | None) -> None:
    """A line in the audit trail that this person read the entries with who recorded each (a ward admin's audit
    page, or the API)."""
    audit_record(actor=user, action=AuditEvent.Action.VIEW, obj=campaign, ward=campaign.ward, summary=what, ip=ip)
