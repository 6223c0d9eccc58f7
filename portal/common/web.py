"""Small web helpers every app's views share: reading numbers from what a client sent, safe redirects."""

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme

# A database id: ASCII digits only ("²" and "٣" are digits to Python's isdigit, and int() takes the second), and
# at most 18 of them, so it fits PostgreSQL's bigint instead of failing the query.
_ID = re.compile(r"[0-9]{1,18}")


def int_or_none(value: Any) -> int | None:
    """The id a client sent, or None for anything that is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value < 10**18 else None
    text = str(value).strip() if value is not None else ""
    return int(text) if _ID.fullmatch(text) else None


def safe_next(request: Any, target: str | None, default: str) -> str:
    """`target` if it points inside the portal, else `default`: a crafted link must not send staff elsewhere."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class IdConverter:
    """`<id:pk>` in URL patterns: like `<int:pk>`, but a number too long for the database is a 404, not a 500."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: Any) -> str:
        return str(value)


def moment_or_none(value: Any) -> datetime | None:
    """An ISO 8601 date-time a client sent, or None: parse_datetime raises on a well-formed impossible date
    (2026-02-30), and a naive one is read in the portal's time zone."""

    try:
        moment = parse_datetime(str(value or "").strip())
    except (ValueError, OverflowError):
        return None
    if moment is not None and timezone.is_naive(moment):
        try:
            moment = timezone.make_aware(moment)
        except (ValueError, OverflowError):
            return None
    return moment


def file_response(
    field_file: Any, *, content_type: str, private: bool = True, filename: str = "", attachment: bool = False
) -> Any:
    """A stored upload, answered by a view that has already checked who may see it. Private answers are never
    kept by a browser or a proxy: a shared phone or an office proxy must not hand a report's photo to the next
    person."""

    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type, filename=filename or None, as_attachment=attachment)
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=3600"
    return response


def public_url(request: Any, path: str) -> str:
    """An address for people outside (a QR poster, an invite link): PORTAL_PUBLIC_BASE_URL when it is set, else
    the address this page itself was served from."""

    if settings.PUBLIC_BASE_URL_SET:
        return settings.PUBLIC_BASE_URL + path
    return request.build_absolute_uri(path)


View = Callable[..., Any]


def errors_say(request: Any, error: Any) -> None:
    """Show a service's refusal on the next page, one message per problem, where there is no form to carry it."""

    for message in error.messages:
        messages.error(request, message)


def apply_errors(form: Any, error: Any) -> None:
    """Show a service's errors beside the fields the form has, and above the form for the rest."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def draft_keep(request: Any, name: str, *, owner: object, values: dict) -> None:
    """What was typed in a form the server refused, kept for the page the person is sent back to (a redirect
    loses the POST): filed under `name` for one object, `owner`."""
    request.session[name] = {"owner": owner, "values": values}


def draft_take(request: Any, name: str, *, owner: object) -> dict | None:
    """The values `draft_keep` kept for this object, given once; None when there are none for it."""
    draft = request.session.get(name)
    if not draft or draft.get("owner") != owner:
        return None
    del request.session[name]
    return draft["values"]
