"""Setting up a campaign: its period, unit and ward target, split into group targets by households."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Campaign, GroupTarget, Total
from campaigns.selectors import progress_changed
from groups.models import ResidentialGroup, StaffProfile, Ward
from groups.selectors import staff_profile_of
from portal.common.audit import audit_record
from portal.common.text import normalize_spaces
from portal.models import AuditEvent

# A ward's target above this is a typing error, not a campaign (the largest ward funds are a few billion đồng).
MAX_TARGET = 1_000_000_000_000
# A campaign starts within a year of today, either way (one recorded late, one planned ahead), and runs for at
# most three years (the Front's longest movements are renewed by term): 0001-01-01 or 9999-12-31 is a typo.
START_WITHIN = timedelta(days=366)
LONGEST = timedelta(days=3 * 366)


@dataclass
class CampaignData:
    name: str
    kind: str
    unit: str
    starts_on: date | None
    ends_on: date | None
    target: int | None
    unit_label: str = ""
    # Group id → target; missing groups get a share of the ward target by their declared households.
    group_targets: dict[int, int] = field(default_factory=dict)


def _require_ward_admin(user: Any, ward: Ward) -> None:
    profile = staff_profile_of(user)
    if profile is None or profile.ward_id != ward.pk or profile.role != StaffProfile.Role.WARD_ADMIN:
        raise PermissionDenied


def _shares(target: int, groups: list[ResidentialGroup], *, step: int = 1) -> dict[int, int]:
    """The ward target split by declared households, rounded so the shares add up to the target exactly. In
    `step`s (1.000 đ for a fund): a group's target reads 5.397.000 đ, not 5.397.302 đ; what is left of the
    rounding goes to the largest groups."""
    if step > 1 and target >= step * max(len(groups), 1):
        rounded = _shares(target // step, groups)
        shares = {pk: share * step for pk, share in rounded.items()}
        biggest = max(groups, key=lambda g: (g.households_total, -g.pk)).pk if groups else None
        if biggest is not None:
            shares[biggest] += target - sum(shares.values())
        return shares
    weights = {g.pk: max(g.households_total, 0) for g in groups}
    total = sum(weights.values()) or len(groups)
    if not sum(weights.values()):
        weights = dict.fromkeys(weights, 1)
    shares = {pk: target * w // total for pk, w in weights.items()}
    left = target - sum(shares.values())
    for pk in sorted(weights, key=lambda k: -weights[k])[:left]:
        shares[pk] += 1
    return shares


def campaign_clean(data: CampaignData, errors: dict[str, list[str]]) -> tuple[str, str]:
    """The name, kind, unit, period and target of a ward's campaign or a province's, checked alike; returns the
    name and unit name tidied."""
    name = normalize_spaces(data.name)
    if not name:
        errors["name"] = [_("Please give the campaign a name.")]
    if data.kind not in Campaign.Kind.values:
        errors["kind"] = [_("Please choose what kind of campaign it is.")]
    if data.unit not in Campaign.Unit.values:
        errors["unit"] = [_("Please choose the unit.")]
    unit_label = normalize_spaces(data.unit_label)
    if data.unit == Campaign.Unit.CUSTOM and not unit_label:
        errors["unit_label"] = [_("Please name the unit (for example: cây, bao, kg).")]
    if data.starts_on is None:
        errors["starts_on"] = [_("Please give the first day.")]
    if data.ends_on is None:
        errors["ends_on"] = [_("Please give the last day.")]
    elif data.starts_on is not None and data.ends_on < data.starts_on:
        errors["ends_on"] = [_("The campaign cannot end before it starts.")]
    elif data.starts_on is not None and data.ends_on - data.starts_on > LONGEST:
        errors["ends_on"] = [_("A campaign runs for at most three years; please check the last day.")]
    today = timezone.localdate()
    if data.starts_on is not None and abs(data.starts_on - today) > START_WITHIN:
        errors["starts_on"] = [_("The first day must be within a year of today; please check the date.")]
    if data.target is None or data.target <= 0:
        errors["target"] = [_("The target must be more than 0.")]
    elif data.target > MAX_TARGET:
        errors["target"] = [_("This target is too large; please check the number.")]
    return name[:200], unit_label[:40]


def campaign_create(*, ward: Ward, data: CampaignData, by: Any) -> Campaign:
    _require_ward_admin(by, ward)
    errors: dict[str, list[str]] = {}
    name, unit_label = campaign_clean(data, errors)
    groups = list(ResidentialGroup.objects.filter(ward=ward, is_active=True).order_by("pk"))
    known = {g.pk for g in groups}
    if any(pk not in known for pk in data.group_targets):
        errors["group_targets"] = [_("The group belongs to another ward.")]
    elif any(value < 0 for value in data.group_targets.values()):
        errors["group_targets"] = [_("A group's target cannot be negative.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return campaign_make(ward=ward, data=data, name=name, unit_label=unit_label, groups=groups, by=by)


def campaign_make(
    *,
    ward: Ward,
    data: CampaignData,
    name: str,
    unit_label: str,
    groups: list[ResidentialGroup],
    by: Any,
    province_campaign: Any = None,
) -> Campaign:
    """The campaign, checked already, with its target split over the ward's groups by their declared households
    (or as `data.group_targets` says); the caller holds the transaction."""
    assert data.target is not None and data.starts_on is not None and data.ends_on is not None
    shares = _shares(data.target, groups, step=1000 if data.unit == Campaign.Unit.VND else 1)
    shares.update(data.group_targets)
    campaign = Campaign.objects.create(
        ward=ward,
        name=name,
        kind=data.kind,
        unit=data.unit,
        unit_label=unit_label,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        target=data.target,
        created_by=by,
        province_campaign=province_campaign,
    )
    GroupTarget.objects.bulk_create(GroupTarget(campaign=campaign, group_id=pk, target=t) for pk, t in shares.items())
    Total.objects.bulk_create(Total(campaign=campaign, group_id=pk) for pk in shares)
    audit_record(actor=by, action=AuditEvent.Action.CREATE, obj=campaign, ward=ward, summary=name)
    return campaign


def campaign_close(*, campaign: Campaign, by: Any) -> Campaign:
    _require_ward_admin(by, campaign.ward)
    with transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED)
        audit_record(actor=by, action=AuditEvent.Action.UPDATE, obj=campaign, ward=campaign.ward, summary="closed")
    campaign.status = Campaign.Status.CLOSED
    return campaign


def campaign_targets_set(*, campaign: Campaign, targets: dict[int, int], by: Any) -> Campaign:
    """Change groups' shares of the ward target (a group that pledged more, one that has moved away). The ward
    target stays what the ward set; the page shows when the shares no longer add up to it."""
    _require_ward_admin(by, campaign.ward)
    known = set(GroupTarget.objects.filter(campaign=campaign).values_list("group_id", flat=True))
    if any(pk not in known for pk in targets):
        raise ValidationError({"group_targets": [_("The group belongs to another ward.")]})
    if any(value is None or value < 0 or value > MAX_TARGET for value in targets.values()):
        raise ValidationError({"group_targets": [_("A group's target cannot be negative.")]})
    with transaction.atomic():
        before = dict(
            GroupTarget.objects.select_for_update()
            .filter(campaign=campaign, group_id__in=list(targets))
            .values_list("group_id", "target")
        )
        changed = {pk: [before[pk], value] for pk, value in targets.items() if before[pk] != value}
        for pk, (_old, value) in changed.items():
            GroupTarget.objects.filter(campaign=campaign, group_id=pk).update(target=value)
        if changed:
            transaction.on_commit(lambda: progress_changed(campaign.pk))
            audit_record(
                actor=by,
                action=AuditEvent.Action.UPDATE,
                obj=campaign,
                ward=campaign.ward,
                summary="group targets",
                changes={str(pk): pair for pk, pair in changed.items()},
            )
    return campaign
