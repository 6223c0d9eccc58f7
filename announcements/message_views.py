"""Personal messages as the ward's staff follow them: the ones that failed or whose outcome is unknown, and sending
them again (after a confirmation), under the request ids they first went under. Thin: rules in
announcements.services.resend."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from announcements import selectors, services
from announcements.models import Delivery
from groups.access import staff_required, ward_admin_profile
from portal.common.audit import client_ip


@staff_required
@require_http_methods(["GET", "POST"])
def personal_messages(request: HttpRequest) -> HttpResponse:
    """GET: the ward's personal messages that failed or whose outcome is unknown, newest first, with a button to
    send them all again; POST (from the confirmation): send them again."""
    profile = ward_admin_profile(request, _("Only a ward admin can send the ward's messages again."))
    rows = services.resendable_personal(ward_id=profile.ward_id)
    if request.method == "POST":
        count = services.personal_messages_resend(deliveries=rows, by=request.user, ip=client_ip(request))
        messages.success(request, _("%d messages are being sent again.") % count)
        return redirect("announcements:messages")
    counts = selectors.counts_by_status(rows)
    listed = selectors.personal_messages_listed(rows)
    return render(
        request,
        "announcements/messages.html",
        {
            "listed": listed,
            "failed": counts.get(Delivery.Status.FAILED, 0),
            "unknown": counts.get(Delivery.Status.UNKNOWN, 0),
            "confirm": request.GET.get("confirm") == "1",
        },
    )
