"""The province's forms: the shape of what its admin typed; the rules are in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from announcements.forms import CHANNEL_CHOICES, DEFAULT_CHANNELS
from announcements.models import Announcement
from announcements.services import ProvinceNoticeData


class ProvinceNoticeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))
    category = forms.ChoiceField(label=_("Category"), choices=Announcement.Category.choices)
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=Announcement.Urgency.choices,
        widget=forms.RadioSelect,
        initial="routine",
        help_text=_("An urgent one goes out at night too; a routine one waits for the morning."),
    )
    channels = forms.MultipleChoiceField(
        label=_("Channels (each ward sends on those it has)"),
        choices=CHANNEL_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        initial=DEFAULT_CHANNELS,
    )
    ward_ids = forms.TypedMultipleChoiceField(
        label=_("Wards (none ticked: every ward)"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: object, wards: list = (), **kwargs: object) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["ward_ids"].choices = [(w.pk, w.name) for w in wards]

    def data_object(self) -> ProvinceNoticeData:
        d = self.cleaned_data
        return ProvinceNoticeData(
            title=d["title"],
            body=d["body"],
            category=d["category"],
            urgency=d["urgency"],
            channels=list(d["channels"]),
            ward_ids=list(d["ward_ids"]),
        )
