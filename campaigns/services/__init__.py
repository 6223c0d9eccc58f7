"""Writes for campaigns: setting one up with its group targets, and recording entries and their corrections.
Each service validates every input with a message a person can read, owns its transaction, keeps the running
totals exact, and leaves an audit event. Callers import from here."""

from campaigns.services import about
from campaigns.services.about import CampaignAbout, banks, campaign_about_set, vietqr_payload
from campaigns.services.entries import EntryData, entries_viewed, entry_correct, entry_record, entry_reverse
from campaigns.services.imports import (
    entry_import_commit,
    entry_import_preview,
    entry_import_template,
    entry_imports_expire,
)
from campaigns.services.meetings import (
    MeetingData,
    attendance_scan,
    attendance_set,
    invitees_for,
    may_keep_minutes,
    meeting_create,
    minutes_attach,
    qr_token,
)
from campaigns.services.province import (
    ProvinceCampaignData,
    province_campaign_create,
    province_share_set,
    ward_shares,
    wards_declared,
)
from campaigns.services.results import (
    DEFAULT_CHANNELS,
    campaign_announcement_link,
    campaign_results_draft,
    may_announce_results,
    meeting_results_draft,
    results_channels,
    results_text,
)
from campaigns.services.setup import CampaignData, campaign_close, campaign_create, campaign_targets_set

__all__ = [
    "ProvinceCampaignData",
    "province_campaign_create",
    "province_share_set",
    "ward_shares",
    "wards_declared",
    "entries_viewed",
    "about",
    "CampaignAbout",
    "banks",
    "campaign_about_set",
    "vietqr_payload",
    "may_announce_results",
    "results_channels",
    "meeting_results_draft",
    "entry_import_commit",
    "entry_imports_expire",
    "entry_import_preview",
    "entry_import_template",
    "MeetingData",
    "attendance_scan",
    "attendance_set",
    "invitees_for",
    "meeting_create",
    "minutes_attach",
    "may_keep_minutes",
    "qr_token",
    "DEFAULT_CHANNELS",
    "campaign_announcement_link",
    "campaign_results_draft",
    "results_text",
    "CampaignData",
    "EntryData",
    "campaign_close",
    "campaign_create",
    "campaign_targets_set",
    "entry_record",
    "entry_correct",
    "entry_reverse",
]
