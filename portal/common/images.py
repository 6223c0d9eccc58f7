"""Pictures people upload: checked to be images, turned upright, shrunk, and re-encoded without metadata.

Re-encoding drops every EXIF tag, the location included; a caller that wants the location (a resident who chose
to share it) asks for it before it is dropped.
"""

import io
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 1600
GPS_IFD = 0x8825


@dataclass(frozen=True)
class PreparedImage:
    name: str
    content: bytes
    location: tuple[float, float] | None = None


def _degrees(value: tuple, ref: str) -> float:
    degrees, minutes, seconds = (float(part) for part in value)
    result = degrees + minutes / 60 + seconds / 3600
    return -result if ref in {"S", "W"} else result


def _gps(image: Image.Image) -> tuple[float, float] | None:
    try:
        gps = image.getexif().get_ifd(GPS_IFD)
        return round(_degrees(gps[2], gps[1]), 6), round(_degrees(gps[4], gps[3]), 6)
    except (KeyError, TypeError, ValueError, ZeroDivisionError, AttributeError):
        return None


def image_prepare(upload: UploadedFile, *, field: str, max_bytes: int, keep_location: bool = False) -> PreparedImage:
    name = upload.name or "image"
    if upload.size and upload.size > max_bytes:
        raise ValidationError(
            {
                field: [
                    _("“%(name)s” is too large (at most %(mb)d MB).") % {"name": name, "mb": max_bytes // (1024 * 1024)}
                ]
            }
        )
    try:
        probe = Image.open(upload)  # reads the header only: the size is known before anything is decoded
        if probe.width * probe.height > settings.IMAGE_MAX_PIXELS:
            raise ValidationError(
                {
                    field: [
                        _("“%(name)s” has too many pixels (at most %(mp)d megapixels).")
                        % {"name": name, "mp": settings.IMAGE_MAX_PIXELS // 1_000_000}
                    ]
                }
            )
        probe.verify()
        upload.seek(0)
        image = Image.open(upload)
        location = _gps(image) if keep_location else None
        image = ImageOps.exif_transpose(image)
        image.thumbnail((MAX_SIDE, MAX_SIDE))
        output = io.BytesIO()
        image.convert("RGB").save(output, "JPEG", quality=85, optimize=True)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError({field: [_("“%s” is not a picture (JPEG, PNG, WebP).") % name]})
    stem = name.rsplit(".", 1)[0][:80] or "image"
    return PreparedImage(f"{stem}.jpg", output.getvalue(), location)


SMALL_SIDE = 640


def small_version(field_file: Any, *, side: int = SMALL_SIDE) -> Any:
    """A phone-sized copy of a stored picture (`side` px at most, about 50–90 KB), made on first asking and kept
    beside it: a status page on a slow connection loads this, and the original only on a tap. None when the
    original cannot be read."""

    storage = field_file.storage
    name = f"{field_file.name}.{side}.jpg"
    if not storage.exists(name):
        try:
            with field_file.open("rb") as handle:
                image = Image.open(handle)
                image.thumbnail((side, side))
                output = io.BytesIO()
                image.convert("RGB").save(output, "JPEG", quality=72, optimize=True, progressive=True)
        except (FileNotFoundError, UnidentifiedImageError, OSError, ValueError):
            return None
        name = storage.save(name, ContentFile(output.getvalue()))
    return storage.open(name, "rb")
