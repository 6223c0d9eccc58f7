"""Reads of announcements, scoped to what the person may see (announcements.selectors.base), and the numbers of
a fan-out (announcements.selectors.deliveries). Who an announcement reaches (announcements.audience) is read
here by the pages too, as every read of theirs is."""

from announcements.audience import audience_estimate, compose_reach
from announcements.selectors.base import (
    announcement_file_get,
    announcement_get_for_user,
    announcements_for_user,
    public_announcement_get,
    public_announcements,
)
from announcements.selectors.deliveries import (
    DeliveryStats,
    FailureCause,
    Reach,
    Waiting,
    audience_households,
    cause_in_words,
    delivery_for_reader,
    delivery_stats,
    failed_deliveries,
    failure_causes,
    in_person_households,
    people_not_listed_yet,
    personal_messages_about,
    reach_of,
    recent_reach,
    recipients_for_user,
    unmade_people,
    unmade_people_waiting,
    waiting_deliveries,
)

__all__ = [
    "DeliveryStats",
    "FailureCause",
    "Reach",
    "Waiting",
    "announcement_file_get",
    "announcement_get_for_user",
    "announcements_for_user",
    "audience_estimate",
    "audience_households",
    "cause_in_words",
    "compose_reach",
    "delivery_for_reader",
    "delivery_stats",
    "failed_deliveries",
    "failure_causes",
    "in_person_households",
    "people_not_listed_yet",
    "personal_messages_about",
    "public_announcement_get",
    "public_announcements",
    "reach_of",
    "recent_reach",
    "recipients_for_user",
    "unmade_people",
    "unmade_people_waiting",
    "waiting_deliveries",
]
