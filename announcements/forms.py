"""Forms check the shape of what a person typed; the rules live in announcements.services."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from announcements.models import Announcement
from announcements.services import ALL_KINDS, AnnouncementData
from channels.base import missing_settings
from groups.models import ChannelKind, Membership, ResidentialGroup
from portal.common.forms import MultipleFileField, photo_input
from portal.common.text import natural_sorted

CHANNEL_CHOICES = [(c, dict(ChannelKind.choices)[c]) for c in ALL_KINDS]
DEFAULT_CHANNELS = [ChannelKind.ZALO_OA, ChannelKind.SMS, ChannelKind.ZALO_GROUP, ChannelKind.WEB_FEED]


class AnnouncementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        # The buttons above the text (portal.js) write these marks for the author; without them the marks can
        # still be typed by hand.
        widget=forms.Textarea(
            attrs={
                "rows": 8,
                "data-toolbar": "",
                "data-formatting": _("Formatting"),
                "data-bold": _("Bold"),
                "data-list": _("List"),
                "data-link": _("Link"),
                "data-link-text": _("link text"),
            }
        ),
        help_text=_("Put words between ** and ** to make them bold; start a line with “- ” to make a list."),
    )
    category = forms.ChoiceField(label=_("Category"), choices=Announcement.Category.choices)
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Announcement.Urgency.choices, widget=forms.RadioSelect, initial="routine"
    )
    whole_ward = forms.BooleanField(label=_("Send to the whole ward"), required=False)
    group_ids = forms.TypedMultipleChoiceField(
        label=_("Residential groups"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    roles = forms.MultipleChoiceField(
        label=_("Only these roles (empty: everyone)"),
        choices=Membership.Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    channels = forms.MultipleChoiceField(
        label=_("Channels"),
        choices=CHANNEL_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    sms_unaccented = forms.BooleanField(label=_("SMS without diacritics (cheaper)"), required=False, initial=True)
    action = forms.ChoiceField(
        label=_("Readers are asked to"),
        choices=Announcement.Action.choices,
        initial="none",
        widget=forms.Select(attrs={"data-reveals": ""}),
    )
    meeting_at = forms.DateTimeField(
        label=_("Meeting time"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    meeting_place = forms.CharField(label=_("Meeting place"), max_length=300, required=False)
    poll_question = forms.CharField(label=_("Poll question"), max_length=300, required=False)
    poll_options = forms.CharField(
        label=_("Poll options, one per line"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    scheduled_at = forms.DateTimeField(
        label=_("Send at (empty: when approved)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    images = MultipleFileField(
        label=_("Images (up to 5)"),
        required=False,
        widget=photo_input(max_bytes=settings.ANNOUNCEMENT_MAX_IMAGE_BYTES, max_files=settings.ANNOUNCEMENT_MAX_IMAGES),
    )
    documents = MultipleFileField(
        label=_("Documents (PDF)"),
        required=False,
        widget=photo_input(max_bytes=settings.ANNOUNCEMENT_MAX_DOCUMENT_BYTES, max_files=5, accept="application/pdf"),
    )

    def __init__(self, *args: Any, groups: list[ResidentialGroup], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group_ids"].choices = natural_sorted((g.pk, g.name) for g in groups)  # Tổ 2 before Tổ 10
        # A channel that is not set up says so, and is not ticked for a new announcement: its deliveries would
        # only fail.
        configured = {kind for kind in ALL_KINDS if not missing_settings(kind)}
        self.fields["channels"].choices = [
            (kind, label if kind in configured else format_lazy("{} ({})", label, _("not set up")))
            for kind, label in CHANNEL_CHOICES
        ]
        if not self.is_bound and "channels" not in self.initial:
            self.initial["channels"] = [kind for kind in DEFAULT_CHANNELS if kind in configured]
        # The meeting's fields show only for an invitation and the poll's only for a poll (groups/_form.html
        # marks them; portal.js hides the others; without JavaScript they all show).
        for name in ("meeting_at", "meeting_place"):
            self.fields[name].show_for = Announcement.Action.RSVP
        for name in ("poll_question", "poll_options"):
            self.fields[name].show_for = Announcement.Action.POLL

    def announcement_data(self) -> AnnouncementData:
        data = self.cleaned_data
        return AnnouncementData(
            title=data["title"],
            body=data["body"],
            category=data["category"],
            urgency=data["urgency"],
            whole_ward=data["whole_ward"],
            group_ids=list(data["group_ids"]),
            roles=list(data["roles"]),
            channels=list(data["channels"]),
            action=data["action"],
            meeting_at=data["meeting_at"],
            meeting_place=data["meeting_place"],
            poll_question=data["poll_question"],
            poll_options=data["poll_options"].splitlines(),
            scheduled_at=data["scheduled_at"],
            sms_unaccented=data["sms_unaccented"],
        )

    @staticmethod
    def initial_from(announcement: Announcement) -> dict[str, Any]:
        return {
            "title": announcement.title,
            "body": announcement.body,
            "category": announcement.category,
            "urgency": announcement.urgency,
            "whole_ward": announcement.whole_ward,
            "group_ids": [g.pk for g in announcement.groups.all()],
            "roles": announcement.roles,
            "channels": announcement.channels,
            "action": announcement.action,
            "meeting_at": announcement.meeting_at,
            "meeting_place": announcement.meeting_place,
            "poll_question": announcement.poll_question,
            "poll_options": "\n".join(announcement.poll_options),
            "scheduled_at": announcement.scheduled_at,
            "sms_unaccented": announcement.sms_unaccented,
        }


class RejectForm(forms.Form):
    note = forms.CharField(label=_("What needs to change"), max_length=500)


class ScheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(label=_("Send at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
