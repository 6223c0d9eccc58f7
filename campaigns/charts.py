"""A campaign's progress as a picture (PNG, drawn on the server with Pillow): the ward's bar, then each group's,
for a results announcement on Zalo or Facebook and for the public page. Fonts come from the repo, so every
Vietnamese letter draws the same on any machine."""

from django.utils.translation import gettext as _
from PIL import Image, ImageDraw

from campaigns.selectors import Progress
from portal.common.charts import GREEN, GREY, INK, MUTED, RED, draw_bars, png
from portal.common.charts import fit as _fit
from portal.common.charts import font as _font
from portal.common.numbers import vn_number, vn_percent

WIDTH = 1080  # Zalo and Facebook show a post's picture at this width
MAX_GROUPS = 20  # more would not read on a phone; the page lists them all


def progress_chart_png(progress: Progress) -> bytes:
    campaign = progress.campaign
    groups = sorted(progress.groups, key=lambda g: (g.rank is None, g.rank or 0, -(g.percent or 0), g.name))
    shown = groups[:MAX_GROUPS]
    row, top = 64, 250
    height = top + row * len(shown) + (60 if len(groups) > len(shown) else 30)
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    title, big, text, small = _font(40, True), _font(34, True), _font(26), _font(22)
    draw.rectangle((0, 0, WIDTH, 12), fill=RED)
    draw.text((40, 36), _fit(draw, campaign.name, title, WIDTH - 80), font=title, fill=INK)
    unit = campaign.unit_name
    figure = f"{vn_number(progress.amount)} {unit} / {vn_number(progress.target)} {unit}"
    draw.text((40, 100), figure, font=big, fill=INK)
    percent = vn_percent(progress.percent)
    draw.text((WIDTH - 40 - draw.textlength(percent, font=big), 100), percent, font=big, fill=GREEN)
    draw.rounded_rectangle((40, 156, WIDTH - 40, 180), radius=12, fill=GREY)
    if progress.bar:
        draw.rounded_rectangle((40, 156, 40 + (WIDTH - 80) * progress.bar / 100, 180), radius=12, fill=GREEN)
    households = _("%(n)s of %(total)s households took part") % {
        "n": vn_number(progress.households),
        "total": vn_number(progress.households_total),
    }
    draw.text((40, 192), households, font=small, fill=MUTED)
    draw_bars(
        draw,
        [((f"{g.rank}. " if g.rank else "") + g.name, g.bar, vn_percent(g.percent)) for g in shown],
        top=top,
        row=row,
        width=WIDTH,
        face=text,
    )
    if len(groups) > len(shown):
        more = _("and %(n)s more groups on the campaign's page") % {"n": vn_number(len(groups) - len(shown))}
        draw.text((40, top + row * len(shown) + 10), more, font=small, fill=MUTED)
    return png(image)
