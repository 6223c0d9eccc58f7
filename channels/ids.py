"""Provider request ids: built and read here only.

A message sent on its own goes under its delivery's id (`d123`); messages sent together under an id built from
their batch (`B-<announcement>.<channel>.<batch number>.<attempt>-<group>-<offset>`), and the parts of a refused
bulk request narrowed down by halves add `.0` or `.1`. A delivery report names the request id, and `parse`
tells from it which delivery or which batch it is about.
"""

import re
from dataclasses import dataclass

# ASCII digits only, and few enough to fit a bigint: str.isdigit() also takes "²" and "٣", which int() refuses.
_SINGLE = re.compile(r"d([0-9]{1,18})")
_BULK = re.compile(r"B-([0-9]{1,18})\.([a-z_]{1,20})\.([0-9]{1,9})\.[0-9]{1,9}-[0-9.-]{1,40}")


def single_id(delivery_id: int) -> str:
    return f"d{delivery_id}"


def batch_key(announcement_id: int | None, kind: str, number: int, attempt: int) -> str:
    """A batch's name in logs and bulk ids; `p` for a personal message's batch, whose one message goes alone
    under its delivery's id."""
    return f"{'p' if announcement_id is None else announcement_id}.{kind}.{number}.{attempt}"


def bulk_id(key: str, group: int, offset: int) -> str:
    return f"B-{key}-{group}-{offset}"


def half_id(request_id: str, half: int) -> str:
    return f"{request_id}.{half}"


def is_bulk(request_id: str) -> bool:
    return request_id.startswith("B-")


@dataclass(frozen=True)
class Parsed:
    delivery_id: int | None = None
    announcement_id: int | None = None
    kind: str = ""
    batch: int | None = None


def parse(request_id: str) -> Parsed:
    """What a request id names; nothing for an id this portal did not make."""
    single = _SINGLE.fullmatch(request_id)
    if single:
        return Parsed(delivery_id=int(single[1]))
    bulk = _BULK.fullmatch(request_id)
    if bulk:
        return Parsed(announcement_id=int(bulk[1]), kind=bulk[2], batch=int(bulk[3]))
    return Parsed()
