"""Forms of the campaign pages. They only read what was typed; the rules live in campaigns.services."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Entry
from campaigns.services import CampaignData, EntryData, MeetingData
from portal.common.numbers import parse_whole


class AmountField(forms.CharField):
    """A whole number as people type it: "500.000", "500 000", "500000đ". Negative or absurd values pass through
    to the service, which answers them in words."""

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        try:
            return parse_whole(str(value or ""))
        except ValueError:
            raise forms.ValidationError(_("Please enter a whole number, for example 500.000.")) from None


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name of the campaign"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Campaign.Kind.choices, widget=forms.RadioSelect)
    unit = forms.ChoiceField(label=_("Counted in"), choices=Campaign.Unit.choices, widget=forms.RadioSelect)
    unit_label = forms.CharField(
        label=_("Name of the unit"), required=False, max_length=40, help_text=_("Only for another unit: cây, kg, …")
    )
    starts_on = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    target = AmountField(
        label=_("Target of the ward"),
        help_text=_("Split between the groups by their declared households; you can change a group's share after."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    def campaign_data(self) -> CampaignData:
        values = self.cleaned_data
        return CampaignData(
            name=values["name"],
            kind=values["kind"],
            unit=values["unit"],
            unit_label=values["unit_label"],
            starts_on=values["starts_on"],
            ends_on=values["ends_on"],
            target=values["target"],
        )


class EntryForm(forms.Form):
    household = forms.IntegerField(
        label=_("Household"), widget=forms.HiddenInput, error_messages={"required": _("Please choose a household.")}
    )
    amount = AmountField(
        label=_("Amount"), required=False, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    )
    method = forms.ChoiceField(
        label=_("Paid by"),
        choices=[(Entry.Method.CASH, _("Cash")), (Entry.Method.TRANSFER, _("Transfer"))],
        required=False,
        widget=forms.RadioSelect,
    )
    receipt_number = forms.CharField(label=_("Receipt number"), required=False, max_length=40)
    name_public = forms.BooleanField(
        label=_("The household agrees to have its name on the public page"), required=False
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def entry_data(self) -> EntryData:
        values = self.cleaned_data
        return EntryData(
            household_id=values["household"],
            amount=values["amount"],
            key=values["key"],
            method=values["method"] or "",
            receipt_number=values["receipt_number"],
            name_public=values["name_public"],
        )


class ReverseForm(forms.Form):
    amount = AmountField(
        label=_("The right amount"),
        required=False,
        help_text=_("Leave it empty if the household gave nothing (the entry was a mistake)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    reason = forms.CharField(label=_("Why is this entry corrected?"), max_length=300)
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)


class TargetsForm(forms.Form):
    """One number per group: its share of the ward target."""

    def __init__(self, *args: Any, groups: list[tuple[int, str, int]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for pk, name, target in groups:
            self.fields[f"g{pk}"] = AmountField(label=name, initial=target, required=True)

    def targets(self) -> dict[int, int]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    place = forms.CharField(label=_("Place"), max_length=300)
    agenda = forms.CharField(label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    whole_ward = forms.BooleanField(label=_("Invite the whole ward"), required=False)
    groups = forms.MultipleChoiceField(label=_("Groups invited"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, groups: list[tuple[int, str]], ward_wide: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["groups"].choices = [(str(pk), name) for pk, name in groups]
        if not ward_wide:
            del self.fields["whole_ward"]

    def meeting_data(self) -> MeetingData:
        values = self.cleaned_data
        return MeetingData(
            title=values["title"],
            starts_at=values["starts_at"],
            place=values["place"],
            agenda=values["agenda"],
            whole_ward=values.get("whole_ward", False),
            group_ids=[int(pk) for pk in values["groups"]],
        )


class AboutForm(forms.Form):
    purpose = forms.CharField(
        label=_("What the campaign is for"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("In a few words residents understand: who it helps, and with what."),
    )
    how_to_give = forms.CharField(
        label=_("How to take part"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who collects (names and phones), where and when, until which day."),
    )
    bank_bin = forms.ChoiceField(label=_("Bank (for transfers)"), required=False, choices=[])
    bank_account = forms.CharField(label=_("Account number"), required=False, max_length=30)
    bank_holder = forms.CharField(label=_("Account holder"), required=False, max_length=100)

    def __init__(self, *args: Any, banks: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bank_bin"].choices = [("", _("— No bank account —")), *banks]
