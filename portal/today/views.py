"""The pages of "Hôm nay": an officer's first page and the counts it fetches again by itself."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from groups.access import staff_required
from groups.models import StaffProfile
from groups.selectors import province_staff_of, staff_profile_of
from portal.today.dashboard import leader_day, today_for_user


def _today_context(request: HttpRequest) -> dict:
    return {"today": today_for_user(user=request.user), "profile": staff_profile_of(request.user)}


def today(request: HttpRequest) -> HttpResponse:
    """Where signing in lands: a province's person has no ward's day and goes to the province's page."""
    if staff_profile_of(request.user) is None and province_staff_of(request.user) is not None:
        return redirect("province")
    return _ward_today(request)


@staff_required
def _ward_today(request: HttpRequest) -> HttpResponse:
    """A staff member's first page: what waits for them today, with counts that refresh by themselves. A group
    leader's is their own: record a contribution, their groups' progress and requests, today's meetings, what
    to tell in person."""

    profile = staff_profile_of(request.user)
    if profile is not None and profile.role == StaffProfile.Role.GROUP_LEADER and request.GET.get("all") != "1":
        return render(request, "today_leader.html", {"day": leader_day(user=request.user), "profile": profile})
    return render(request, "today.html", _today_context(request))


@staff_required
def today_block(request: HttpRequest) -> HttpResponse:
    """The counts alone, which the page fetches again every half minute."""
    return render(request, "_today.html", _today_context(request))
