"""The province's pages: every ward with its figures, and one ward's figures read-only. Counts and percentages
only, for a province admin or viewer; a ward's own pages stay closed to them."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.access import province_required
from groups.selectors import province_staff_of
from portal.province.figures import (
    COLUMNS,
    province_figures,
    ward_month_days,
    ward_of_province,
    wards_filtered,
    wards_sorted,
)

# What the sort menu and the table's headers call each column, in the table's order.
LABELS = {
    "name": _("Ward"),
    "coverage": _("Coverage"),
    "change": _("Change this month"),
    "reach": _("Reach this week"),
    "received": _("Reports received"),
    "answered": _("Answered"),
    "in_time": _("Resolved in time"),
    "overdue": _("Overdue now"),
    "campaign": _("Campaigns running"),
    "meetings": _("Meetings"),
    "attendance": _("People attending"),
}
assert set(LABELS) == set(COLUMNS)


def _below(text: str) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and 0 < int(text) <= 100 else None


@province_required
def province(request: HttpRequest) -> HttpResponse:
    """Every ward of the person's province, worst first by the column chosen, with the province's totals on top.
    Anything unknown in the address (a column that does not exist, a threshold that is not a number) falls back
    to the default rather than failing."""
    staff = province_staff_of(request.user)
    figures = province_figures(province=staff.province)
    column = request.GET.get("sort", "coverage")
    column = column if column in COLUMNS else "coverage"
    order = request.GET.get("order", "")
    ascending = {"asc": True, "desc": False}.get(order)
    query = request.GET.get("q", "")[:100]
    overdue = request.GET.get("overdue") == "1"
    below = _below(request.GET.get("below", ""))
    shown = wards_sorted(
        wards_filtered(figures.wards, query=query, overdue=overdue, below=below), column=column, ascending=ascending
    )
    return render(
        request,
        "province/province.html",
        {
            "figures": figures,
            "wards": shown,
            "column": column,
            "order": order,
            "query": query,
            "overdue": overdue,
            "below": below or "",
            "labels": LABELS,
            "column_label": LABELS[column],
            "staff": staff,
        },
    )


@province_required
def province_ward(request: HttpRequest, code: str) -> HttpResponse:
    """One ward's figures, read-only: its line of the province's page and its days this month. A ward of
    another province is not found, as if it did not exist."""
    staff = province_staff_of(request.user)
    ward = ward_of_province(province=staff.province, code=code[:10])
    if ward is None:
        raise Http404
    line = province_figures(province=staff.province, ward_ids=[ward.pk]).wards[0]
    month_start = timezone.localdate().replace(day=1)
    return render(
        request,
        "province/ward.html",
        {
            "ward": ward,
            "line": line,
            "days": ward_month_days(ward=ward, since=month_start),
            "staff": staff,
            "labels": LABELS,
        },
    )
