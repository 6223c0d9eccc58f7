"""Form parts every app uses (a file input that takes several files and checks them in the browser first), and\nthe site-wide forms."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.images import MAX_SIDE
from portal.models import WardReportJob


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


def photo_input(
    *, max_bytes: int, max_files: int, accept: str = "image/jpeg,image/png,image/webp"
) -> MultipleFileInput:
    """A file input the browser checks before uploading (portal.js reads the data attributes): a resident on a
    slow connection learns a photo is too large or not a photo at once, not after minutes of upload. The messages
    stay lazy so they render in the reader's language; the script fills in the name and the numbers."""
    return MultipleFileInput(
        attrs={
            "accept": accept,
            "data-max-bytes": max_bytes,
            "data-max-files": max_files,
            "data-too-large": _("“%(name)s” is too large (at most %(mb)d MB)."),
            "data-wrong-type": _("“%(name)s” is not a picture (JPEG, PNG, WebP).")
            if accept.startswith("image")
            else _("“%(name)s” is not a PDF document."),
            "data-too-many": _("At most %d files."),
        }
        | (
            # Photos are shrunk in the browser to the size the server keeps anyway (portal.images.MAX_SIDE).
            {"data-shrink-to": MAX_SIDE, "data-shrinking": _("Making the photos smaller for sending…")}
            if accept.startswith("image")
            else {}
        )
    )


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ReportForm(forms.Form):
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


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("What will use it"),
        max_length=80,
        help_text=_("A name to tell your tokens apart, for example “bảng tính tổ 3”."),
    )
