"""Files a person chose, kept on the server for a while when their form comes back with an error, so they need
not choose and send them again: on a slow phone a photo takes many seconds to send, and an elderly resident may
not find it twice. Kept in the cache (shared by every worker, forgotten by itself), under the form's own random
token and a scope naming the form; only pictures that passed the form's check are kept, at most `limit` of them."""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile

KEEP_SECONDS = 2 * 3600
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
INDEX = re.compile(r"[0-9]{1,2}")


@dataclass
class Kept:
    index: int
    name: str
    size: int


def _key(scope: str, token: str) -> str | None:
    # The token comes from the form: anything but the shape the portal makes is not a place to keep files.
    return f"uploads:{scope}:{token}" if TOKEN.fullmatch(token or "") else None


def uploads_keep(
    *, scope: str, token: str, files: Iterable[UploadedFile], check: Callable[[UploadedFile], object], limit: int
) -> list[Kept]:
    """Keep the files that pass `check` (which raises ValidationError for one that does not), replacing what
    was kept before under this token; what was kept, for the form to list."""
    key = _key(scope, token)
    if key is None:
        return []
    kept: list[tuple[str, str, bytes]] = []
    for upload in files:
        if len(kept) >= limit:
            break
        try:
            upload.seek(0)
            check(upload)
            upload.seek(0)
            kept.append((upload.name or "image", upload.content_type or "", upload.read()))
        except ValidationError:
            continue
    if kept:
        cache.set(key, kept, KEEP_SECONDS)
    else:
        cache.delete(key)
    return [Kept(index, name, len(data)) for index, (name, _type, data) in enumerate(kept)]


def uploads_take(*, scope: str, token: str, chosen: Iterable[str]) -> list[UploadedFile]:
    """The kept files the person left ticked (their indexes, as the form sends them), as uploads again."""
    key = _key(scope, token)
    stored = (cache.get(key) if key else None) or []
    # Only the small ASCII numbers the form sends: "²".isdigit() is true and int() refuses it.
    indexes = {int(value) for value in chosen if INDEX.fullmatch(str(value))}
    return [
        SimpleUploadedFile(name, data, content_type=content_type)
        for index, (name, content_type, data) in enumerate(stored)
        if index in indexes
    ]


def uploads_forget(*, scope: str, token: str) -> None:
    key = _key(scope, token)
    if key:
        cache.delete(key)
