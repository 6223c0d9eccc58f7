"""What residents read about a campaign on its public page: what it is for, how to take part, and for a fund the
bank account a transfer goes to (shown as a VietQR code, NAPAS 247)."""

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from vietnam_qr_pay import BanksObject, QRPay

from campaigns.models import Campaign
from campaigns.services.setup import _require_ward_admin
from portal.common.audit import audit_record, model_changes, snapshot
from portal.common.text import clean_multiline, normalize_spaces
from portal.models import AuditEvent

FIELDS = ["purpose", "how_to_give", "bank_bin", "bank_account", "bank_holder"]


def banks() -> list[tuple[str, str]]:
    """(BIN, name) of the banks that take VietQR transfers, for the chooser."""
    found = [(bank.bin, f"{bank.short_name} — {bank.name}") for bank in BanksObject.values() if bank.bin]
    return sorted(set(found), key=lambda pair: pair[1])


@dataclass
class CampaignAbout:
    purpose: str = ""
    how_to_give: str = ""
    bank_bin: str = ""
    bank_account: str = ""
    bank_holder: str = ""


def campaign_about_set(*, campaign: Campaign, data: CampaignAbout, by: Any) -> Campaign:
    _require_ward_admin(by, campaign.ward)
    errors: dict[str, list[str]] = {}
    account = re.sub(r"[\s.-]", "", data.bank_account or "")
    if data.bank_bin and data.bank_bin not in {bin_ for bin_, _name in banks()}:
        errors["bank_bin"] = [_("Please choose the bank from the list.")]
    if account and not re.fullmatch(r"[0-9A-Za-z]{4,19}", account):
        errors["bank_account"] = [_("An account number is 4 to 19 letters and digits.")]
    if bool(data.bank_bin) != bool(account):
        errors["bank_account" if data.bank_bin else "bank_bin"] = [
            _("For transfers, give both the bank and the account number (or neither).")
        ]
    if account and campaign.unit != Campaign.Unit.VND:
        errors["bank_account"] = [_("Only a fund in đồng takes transfers.")]
    if errors:
        raise ValidationError(errors)
    before = snapshot(campaign, FIELDS)
    campaign.purpose = clean_multiline(data.purpose)[:3000]
    campaign.how_to_give = clean_multiline(data.how_to_give)[:3000]
    campaign.bank_bin, campaign.bank_account = data.bank_bin or "", account
    campaign.bank_holder = normalize_spaces(data.bank_holder)[:100]
    with transaction.atomic():
        campaign.save(update_fields=FIELDS)
        audit_record(
            actor=by,
            action=AuditEvent.Action.UPDATE,
            obj=campaign,
            ward=campaign.ward,
            summary="public details",
            changes=model_changes(campaign, before, FIELDS),
        )
    return campaign


def vietqr_payload(campaign: Campaign) -> str:
    """The NAPAS 247 VietQR payload of the fund's account, the amount left for the giver, the campaign's reference
    in the transfer's message; empty when the campaign has no account."""
    if not (campaign.bank_bin and campaign.bank_account):
        return ""
    return QRPay.init_viet_qr(
        bank_bin=campaign.bank_bin, bank_number=campaign.bank_account, purpose=campaign.transfer_reference
    ).build()
