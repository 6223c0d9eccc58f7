"""Writes for announcements, one module per concern: composing (compose), the approval workflow (workflow), the
fan-out to every channel (fanout, with its materialisation and claims), personal messages through the same
deliveries (personal), and what comes back from providers and readers (receipts).

Services validate, own their transaction, leave an audit event, and enqueue work only after commit. They raise
django.core.exceptions.ValidationError keyed by field name, which forms and the API show as they are. Callers
import from here.
"""

from announcements.services.base import (
    ACTIONS,
    ALL_KINDS,
    CANCELLABLE,
    EDITABLE,
    FINAL,
    OUTLET_KINDS,
    PERSONAL_KINDS,
    AnnouncementError,
    PermissionDenied,
    ValidationError,
    action_check,
    allowed_actions,
    approval_held_back,
    role_of,
)
from announcements.services.compose import (
    AnnouncementData,
    announcement_correction_draft,
    announcement_data_clean,
    announcement_file_remove,
    announcement_save,
)
from announcements.services.fanout import (
    announcement_dispatch,
    deliveries_chain_step,
    deliveries_retry_failed,
    deliveries_send_batch,
    deliveries_sweep,
)
from announcements.services.materialize import deliveries_materialize
from announcements.services.personal import personal_message_queue
from announcements.services.province import (
    ProvinceNoticeData,
    province_announcement_cancel,
    province_announcement_save,
    province_announcement_send,
    province_announcement_wards,
)
from announcements.services.reach import in_person_record, reach_keep
from announcements.services.receipts import delivery_opened, delivery_report, response_record
from announcements.services.resend import deliveries_settle, personal_messages_resend, resendable_personal
from announcements.services.retention import deliveries_keep, month_remove, retention_cutoff
from announcements.services.workflow import (
    announcement_approve,
    announcement_cancel,
    announcement_reject,
    announcement_schedule,
    announcement_send_now,
    announcement_submit,
    approval_sends_now,
    approves_on_submit,
)

__all__ = [
    "ACTIONS",
    "action_check",
    "allowed_actions",
    "approval_held_back",
    "role_of",
    "ALL_KINDS",
    "CANCELLABLE",
    "EDITABLE",
    "FINAL",
    "OUTLET_KINDS",
    "PERSONAL_KINDS",
    "AnnouncementData",
    "AnnouncementError",
    "PermissionDenied",
    "ValidationError",
    "announcement_approve",
    "in_person_record",
    "reach_keep",
    "ProvinceNoticeData",
    "province_announcement_cancel",
    "province_announcement_save",
    "province_announcement_send",
    "province_announcement_wards",
    "deliveries_settle",
    "personal_messages_resend",
    "resendable_personal",
    "announcement_cancel",
    "announcement_correction_draft",
    "announcement_data_clean",
    "announcement_dispatch",
    "announcement_file_remove",
    "announcement_reject",
    "announcement_save",
    "announcement_schedule",
    "announcement_send_now",
    "announcement_submit",
    "approval_sends_now",
    "approves_on_submit",
    "deliveries_chain_step",
    "deliveries_materialize",
    "deliveries_retry_failed",
    "deliveries_send_batch",
    "deliveries_sweep",
    "deliveries_keep",
    "month_remove",
    "retention_cutoff",
    "delivery_opened",
    "delivery_report",
    "personal_message_queue",
    "response_record",
]
