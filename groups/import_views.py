"""Pages for bringing a group's members in from a sheet (upload, preview, commit) and taking them out as one.
Thin: reads through selectors, writes through services (groups.services.imports for lists)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from groups import member_sheets, selectors
from groups.access import staff_required
from groups.forms import (
    ImportForm,
)
from groups.models import MemberImport, Membership
from groups.services import imports as member_imports
from portal.common.sheets import upload_read
from portal.common.web import errors_say


@staff_required
def member_import(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.group_managed_by(user=request.user, pk=pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            name, content = upload_read(form.cleaned_data["file"])
            preview = member_imports.member_import_preview(
                ward=group.ward, group=group, file_name=name, content=content, by=request.user
            )
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            return redirect("groups:import_preview", pk=preview.pk)
    return render(request, "groups/import_form.html", {"form": form, "group": group})


@staff_required
def member_import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    member_import = get_object_or_404(
        MemberImport, pk=pk, created_by=request.user, ward__in=selectors.wards_for_user(user=request.user)
    )
    group = member_import.group
    if request.method == "POST":
        try:
            count = member_imports.member_import_commit(member_import=member_import, by=request.user)
        except member_imports.ImportChanged:
            messages.warning(request, _("The members changed since this preview. Check the rows again, then import."))
            return redirect("groups:import_preview", pk=member_import.pk)
        except ValidationError as error:
            errors_say(request, error)
        except IntegrityError:
            messages.error(
                request, _("Someone added the same members at the same time. Nothing was imported; try again.")
            )
        else:
            messages.success(request, _("%(count)s members were imported.") % {"count": count})
            return redirect("groups:detail", pk=group.pk) if group else redirect("groups:list")
    rows = member_import.rows
    valid = sum(1 for r in rows if r["action"])
    return render(
        request,
        "groups/import_preview.html",
        {
            "member_import": member_import,
            "group": group,
            "rows": rows,
            "valid_count": valid,
            "invalid_count": len(rows) - valid,
        },
    )


@staff_required
def import_template(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.group_managed_by(user=request.user, pk=pk)
    response = HttpResponse(
        member_sheets.import_template_xlsx(group_name=group.name),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="mau-danh-sach-thanh-vien.xlsx"'
    return response


@staff_required
def member_export(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.group_managed_by(user=request.user, pk=pk)
    memberships = selectors.group_memberships(group=group, statuses=[Membership.Status.ACTIVE]).select_related("group")
    content = member_sheets.members_export_xlsx(
        memberships=memberships, ward=group.ward, by=request.user, label=group.name
    )
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="thanh-vien-{slugify(group.name_folded) or group.pk}.xlsx"'
    return response
