"""Site-wide pages: the home redirect and the health endpoint."""

import time

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader

from groups.selectors import province_staff_of, staff_profile_of, wards_matching, wards_to_choose
from portal.celery import app as celery_app
from portal.common.web import safe_next


def home(request: HttpRequest) -> HttpResponse:
    """The resident's front door: the ward's public page when there is one ward, else a chooser. Staff who are
    signed in go to what waits for them today."""

    if staff_profile_of(request.user) is not None:
        return redirect("today")
    if province_staff_of(request.user) is not None:
        return redirect("province")
    wards = wards_to_choose()
    if len(wards) == 1:
        return redirect("announcements:public_feed", ward_code=wards[0]["code"])
    query = request.GET.get("q", "")[:100]
    shown = wards_matching(wards, query)
    return render(request, "home.html", {"wards": shown, "query": query})


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin signs in through the portal's own login page, which limits wrong passwords per address and per
    account; Django admin's login form would be a second door with no such limit."""

    target = safe_next(request, request.GET.get("next"), "/admin/")
    if request.user.is_authenticated:
        if not request.user.is_staff:
            raise PermissionDenied  # signed in, but not an administrator: sending them to log in again would loop
        return redirect(target)
    return redirect_to_login(target)


def no_signup(request: HttpRequest) -> HttpResponse:
    # allauth would show a "sign-up closed" page; there is nothing to sign up for, so there is no page.
    raise Http404


def _check(probe: "callable") -> dict[str, object]:  # type: ignore[valid-type]
    started = time.monotonic()
    try:
        detail = probe()
    except Exception as error:  # a health check reports every failure, whatever it is
        return {"ok": False, "error": type(error).__name__, "ms": round((time.monotonic() - started) * 1000, 1)}
    result: dict[str, object] = {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}
    if detail:
        result["backend"] = detail
    return result


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _cache() -> str:
    cache.set("health-probe", "1", timeout=10)
    if cache.get("health-probe") != "1":
        raise RuntimeError("cache did not keep a value")
    return "redis" if settings.REDIS_URL else "file"


def _broker() -> str:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        return conn.transport_cls if isinstance(conn.transport_cls, str) else conn.transport.driver_type


def health(request: HttpRequest) -> JsonResponse:
    """Database, cache (Redis when configured) and Celery broker state; 503 when any is down."""
    checks = {"database": _check(_database), "cache": _check(_cache), "broker": _check(_broker)}
    healthy = all(c["ok"] for c in checks.values())
    return JsonResponse({"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503)


# Error pages: JSON under /api/ (an integration reads the standard error shape), a plain Vietnamese page elsewhere.
def _error(request: HttpRequest, status: int, template: str, detail: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail}, status=status)
    return render(request, template, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "400.html", "The request could not be read.")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "404.html", "Not found.")


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, "403.html", "You do not have permission to perform this action.")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its security token, or with an old one (a page left open overnight, cookies
    cleared): the portal's own page in Vietnamese, saying what to do, never Django's English one."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "CSRF check failed: send the X-CSRFToken header with a session."}, status=403)
    # Back to the page the form was on (reloaded, it carries a fresh token), when that page is the portal's.
    back = safe_next(request, request.META.get("HTTP_REFERER"), "/")
    return render(request, "403_csrf.html", {"back": back}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error."}, status=500)
    # No context processors: the error may have come from one of them.

    return HttpResponse(loader.get_template("500.html").render(), status=500)
