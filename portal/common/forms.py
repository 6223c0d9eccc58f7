"""Form parts every app uses (a file input that takes several files and checks them in the browser first), and\nthe site-wide forms."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.common.images import MAX_SIDE


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
            # Photos are shrunk in the browser to the size the server keeps anyway (portal.common.images.MAX_SIDE).
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


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("What will use it"),
        max_length=80,
        help_text=_("A name to tell your tokens apart, for example “bảng tính tổ 3”."),
    )
