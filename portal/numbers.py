"""Numbers as Vietnamese readers write them: a dot between thousands, a comma before decimals."""


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
