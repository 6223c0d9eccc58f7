"""Which channel a message to a person goes on, and to which of their addresses. One table, ROUTES, from which are
built both the SQL the fan-out inserts its deliveries with (the kind each person gets, the address it goes to) and
the Python choice for a personal message: the four used to be written out separately and disagreed.

A route pairs the channel a person agrees to and may prefer (ContactChannel, stored on the person) with the kind
the message travels as (ChannelKind): a person agrees to "Zalo", the message goes through the ward's Zalo
Official Account. Only here are the two words mapped to each other."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from channels.kinds import ChannelKind, ContactChannel


@dataclass(frozen=True)
class Route:
    kind: str  # ChannelKind: how the message travels
    contact: str  # ContactChannel: what the person agreed to, and may have chosen as preferred
    consent: str  # the person's column that holds their agreement
    address: str  # the person's column the message goes to
    # The column used when `address` is empty, in a fan-out: a Zalo message to someone who never wrote to the
    # ward's Official Account goes to their phone number, as ZNS. A personal message does not take it (ZNS needs a
    # template approved for each text; such a person gets an SMS instead).
    fallback: str = ""


# In the order a person who prefers none of them is tried: Zalo (free), then SMS, then email.
ROUTES = (
    Route(ChannelKind.ZALO_OA, ContactChannel.ZALO, "consent_zalo", "zalo_user_id", fallback="phone"),
    Route(ChannelKind.SMS, ContactChannel.SMS, "consent_sms", "phone"),
    Route(ChannelKind.EMAIL, ContactChannel.EMAIL, "consent_email", "email"),
)
PERSONAL_KINDS = [route.kind for route in ROUTES]


def kind_for(contact: str) -> str:
    """The kind a message travels as to someone who chose this contact channel ("zalo" → "zalo_oa")."""
    return next((route.kind for route in ROUTES if route.contact == contact), "")


def _reachable_sql(route: Route, person: str) -> str:
    columns = [route.address, route.fallback] if route.fallback else [route.address]
    return "(" + " OR ".join(f"{person}.{column} <> ''" for column in columns) + ")"


def kind_sql(person: str, chosen: Iterable[str]) -> str:
    """SQL for the one kind the person (a table alias of groups_member) gets a message on, among the kinds the
    message uses: the channel they prefer if they agreed to it and can be reached on it, else the first in ROUTES'
    order that they agreed to and can be reached on; '' when none."""
    chosen = set(chosen)
    usable = {
        route.kind: f"({person}.{route.consent} AND {_reachable_sql(route, person)})"
        for route in ROUTES
        if route.kind in chosen
    }
    if not usable:
        return "''"
    preferred = [
        f"WHEN {person}.preferred_channel = '{route.contact}' AND {usable[route.kind]} THEN '{route.kind}'"
        for route in ROUTES
        if route.kind in usable
    ]
    first = [f"WHEN {usable[route.kind]} THEN '{route.kind}'" for route in ROUTES if route.kind in usable]
    return "CASE " + " ".join(preferred + first) + " ELSE '' END"


def address_sql(kind: str, person: str) -> str:
    """SQL for where a message of this kind (an SQL expression) goes, from the person's row (a table alias)."""
    whens = []
    for route in ROUTES:
        address = f"{person}.{route.address}"
        if route.fallback:
            address = f"CASE WHEN {address} <> '' THEN {address} ELSE {person}.{route.fallback} END"
        whens.append(f"WHEN '{route.kind}' THEN {address}")
    return f"CASE {kind} " + " ".join(whens) + " ELSE '' END"


def personal_route(addresses: dict[str, str], usable: Callable[[str], bool]) -> tuple[str, str] | None:
    """(kind, address) of a personal message to someone with these addresses (by column: zalo_user_id, phone,
    email): the first route whose own address they have and whose channel can send now; None when none."""
    for route in ROUTES:
        address = addresses.get(route.address, "")
        if address and usable(route.kind):
            return route.kind, address
    return None
