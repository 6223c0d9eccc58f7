"""Forms validate the shape of what a person typed; the rules live in groups.services."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from groups.models import ContactChannel, Membership, ResidentialGroup, StaffProfile
from groups.services import MemberData


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ResidentialGroup.Kind.choices)
    households_total = forms.IntegerField(label=_("Households declared"), min_value=0, max_value=100000)
    facebook_group_url = forms.URLField(label=_("Facebook group link"), required=False, assume_scheme="https")


class MemberFieldsForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=30, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    address = forms.CharField(label=_("Household address"), max_length=300, required=False)
    email = forms.CharField(label=_("Email"), max_length=254, required=False, widget=forms.EmailInput)
    zalo_user_id = forms.CharField(label=_("Zalo user id"), max_length=64, required=False)
    consent_sms = forms.BooleanField(label=_("Agrees to receive SMS"), required=False)
    consent_zalo = forms.BooleanField(label=_("Agrees to receive Zalo messages"), required=False)
    consent_email = forms.BooleanField(label=_("Agrees to receive email"), required=False)
    preferred_channel = forms.ChoiceField(
        label=_("Preferred channel"), choices=[("", "—")] + list(ContactChannel.choices), required=False
    )

    def member_data(self) -> MemberData:
        data = self.cleaned_data
        return MemberData(
            full_name=data["full_name"],
            phone=data["phone"],
            email=data["email"],
            address=data["address"],
            zalo_user_id=data["zalo_user_id"],
            consent_sms=data["consent_sms"],
            consent_zalo=data["consent_zalo"],
            consent_email=data["consent_email"],
            preferred_channel=data["preferred_channel"],
        )


class RoleFields(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    organisation = forms.CharField(label=_("Organisation (for a branch head)"), max_length=200, required=False)


class MemberCreateForm(MemberFieldsForm, RoleFields):
    pass


class MemberEditForm(MemberFieldsForm):
    # The time of the last change when the form was opened: a form opened before someone else's change is stale.
    version = forms.CharField(widget=forms.HiddenInput)


class MoveForm(forms.Form):
    group = forms.ModelChoiceField(label=_("Move to group"), queryset=ResidentialGroup.objects.none())
    address = forms.CharField(label=_("New household address (optional)"), max_length=300, required=False)

    def __init__(self, *args: Any, groups: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups


class AddToGroupForm(RoleFields):
    group = forms.ModelChoiceField(label=_("Also add to group"), queryset=ResidentialGroup.objects.none())

    def __init__(self, *args: Any, groups: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class JoinForm(forms.Form):
    full_name = forms.CharField(label=_("Your full name"), max_length=200)
    phone = forms.CharField(
        label=_("Your phone number"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    address = forms.CharField(label=_("Your household's address"), max_length=300)
    consent_sms = forms.BooleanField(label=_("I agree to receive notices by SMS"), required=False)
    consent_zalo = forms.BooleanField(label=_("I agree to receive notices by Zalo"), required=False)
    email = forms.CharField(label=_("Email (optional)"), max_length=254, required=False, widget=forms.EmailInput)
    consent_email = forms.BooleanField(label=_("I agree to receive notices by email"), required=False)
    # A field people never see: a bot that fills every field fills this one too.
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def member_data(self) -> MemberData:
        data = self.cleaned_data
        preferred = (
            "zalo"
            if data["consent_zalo"]
            else "sms"
            if data["consent_sms"]
            else "email"
            if data["consent_email"]
            else ""
        )
        return MemberData(
            full_name=data["full_name"],
            phone=data["phone"],
            address=data["address"],
            email=data.get("email") or "",
            consent_sms=data["consent_sms"],
            consent_zalo=data["consent_zalo"],
            consent_email=data["consent_email"],
            preferred_channel=preferred,
        )


class StaffInviteForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=StaffProfile.Role.choices)
    groups = forms.ModelMultipleChoiceField(
        label=_("Groups led (for a group leader)"),
        queryset=ResidentialGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, groups: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = groups
