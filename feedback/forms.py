"""Forms check the shape of what a person typed; the rules live in feedback.services."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from feedback.models import Category, Report, Unit
from feedback.services import ReportData
from groups.models import ResidentialGroup
from portal.common.forms import MultipleFileField, photo_input
from portal.common.text import natural_sorted


class ReportForm(forms.Form):
    category = forms.ChoiceField(label=_("What is it about?"), choices=Category.choices, widget=forms.RadioSelect)
    description = forms.CharField(
        label=_("What happened, and where exactly?"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    photos = MultipleFileField(
        label=_("Photos (up to 5)"),
        required=False,
        widget=photo_input(max_bytes=settings.REPORT_MAX_PHOTO_BYTES, max_files=settings.REPORT_MAX_PHOTOS),
    )
    # An integer checked by the service (it must be a group of the ward); the list is only for the widget, so a
    # ward with thousands of groups does not pay for choice validation on every submission.
    group_id = forms.IntegerField(label=_("Residential group"), required=False, widget=forms.Select)
    address = forms.CharField(label=_("Address or landmark"), max_length=300, required=False)
    share_location = forms.BooleanField(label=_("Share my location with the ward"), required=False)
    latitude = forms.CharField(required=False, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, widget=forms.HiddenInput)
    # Required unless the report is anonymous (the service decides it): said on the form, not only after sending.
    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        required=False,
        help_text=_("Required, unless you report anonymously."),
        widget=forms.TextInput(attrs={"aria-describedby": "name-help"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "aria-describedby": "phone-help"}),
        help_text=_("Required (or an email), unless you report anonymously: the ward answers you there."),
    )
    email = forms.CharField(label=_("Email"), max_length=254, required=False, widget=forms.EmailInput)
    anonymous = forms.BooleanField(label=_("Report anonymously"), required=False)
    public = forms.BooleanField(
        label=_("The ward may publish the report and its answer (your name is never shown)"),
        required=False,
        initial=True,
    )
    website = forms.CharField(
        required=False, label="Website", widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )
    form_token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, groups: Iterable[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._groups = groups

    def for_display(self) -> "ReportForm":
        """The group list, built only when the form is shown (a first visit, or again after any error, the
        service's too): a submission that succeeds never pays for a city ward's thousands of groups, and one
        that fails keeps the group the resident chose."""
        self.fields["group_id"].widget.choices = [("", "—"), *natural_sorted(self._groups)]
        return self

    def report_data(self, source: str = Report.Source.WEB) -> ReportData:
        data = self.cleaned_data
        return ReportData(
            category=data["category"],
            description=data["description"],
            group_id=data["group_id"],
            address=data["address"],
            latitude=data["latitude"] or None,
            longitude=data["longitude"] or None,
            share_location=data["share_location"],
            name=data["name"],
            phone=data["phone"],
            email=data["email"],
            anonymous=data["anonymous"],
            public=data["public"],
            source=source,
        )


class RecordForm(ReportForm):
    """Staff record a report received another way; the reporter may have given no contact at all."""

    source = forms.ChoiceField(
        label=_("Received by"),
        choices=[
            c
            for c in Report.Source.choices
            if c[0] not in {Report.Source.WEB, Report.Source.ZALO_OA, Report.Source.OPEN311}
        ],
    )


class StatusLookupForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=16)
    digits = forms.CharField(
        label=_("Last 4 digits of your phone (if you gave one)"),
        max_length=4,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How well was it handled?"),
        coerce=int,
        choices=[(i, "★" * i) for i in range(5, 0, -1)],
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose from 1 to 5 stars; your comment is kept.")},
    )
    comment = forms.CharField(
        label=_("Comment"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    not_fixed = forms.BooleanField(label=_("It is not fixed yet"), required=False)


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    public = forms.BooleanField(label=_("Public reply (the reporter and the public page see it)"), required=False)
    photos = MultipleFileField(
        label=_("Photos"),
        required=False,
        widget=photo_input(max_bytes=settings.REPORT_MAX_PHOTO_BYTES, max_files=settings.REPORT_MAX_PHOTOS),
    )


class UnitForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Unit.Kind.choices)
    group = forms.ModelChoiceField(
        label=_("Residential group (for a group's Ban CTMT)"), queryset=ResidentialGroup.objects.none(), required=False
    )
    head = forms.ModelChoiceField(
        label=_("Head (receives escalations)"), queryset=get_user_model().objects.none(), required=False
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Members"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    handles_tips = forms.BooleanField(
        label=_("Receives tips (tố giác): its members may see who sent a tip"), required=False
    )

    def __init__(self, *args: Any, groups: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
        self.fields["head"].queryset = staff
        self.fields["members"].queryset = staff
        for field in ("head", "members"):
            self.fields[field].label_from_instance = lambda user: user.get_full_name() or user.email


class CannedReplyForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class HolidayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    name = forms.CharField(label=_("What day is it?"), max_length=120)
