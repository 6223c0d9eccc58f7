"""A new ward from one sheet, for the province's admin: download the template, upload it filled in with the
ward's name and code, see every row checked, then create the ward (after a confirmation)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from groups.access import province_admin, province_required
from groups.models import WardOnboarding
from groups.selectors import onboarding_of, onboardings_recent
from groups.services import onboarding
from portal.common.sheets import upload_read
from portal.common.web import apply_errors


class OnboardingForm(forms.Form):
    ward_name = forms.CharField(label=gettext_lazy("Name of the ward"), max_length=200)
    ward_code = forms.CharField(
        label=gettext_lazy("Administrative code"), max_length=10, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    file = forms.FileField(label=gettext_lazy("The filled-in sheet (.xlsx or .csv)"))


def _own(request: HttpRequest, pk: int) -> WardOnboarding:
    staff = province_admin(request)
    found = onboarding_of(province_id=staff.province_id, pk=pk)
    if found is None:
        raise Http404
    return found


@province_required
@require_http_methods(["GET", "POST"])
def onboarding_start(request: HttpRequest) -> HttpResponse:
    staff = province_admin(request)
    form = OnboardingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            name, content = upload_read(form.cleaned_data["file"])
            made = onboarding.onboarding_preview(
                by=request.user,
                ward_name=form.cleaned_data["ward_name"],
                ward_code=form.cleaned_data["ward_code"],
                name=name,
                content=content,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                apply_errors(form, error)
            else:
                form.add_error("file", error.messages)
        else:
            return redirect("province_onboarding", pk=made.pk)
    recent = onboardings_recent(province_id=staff.province_id)
    return render(request, "province/onboarding_start.html", {"form": form, "recent": recent, "staff": staff})


@province_required
def onboarding_template(request: HttpRequest) -> HttpResponse:
    province_admin(request)
    response = HttpResponse(
        onboarding.onboarding_template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="khai-bao-phuong.xlsx"'
    return response


@province_required
@require_http_methods(["GET", "POST"])
def onboarding_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Every row as read, what is wrong with each, and the button that creates the ward once nothing is."""
    item = _own(request, pk)
    if request.method == "POST":
        try:
            ward = onboarding.onboarding_commit(onboarding=item, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(ward)s is on the portal: its groups, its leaders, and its staff's invitations are on their way.")
                % {"ward": ward.name},
            )
            return redirect("province_ward", code=ward.code)
        return redirect("province_onboarding", pk=item.pk)
    rows = item.rows or {}
    return render(
        request,
        "province/onboarding_preview.html",
        {
            "item": item,
            "groups": rows.get("groups", []),
            "people": rows.get("people", []),
            "errors": rows.get("errors", []),
            "confirm": request.GET.get("confirm") == "1",
        },
    )
