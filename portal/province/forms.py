"""The province's forms: the shape of what its admin typed; the rules are in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from announcements.forms import CHANNEL_CHOICES, DEFAULT_CHANNELS
from announcements.models import Announcement
from announcements.services import ProvinceNoticeData
from campaigns.forms import AmountField, CampaignForm
from campaigns.services import ProvinceCampaignData


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


class ProvinceCampaignForm(CampaignForm):
    """A ward's campaign form, with the province's target and what it is for."""

    purpose = forms.CharField(label=_("What it is for"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].label = _("Target of the province")
        self.fields["target"].help_text = _(
            "Split between the wards by their declared households; you can change a ward's share after."
        )

    def province_data(self) -> ProvinceCampaignData:
        base = self.campaign_data()
        return ProvinceCampaignData(
            name=base.name,
            kind=base.kind,
            unit=base.unit,
            unit_label=base.unit_label,
            starts_on=base.starts_on,
            ends_on=base.ends_on,
            target=base.target,
            purpose=self.cleaned_data.get("purpose", ""),
        )


class ShareForm(forms.Form):
    ward = forms.TypedChoiceField(label=_("Ward"), coerce=int)
    target = AmountField(label=_("Its share"), widget=forms.TextInput(attrs={"inputmode": "numeric"}))

    def __init__(self, *args: object, wards: list = (), **kwargs: object) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["ward"].choices = [(w.ward_id, w.name) for w in wards]
