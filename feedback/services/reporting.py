"""A resident's report coming in: from the web form, the API, Open311 or a Zalo message; checked, kept once (a form
sent twice is one report), with its photos."""

import hashlib
import math
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.codes import new_tracking_code
from feedback.models import Category, Report, ReportEvent, ReportPhoto
from feedback.services.base import S, deadlines
from feedback.services.messages import reporter_notify
from groups.models import Member, ResidentialGroup, Ward
from groups.services.rollups import ward_day_add
from portal.common.images import PreparedImage, image_prepare
from portal.common.phones import normalize_phone
from portal.common.text import clean_multiline, clean_text, fold, normalize_spaces
from portal.common.web import int_or_none


@dataclass
class ReportData:
    category: str
    description: str
    group_id: int | None = None
    address: str = ""
    latitude: str | float | None = None
    longitude: str | float | None = None
    share_location: bool = False
    name: str = ""
    phone: str = ""
    email: str = ""
    # True: the reporter asked not to be known (the web form's box). None: decided by report_clean's one rule.
    anonymous: bool | None = None
    public: bool = True
    source: str = Report.Source.WEB
    external_ref: str = ""


def coordinate(value: Any, low: int, high: int) -> Decimal | None:
    """A latitude (±90) or longitude (±180) to six places, or None for anything else: NaN, infinity, text."""
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
        if not number.is_finite() or not low <= number <= high:
            return None
        return number.quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        return None


def report_clean(*, ward: Ward, data: ReportData) -> tuple[dict[str, Any], ResidentialGroup | None]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    description = clean_multiline(data.description)
    if len(description) < 10:
        add("description", _("Please describe what happened (at least 10 characters)."))
    elif len(description) > 5000:
        add("description", _("The description is at most 5,000 characters."))
    if data.category not in Category.values:
        add("category", _("Please choose what the report is about."))
    group = None
    if data.group_id not in (None, ""):
        group_id = int_or_none(data.group_id)
        group = ResidentialGroup.objects.filter(pk=group_id, ward=ward, is_active=True).first() if group_id else None
        if group is None:
            add("group_id", _("Please choose a residential group of this ward."))
    phone = ""
    if data.phone.strip():
        try:
            phone = normalize_phone(data.phone)
        except ValidationError:
            add("phone", _("This is not a valid Vietnamese phone number."))
    email = data.email.strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            add("email", _("This is not a valid email address."))
    name = normalize_spaces(data.name)
    # One rule for every way a report comes in (the form, a call recorded by staff, the API, Open311): anonymous
    # when the reporter asked for it, or when nothing in the report says who they are.
    anonymous = bool(data.anonymous) or not (name or phone or email)
    if not data.anonymous and data.source == Report.Source.WEB:
        # The error goes on the field that is missing, not on one that was filled in right.
        if not name:
            add("name", _("Please give your name, or choose to report anonymously."))
        if not (phone or email) and "phone" not in errors and "email" not in errors:
            add(
                "phone",
                _(
                    "Please give a phone number or an email so the ward can answer you, or choose to report anonymously."
                ),
            )
    if errors:
        raise ValidationError(errors)
    confidential = data.category == Category.TIP
    latitude = coordinate(data.latitude, -90, 90) if data.share_location else None
    longitude = coordinate(data.longitude, -180, 180) if data.share_location else None
    if latitude is None or longitude is None:
        latitude = longitude = None  # half a position is no position
    values = {
        "category": data.category,
        "description": description,
        "address": normalize_spaces(data.address)[:300],
        "latitude": latitude,
        "longitude": longitude,
        "reporter_name": "" if anonymous else name[:200],
        "reporter_phone": "" if anonymous else phone,
        "reporter_email": "" if anonymous else email,
        "is_anonymous": anonymous,
        "is_confidential": confidential,
        # A tip is never on a public page; anything else only if the reporter allows it.
        "is_public": data.public and not confidential,
        "source": data.source,
        "external_ref": clean_text(data.external_ref)[:128],
    }
    return values, group


def _submission_key(ward: Ward, values: dict[str, Any], token: str) -> str:
    """The form's one-time token, or what the report says: a double tap sends both twice, and is one report."""
    basis = token or "|".join(str(values[k]) for k in ("category", "description", "reporter_phone", "reporter_email"))
    return hashlib.sha256(f"{ward.pk}|{basis}".encode()).hexdigest()


def report_submit(
    *,
    ward: Ward,
    data: ReportData,
    photos: Iterable[UploadedFile] = (),
    form_token: str = "",
    recorded_by: Any = None,
) -> tuple[Report, bool]:
    """File a report. Returns (report, created); a repeat of the same submission returns the first report."""
    values, group = report_clean(ward=ward, data=data)
    photos = list(photos)
    if len(photos) > settings.REPORT_MAX_PHOTOS:
        raise ValidationError({"photos": [_("At most %d photos.") % settings.REPORT_MAX_PHOTOS]})
    prepared: list[PreparedImage] = [
        image_prepare(p, field="photos", max_bytes=settings.REPORT_MAX_PHOTO_BYTES, keep_location=data.share_location)
        for p in photos
    ]
    if data.share_location and values["latitude"] is None:
        located = next((p.location for p in prepared if p.location), None)
        if located:
            values["latitude"], values["longitude"] = (Decimal(str(c)) for c in located)
    key = _submission_key(ward, values, form_token)
    # A repeat is caught by the unique submission key when it is inserted (below), not by a look-up first:
    # one query less on every report, and no window between the look and the insert.
    now = timezone.now()
    accept_due, resolve_due = deadlines(ward_id=ward.pk, start=now, priority=Report.Priority.NORMAL)
    search_text = fold(f"{values['description']} {values['address']}")
    for _attempt in range(5):
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    ward=ward,
                    group=group,
                    tracking_code=new_tracking_code(now),
                    submission_key=key,
                    search_text=search_text,
                    accept_due_at=accept_due,
                    resolve_due_at=resolve_due,
                    recorded_by=recorded_by if getattr(recorded_by, "is_authenticated", False) else None,
                    **values,
                )
                event = ReportEvent.objects.create(
                    report=report,
                    kind=ReportEvent.Kind.CREATED,
                    is_public=True,
                    to_status=S.NEW,
                    actor=report.recorded_by,
                )
                _photos_store(report, event, prepared)
                ward_day_add(ward.pk, timezone.localdate(now), reports_received=1)
                if report.source != Report.Source.ZALO_OA:
                    reporter_notify(report, "received")
            return report, True
        except IntegrityError:
            existing = Report.objects.filter(submission_key=key).first()
            if existing is not None:
                return existing, False  # the duplicate request won the race
    raise RuntimeError("could not allocate a tracking code")


DUPLICATE_WINDOW = timedelta(minutes=10)


DUPLICATE_METRES = 50


def recent_duplicate(*, ward: Ward, data: ReportData, now: datetime | None = None) -> Report | None:
    """The same report sent again by an app that gives no device id: the same text in the same category within
    10 minutes and 50 metres (or at the same address when neither has a position)."""
    values, _group = report_clean(ward=ward, data=data)
    since = (now or timezone.now()) - DUPLICATE_WINDOW
    candidates = Report.objects.filter(
        ward=ward,
        source=values["source"],
        category=values["category"],
        description=values["description"],
        created_at__gte=since,
    ).order_by("-id")[:20]
    for candidate in candidates:
        if values["latitude"] is not None and candidate.latitude is not None:
            if distance_metres(values["latitude"], values["longitude"], candidate.latitude, candidate.longitude) <= (
                DUPLICATE_METRES
            ):
                return candidate
        elif values["latitude"] is None and candidate.latitude is None and values["address"] == candidate.address:
            return candidate
    return None


def distance_metres(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> float:
    """Great-circle distance (haversine); plenty precise at the scale of a street."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def report_from_zalo_message(*, ward: Ward, zalo_user_id: str, message_id: str, text: str) -> tuple[Report, bool]:
    """A follower's message to the ward's Zalo OA becomes a report; Zalo retries webhooks, so the message id makes
    a repeat the same report."""

    member = Member.objects.filter(ward=ward, zalo_user_id=zalo_user_id).first() if zalo_user_id else None
    data = ReportData(
        category=Category.OTHER,
        description=text,
        name=member.full_name if member else "",
        phone=member.phone if member else "",
        anonymous=member is None,
        public=False,  # the resident did not choose to publish; staff may ask
        source=Report.Source.ZALO_OA,
        external_ref=message_id,
    )
    report, created = report_submit(ward=ward, data=data, form_token=f"zalo:{message_id}")
    if created and zalo_user_id:
        with transaction.atomic():
            Report.objects.filter(pk=report.pk).update(reporter_zalo_id=zalo_user_id)
            report.reporter_zalo_id = zalo_user_id
            reporter_notify(report, "received")
    return report, created


def _photos_store(report: Report, event: ReportEvent, images: list[PreparedImage]) -> None:
    for image in images:
        photo = ReportPhoto(report=report, event=event)
        # A random name, never the phone's: "Nguyen-Van-A-selfie.jpg" would name a tipster to everyone who
        # opens the report.
        photo.image.save(f"{secrets.token_urlsafe(18)}.jpg", ContentFile(image.content), save=False)
        photo.save()
