"""The ward admin's form for the ward's report."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import WardReportJob


class WardReportForm(forms.Form):
    """The period and the file, then what the signed document carries (checked by the service, which says in
    words what is wrong; the form only reads the values)."""

    start = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    format = forms.ChoiceField(
        label=_("File"), choices=WardReportJob.Format.choices, widget=forms.RadioSelect, initial="pdf"
    )
    number = forms.CharField(
        label=_("Document number"),
        required=False,
        max_length=20,
        help_text=_("Printed as “Số: 12/BC-MTTQ”. Leave it empty to write it by hand after registering."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    place = forms.CharField(
        label=_("Place in the date line"),
        required=False,
        max_length=80,
        help_text=_("Printed as “Ngọc Hiệp, ngày … tháng … năm …”."),
    )
    signer = forms.CharField(
        label=_("Who signs"),
        required=False,
        max_length=120,
        help_text=_("Full name, printed under the signature. Needed for the PDF and the Word file."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    signer_title = forms.ChoiceField(
        label=_("Signs as"),
        required=False,  # the service says in words what is missing
        choices=[("CHỦ TỊCH", _("Chair")), ("PHÓ CHỦ TỊCH", _("Vice-chair"))],
        initial="CHỦ TỊCH",
        widget=forms.RadioSelect,
    )
    recipients = forms.CharField(
        label=_("Recipients (Nơi nhận)"),
        required=False,
        help_text=_("One per line; the last is usually “Lưu: VT”."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
