"""The group's invite link and QR poster, and the pages a resident joins from (no account needed).
Thin: reads through selectors, writes through services."""

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from groups import selectors, services
from groups.access import staff_required
from groups.forms import (
    JoinForm,
)
from portal.common.audit import client_ip
from portal.common.ratelimit import over_hourly_limit
from portal.common.web import apply_errors, public_url


@staff_required
def group_poster(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.group_get_for_user(user=request.user, pk=pk)
    url = public_url(request, reverse("join", args=[group.invite_token]))
    qr_svg = segno.make(url, error="m").svg_inline(scale=8, border=2, dark="#000", light="#fff")
    return render(request, "groups/poster.html", {"group": group, "url": url, "qr_svg": qr_svg})


def join_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The page the link in a confirmation message opens: the person says yes or no to joining a group."""
    membership = services.membership_from_confirm_token(token)
    if membership is None:
        return render(request, "groups/join_confirm.html", {"expired": True}, status=404)
    answered = None
    if request.method == "POST":
        try:
            services.membership_confirm(
                membership=membership, accept=request.POST.get("answer") == "yes", ip=client_ip(request)
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            answered = request.POST.get("answer") == "yes"
        membership.refresh_from_db()
    return render(
        request,
        "groups/join_confirm.html",
        {"membership": membership, "group": membership.group, "answered": answered},
    )


def join(request: HttpRequest, token: str) -> HttpResponse:
    group = selectors.group_by_invite(token=token)
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:
            # The honeypot was filled: answer as if all went well, so the bot learns nothing.
            return render(request, "groups/join_done.html", {"group": group})
        ip = client_ip(request) or "unknown"
        if over_hourly_limit([f"join:{ip}"], settings.JOIN_RATE_LIMIT_PER_HOUR):
            form.add_error(None, _("Too many requests from this connection. Please try again in an hour."))
        else:
            try:
                services.join_request_submit(group=group, data=form.member_data(), ip=ip)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                # One answer for a new request, a repeated one and a phone already in the group (see the service).
                return render(request, "groups/join_done.html", {"group": group})
    return render(request, "groups/join.html", {"group": group, "form": form})
