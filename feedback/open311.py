"""Open311 GeoReport v2, so existing Open311 apps and clients can file and read a ward's reports.

Field names, formats (.json and .xml), ISO 8601 dates with their offset and the error list follow the standard
(wiki.open311.org/GeoReport_v2). A jurisdiction is a ward, by its administrative code. Reading never returns a
reporter's identity, a tip, or a report the reporter did not allow to be public.
"""

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any
from xml.etree import ElementTree

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from feedback import selectors, services
from feedback.models import Category, Report
from groups.models import Ward
from groups.selectors import only_ward, ward_get_by_code, wards_as_jurisdictions
from portal.common.text import clean_text
from portal.common.web import moment_or_none

SERVICE_GROUPS = {
    Category.ENVIRONMENT: "Môi trường",
    Category.SECURITY: "An ninh",
    Category.URBAN_ORDER: "Đô thị",
    Category.TRAFFIC: "Giao thông",
    Category.UTILITIES: "Hạ tầng",
    Category.PROCEDURE: "Hành chính",
    Category.QUESTION: "Hỏi đáp",
    Category.OTHER: "Khác",
}  # no "tip": a tip needs the portal's confidential handling, not an anonymous public API


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def _iso(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def _fill(element: ElementTree.Element, row: dict[str, Any]) -> None:
    """Child elements for a row's keys; a list becomes repeated elements named by the key's singular. Text is
    cleaned on the way out: a control character stored before input was cleaned would make the XML invalid."""
    for key, value in row.items():
        child = ElementTree.SubElement(element, key)
        if isinstance(value, list):
            for entry in value:
                grandchild = ElementTree.SubElement(child, key.removesuffix("s") or "item")
                if isinstance(entry, dict):
                    _fill(grandchild, entry)
                else:
                    grandchild.text = clean_text(str(entry))
        elif isinstance(value, dict):
            _fill(child, value)
        elif value is not None:
            child.text = str(value).lower() if isinstance(value, bool) else clean_text(str(value))


def _xml(root: str, item: str | None, rows: list[dict[str, Any]]) -> str:
    top = ElementTree.Element(root)
    for row in rows:
        _fill(ElementTree.SubElement(top, item) if item else top, row)
    return '<?xml version="1.0" encoding="utf-8"?>' + ElementTree.tostring(top, encoding="unicode")


def _answer(
    fmt: str, rows: list[dict[str, Any]] | dict[str, Any], root: str, item: str, status: int = 200
) -> HttpResponse:
    if fmt == "xml":
        listed = rows if isinstance(rows, list) else [rows]
        return HttpResponse(_xml(root, item, listed), content_type="text/xml; charset=utf-8", status=status)
    return JsonResponse(rows, safe=False, status=status, json_dumps_params={"ensure_ascii": False})


def endpoint(view: Callable[..., Any]) -> Callable[..., HttpResponse]:
    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
        if fmt not in {"json", "xml"}:
            return _answer(
                "json", [{"code": 404, "description": "format must be json or xml"}], "errors", "error", status=404
            )
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as error:
            return _answer(
                fmt, [{"code": error.status, "description": error.description}], "errors", "error", status=error.status
            )

    return wrapper


def _jurisdiction(request: HttpRequest, data: Any) -> Ward:
    code = (data.get("jurisdiction_id") or "").strip()
    if code:
        try:
            return ward_get_by_code(code)
        except Http404:
            raise Open311Error(404, f"jurisdiction_id {code} not found") from None
    ward = only_ward()
    if ward is None:
        raise Open311Error(400, "jurisdiction_id is required")
    return ward


def _service(category: str) -> dict[str, Any]:
    return {
        "service_code": category,
        "service_name": str(Category(category).label),
        "description": str(Category(category).label),
        "metadata": False,
        "type": "realtime",
        "keywords": category,
        "group": SERVICE_GROUPS[category],
    }


def _request_row(report: Report) -> dict[str, Any]:
    status_notes = report.resolution or report.status_reason or ""
    return {
        "service_request_id": report.tracking_code,
        # Open311 knows two states: "open" while the ward works on it, "closed" once answered or set aside.
        "status": "closed" if report.status in Report.DONE else "open",
        "status_notes": status_notes,
        "service_name": str(Category(report.category).label),
        "service_code": report.category,
        "description": report.description,
        "agency_responsible": report.unit.name if report.unit else report.ward.name,
        "service_notice": "",
        "requested_datetime": _iso(report.created_at),
        "updated_datetime": _iso(report.updated_at),
        "expected_datetime": _iso(report.resolve_due_at),
        "address": report.address,
        "address_id": "",
        "zipcode": "",
        "lat": float(report.latitude) if report.latitude is not None else None,
        "long": float(report.longitude) if report.longitude is not None else None,
        "media_url": "",
    }


@endpoint
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    """One root for every ward the server carries: each is a jurisdiction, named by its administrative code, and
    listed here (an extension of the discovery document) with its province, so a client of a city finds its wards."""
    base = request.build_absolute_uri("/open311/v2/")
    wards = wards_as_jurisdictions()
    provinces = sorted({ward["province"] for ward in wards})
    info = {
        "changeset": "2026-12-06T00:00:00+07:00",
        "contact": f"Ủy ban MTTQ Việt Nam {provinces[0]}" if len(provinces) == 1 else "Ủy ban MTTQ phường, xã",
        "key_service": "Xin khóa API tại Ủy ban MTTQ phường, xã",
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base,
                "changeset": "2026-11-22T00:00:00+07:00",
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
        "jurisdictions": wards,
    }
    if fmt == "xml":
        return HttpResponse(_xml("discovery", None, [info]), content_type="text/xml; charset=utf-8")
    return JsonResponse(info, json_dumps_params={"ensure_ascii": False})


@endpoint
def services_list(request: HttpRequest, fmt: str) -> HttpResponse:
    _jurisdiction(request, request.GET)
    return _answer(fmt, [_service(c) for c in SERVICE_GROUPS], "services", "service")


@endpoint
def service_definition(request: HttpRequest, service_code: str, fmt: str) -> HttpResponse:
    _jurisdiction(request, request.GET)
    if service_code not in SERVICE_GROUPS:
        raise Open311Error(404, f"service_code {service_code} not found")
    definition = {"service_code": service_code, "attributes": []}
    if fmt == "xml":
        return HttpResponse(_xml("service_definition", None, [definition]), content_type="text/xml; charset=utf-8")
    return JsonResponse(definition, json_dumps_params={"ensure_ascii": False})


@endpoint
def requests_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    ward = _jurisdiction(request, request.GET)
    window = {}
    for name in ("start_date", "end_date"):
        if request.GET.get(name):
            window[name] = moment_or_none(request.GET[name])
            if window[name] is None:
                raise Open311Error(400, f"{name} must be an ISO 8601 date-time")
    # The standard's default window: the last 90 days before the end date (or now), 1000 requests at most.
    end = window.get("end_date") or timezone.now()
    rows = selectors.reports_for_open311(
        ward=ward,
        codes=[i.strip().upper() for i in request.GET.get("service_request_id", "").split(",") if i.strip()],
        categories=[c for c in request.GET.get("service_code", "").split(",") if c],
        status=request.GET.get("status", ""),
        start=window.get("start_date") or end - timedelta(days=90),
        end=end,
    )
    return _answer(fmt, [_request_row(f) for f in rows], "service_requests", "request")


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    data = request.POST
    ward = _jurisdiction(request, data)
    key = data.get("api_key", "")
    if not selectors.open311_key_valid(ward=ward, key=key):
        raise Open311Error(403, "api_key is missing or not valid for this jurisdiction")
    code = data.get("service_code", "")
    if code not in SERVICE_GROUPS:
        raise Open311Error(400, "service_code is missing or unknown")
    latitude, longitude = data.get("lat", ""), data.get("long", "")
    if latitude or longitude:
        if services.coordinate(latitude, -90, 90) is None or services.coordinate(longitude, -180, 180) is None:
            raise Open311Error(400, "lat and long must be numbers within -90..90 and -180..180")
    has_location = (latitude and longitude) or data.get("address_string") or data.get("address_id")
    if not has_location:
        raise Open311Error(400, "a location is required: lat and long, address_string or address_id")
    name = " ".join(p for p in (data.get("first_name", ""), data.get("last_name", "")) if p).strip()
    data_in = services.ReportData(
        category=code,
        description=data.get("description", ""),
        address=data.get("address_string", "") or data.get("address_id", ""),
        latitude=data.get("lat"),
        longitude=data.get("long"),
        share_location=bool(data.get("lat")),
        name=name,
        phone=data.get("phone", ""),
        email=data.get("email", ""),
        source=Report.Source.OPEN311,
        external_ref=data.get("device_id", "") or data.get("account_id", ""),
    )
    device = data.get("device_id", "")
    try:
        duplicate = None if device else services.recent_duplicate(ward=ward, data=data_in)
        if duplicate is not None:
            report = duplicate
        else:
            # A known device's repeat is the same report; from an unknown device only a duplicate sent within minutes
            # and metres is (above), so two neighbours reporting the same pothole a week apart are two reports.
            token = f"{device}|{data_in.description}" if device else secrets.token_urlsafe(16)
            report, _created = services.report_submit(ward=ward, data=data_in, form_token=token)
    except ValidationError as error:
        messages = [f"{field}: {' '.join(errs)}" for field, errs in error.message_dict.items()]
        raise Open311Error(400, "; ".join(messages))
    row = {
        "service_request_id": report.tracking_code,
        "token": report.tracking_code,
        "service_notice": "",
        "account_id": None,
    }
    return _answer(fmt, [row], "service_requests", "request", status=201)


@endpoint
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    ward = _jurisdiction(request, request.GET)
    report = selectors.reports_readable(ward=ward).filter(tracking_code=request_id.upper()).first()
    if report is None:
        raise Open311Error(404, f"service_request_id {request_id} not found")
    return _answer(fmt, [_request_row(report)], "service_requests", "request")


@endpoint
def token_detail(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    ward = _jurisdiction(request, request.GET)
    # Only what anyone may read: a tip, a private report and no report at all answer alike, so a token says
    # nothing about a report it does not show.
    if not selectors.reports_readable(ward=ward).filter(tracking_code=token.upper()).exists():
        raise Open311Error(404, f"token {token} not found")
    return _answer(fmt, [{"service_request_id": token.upper(), "token": token.upper()}], "service_requests", "request")


urlpatterns = [
    path("discovery.<str:fmt>", discovery),
    path("services.<str:fmt>", services_list),
    path("services/<str:service_code>.<str:fmt>", service_definition),
    path("requests.<str:fmt>", requests_view),
    path("requests/<str:request_id>.<str:fmt>", request_detail),
    path("tokens/<str:token>.<str:fmt>", token_detail),
]
