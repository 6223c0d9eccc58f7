"""The groups' lines of a campaign's progress, written in Python: the same markup a template loop would give,
at a tenth of its cost, so a ward of 2,000 groups gets its page in a few milliseconds."""

import html

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from campaigns.selectors import Progress
from portal.common.numbers import percent_of, vn_percent

register = template.Library()


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


@register.simple_tag
def group_rows(progress: Progress, unit: str) -> SafeString:
    if not progress.groups:
        return mark_safe(f'<li class="muted">{html.escape(_("No groups yet."))}</li>')  # escaped
    households = _("%(n)s/%(total)s households")
    unit = html.escape(unit)
    lines = []
    append = lines.append
    for g in progress.groups:
        # Formatted here rather than through the properties and filters: this loop is most of the page's cost.
        percent = percent_of(g.amount, g.target)
        name = html.escape(g.name)
        mine = ' class="mine"' if g.mine else ""
        rank = f"{g.rank}. " if g.rank else ""
        reach = households % {"n": _number(g.households), "total": _number(g.households_total)}
        if g.households_total:
            reach += f" ({vn_percent(percent_of(g.households, g.households_total))})"
        append(
            f'<li{mine} data-group="{name}"><span class="line"><strong>{rank}{name}</strong> '
            f"<strong>{vn_percent(percent)}</strong></span>"
            f'<span class="bar" aria-hidden="true"><span style="width:{min(percent or 0.0, 100.0):.1f}%"></span></span>'
            f'<small class="muted">{_number(g.amount)} / {_number(g.target)} {unit} · {reach}</small></li>'
        )
    return mark_safe("".join(lines))  # every value above is escaped or a number we formatted
