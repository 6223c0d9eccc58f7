"""Numbers as Vietnamese readers write them: a dot between thousands, a comma before decimals."""

import re


def percent_of(part: int, whole: int) -> float | None:
    """part of whole in %, to one decimal; None when there is no whole to count against (no target, no one
    invited), which the pages show as "—"."""
    return round(part * 100 / whole, 1) if whole > 0 else None


def vn_number(value: object) -> str:
    """1234567 → "1.234.567"."""
    try:
        return f"{int(value):,}".replace(",", ".")  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return str(value)


def vn_percent(value: float | None) -> str:
    """102.34 → "102,3 %" (a no-break space, so the sign never wraps to a line of its own); nothing known → "—"."""
    if value is None:
        return "—"
    if -1000 < value < 1000:  # the usual case, and a progress page formats 2,000 of them: no grouping needed
        text = f"{float(value):.1f}"
        return (text[:-2] if text.endswith(".0") else text.replace(".", ",")) + "\u00a0%"
    whole = f"{float(value):,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{whole.removesuffix(',0')}\u00a0%"


def vn_money(value: object) -> str:
    """1234567 → "1.234.567 đ"."""
    return f"{vn_number(value)} đ"


# A whole number of đồng as people write it: "200000", "200.000", "200,000", "200 000", "200.000 đ". Groups of
# three after the first, one separator throughout, ASCII digits only ("²" and "①" are digits to Python's isdigit,
# and int() refuses them); a fraction of a đồng, a formula or mixed separators ("1,500.75") are not read at all.
_UNIT = re.compile(r"\s*(?:đồng|đ|vnđ|vnd|d)\.?$", re.IGNORECASE)
_PLAIN = re.compile(r"-?[0-9]{1,15}")
_GROUPED = re.compile(r"-?[1-9][0-9]{0,2}(?P<sep>[., \u00a0\u202f])[0-9]{3}(?:(?P=sep)[0-9]{3}){0,4}")


def parse_whole(text: str) -> int | None:
    """The number in a cell or a field, or None when it is empty; ValueError when it is not a whole number
    written one of the ways above."""
    text = (text or "").strip()
    if not text:
        return None
    body = _UNIT.sub("", text).strip()
    if _PLAIN.fullmatch(body):
        return int(body)
    if _GROUPED.fullmatch(body):
        return int(re.sub(r"[^0-9-]", "", body))
    raise ValueError(text)
