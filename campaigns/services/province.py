"""A province's campaign: its target split over its wards, each ward running its share as its own campaign."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from campaigns.models import Campaign, ProvinceCampaign
from campaigns.selectors import progress_changed
from campaigns.services.setup import MAX_TARGET, CampaignData, _shares, campaign_clean, campaign_make
from groups.models import ResidentialGroup, Ward
from groups.selectors import province_admin_of
from portal.common.audit import audit_record
from portal.common.text import clean_multiline
from portal.models import AuditEvent


@dataclass
class ProvinceCampaignData:
    name: str
    kind: str
    unit: str
    starts_on: date | None
    ends_on: date | None
    target: int | None
    unit_label: str = ""
    purpose: str = ""
    # Ward id → its share; the others share what is left by their declared households.
    ward_targets: dict[int, int] = field(default_factory=dict)


def wards_declared(province_id: int) -> list[Ward]:
    """The province's wards, each with `households_total` set to the households its active groups declared (the
    weight of its share)."""
    wards = list(
        Ward.objects.filter(province_id=province_id)
        .annotate(declared=Sum("groups__households_total", filter=Q(groups__is_active=True)))
        .order_by("pk")
    )
    for ward in wards:
        ward.households_total = ward.declared or 0
    return wards


def ward_shares(*, target: int, unit: str, wards: list[Ward], fixed: dict[int, int]) -> dict[int, int]:
    """Each ward's share: those the province set, and what is left of the target split over the others by their
    declared households (in thousands of đồng for a fund), adding up to the target exactly."""
    rest = [w for w in wards if w.pk not in fixed]
    left = max(target - sum(fixed.values()), 0)
    shares = _shares(left, rest, step=1000 if unit == Campaign.Unit.VND else 1) if rest else {}
    shares.update(fixed)
    return shares


def province_campaign_create(*, data: ProvinceCampaignData, by: Any) -> ProvinceCampaign:
    staff = province_admin_of(by)
    errors: dict[str, list[str]] = {}
    name, unit_label = campaign_clean(data, errors)  # type: ignore[arg-type]
    wards = wards_declared(staff.province_id)
    known = {w.pk for w in wards}
    if any(pk not in known for pk in data.ward_targets):
        errors["ward_targets"] = [_("One of the chosen wards is not of your province.")]
    elif any(value < 0 or value > MAX_TARGET for value in data.ward_targets.values()):
        errors["ward_targets"] = [_("A ward's share cannot be negative.")]
    elif data.target and sum(data.ward_targets.values()) > data.target:
        errors["ward_targets"] = [_("The wards' shares add up to more than the province's target.")]
    if errors:
        raise ValidationError(errors)
    assert data.target is not None
    shares = ward_shares(target=data.target, unit=data.unit, wards=wards, fixed=data.ward_targets)
    purpose = clean_multiline(data.purpose)[:5000]
    with transaction.atomic():
        campaign = ProvinceCampaign.objects.create(
            province_id=staff.province_id,
            name=name,
            kind=data.kind,
            unit=data.unit,
            unit_label=unit_label,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            target=data.target,
            purpose=purpose,
            created_by=by,
        )
        groups: dict[int, list[ResidentialGroup]] = {}
        for group in ResidentialGroup.objects.filter(ward__province_id=staff.province_id, is_active=True).order_by(
            "pk"
        ):
            groups.setdefault(group.ward_id, []).append(group)
        for ward in wards:
            share = shares.get(ward.pk, 0)
            if share <= 0:
                continue  # a ward with nothing to raise (no households declared yet) has no part to run
            part = campaign_make(
                ward=ward,
                data=CampaignData(
                    name=name,
                    kind=data.kind,
                    unit=data.unit,
                    unit_label=unit_label,
                    starts_on=data.starts_on,
                    ends_on=data.ends_on,
                    target=share,
                ),
                name=name,
                unit_label=unit_label,
                groups=groups.get(ward.pk, []),
                by=by,
                province_campaign=campaign,
            )
            if purpose:
                Campaign.objects.filter(pk=part.pk).update(purpose=purpose)
        audit_record(actor=by, action=AuditEvent.Action.CREATE, obj=campaign, summary=name)
    return campaign


def province_share_set(*, campaign: ProvinceCampaign, ward_id: int, target: int, by: Any) -> Campaign:
    """Change one ward's share (a ward that pledged more). The ward keeps how it split its share over its
    groups; its page shows when those no longer add up to it."""
    staff = province_admin_of(by)
    if campaign.province_id != staff.province_id:
        raise PermissionDenied
    if not 0 < target <= MAX_TARGET:
        raise ValidationError({"target": [_("The target must be more than 0.")]})
    with transaction.atomic():
        part = Campaign.objects.select_for_update().filter(province_campaign=campaign, ward_id=ward_id).first()
        if part is None:
            raise ValidationError({"ward": [_("This ward has no share of the campaign.")]})
        before = part.target
        part.target = target
        part.save(update_fields=["target"])
        audit_record(
            actor=by,
            action=AuditEvent.Action.UPDATE,
            obj=part,
            ward=part.ward,
            summary="the province's share",
            changes={"target": [before, target]},
        )
        transaction.on_commit(lambda: progress_changed(part.pk))
    return part
