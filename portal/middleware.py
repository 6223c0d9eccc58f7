from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from portal.common.text import clean_text
from portal.views import bad_request


class ChosenLanguageMiddleware:
    """Vietnamese unless the person chose another language with the switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many phones in Vietnam are set to
    English while their owners read Vietnamese; so only an explicit choice (the language cookie) counts.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class PrivatePagesMiddleware:
    """Every answer to a signed-in person is `Cache-Control: private, no-store`: staff pages carry residents'
    phone numbers and names, and a shared office computer or proxy must not keep a copy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response.headers:
            patch_cache_control(response, private=True, no_store=True)
        return response


class CleanInputMiddleware:
    """Form fields and query parameters without control characters, before any form or view reads them: one
    stray character pasted from a chat (a form feed, a NUL) would otherwise be refused by one form, stored by
    another, and break the Atom feed or an XML answer later. API bodies and files are cleaned by the services
    that take them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The API takes its query and a form body like a JSON one: its serializers hold them to the schema as
        # sent (a value with a control character still counts it, and one too long is refused, not shortened
        # into a valid one), and the services clean what they store.
        api = request.path.startswith("/api/")
        if not api:
            request.GET = _cleaned(request.GET)
        content_type = request.content_type or ""
        if (
            request.method == "POST"
            and not api
            and content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}
        ):
            try:
                request.POST = _cleaned(request.POST)
            except MultiPartParserError:
                # A multipart body without its boundary, or cut short: nothing in it can be read.
                return malformed(request)
        return self.get_response(request)


def _cleaned(data: QueryDict) -> QueryDict:
    if not any(clean_text(value) != value for values in data.lists() for value in values[1]):
        return data
    cleaned = QueryDict(mutable=True)
    for key, values in data.lists():
        cleaned.setlist(clean_text(key), [clean_text(value) for value in values])
    cleaned._mutable = False
    return cleaned


class BodySizeMiddleware:
    """A request body larger than the largest form the portal takes (five photos and the text) is refused from
    its Content-Length, before a byte of it is read: a 2 GB upload must not fill the disk or tie up a worker."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            return too_large(request)
        return self.get_response(request)


def _as_visitor(request: HttpRequest) -> None:
    """An error answered before the session is read shows to whoever asked, as to a visitor."""

    if not hasattr(request, "user"):
        request.user = AnonymousUser()


def too_large(request: HttpRequest) -> HttpResponse:
    _as_visitor(request)
    megabytes = settings.REQUEST_MAX_BYTES // (1024 * 1024)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": f"The request is larger than {megabytes} MB."}, status=413)
    message = _("What you sent is larger than %(mb)d MB. Please send fewer or smaller photos.") % {"mb": megabytes}
    return render(request, "413.html", {"message": message}, status=413)


def malformed(request: HttpRequest) -> HttpResponse:
    """A body that cannot be read at all: a JSON error for the API, a page in plain words for a person."""

    _as_visitor(request)
    return bad_request(request)
