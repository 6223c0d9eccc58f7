"""Charts drawn on the server as PNG (Pillow), with the repo's fonts so every Vietnamese letter draws the same on
any machine: a title, then one labelled bar per row. Used by the campaign results and the ward's report."""

import io
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

FONTS = Path(settings.BASE_DIR) / "portal" / "fonts"
GREEN, GREY, INK, MUTED, RED = (30, 125, 50), (228, 232, 236), (27, 31, 36), (91, 101, 112), (179, 38, 30)


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size)


def fit(draw: ImageDraw.ImageDraw, text: str, face: ImageFont.FreeTypeFont, width: float) -> str:
    """The text on one line (a name may hold a line break or a control character pasted from a chat), cut with
    "…" to the width it may take."""
    text = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    if draw.textlength(text, font=face) <= width:
        return text
    while text and draw.textlength(text + "…", font=face) > width:
        text = text[:-1]
    return text + "…"


def png(image: Image.Image) -> bytes:
    output = io.BytesIO()
    # A few flat colours and anti-aliased text: a 32-colour palette looks the same at a third of the bytes,
    # which a phone on a weak connection feels.
    image.quantize(colors=32, method=Image.Quantize.MEDIANCUT).save(output, "PNG", optimize=True)
    return output.getvalue()


def draw_bars(
    draw: ImageDraw.ImageDraw,
    rows: list[tuple[str, float, str]],
    *,
    top: int,
    row: int,
    width: int,
    face: ImageFont.FreeTypeFont,
    scale: float = 100.0,
    labels_above: bool = False,
) -> None:
    """One line per (label, value, text after the bar) from `top` down, `row` pixels apart: the label, a bar
    full at `scale`, the text. With `labels_above` the label takes the whole width over its bar, so a long name
    ("Quỹ Vì người nghèo năm 2026") is read whole rather than cut."""
    label_width = width - 80 if labels_above else int(width * 0.31)
    left, right = 40 if labels_above else 40 + label_width, width - 180
    for index, (label, value, shown) in enumerate(rows):
        y = top + index * row
        draw.text((40, y + row // 8), fit(draw, label, face, label_width - 10), font=face, fill=INK)
        bar = (y + row // 2, y + row * 7 // 8) if labels_above else (y + row // 5, y + row * 5 // 8)
        draw.rounded_rectangle((left, bar[0], right, bar[1]), radius=8, fill=GREY)
        share = max(0.0, min(float(value or 0) / scale, 1.0)) if scale else 0.0
        if share:
            draw.rounded_rectangle((left, bar[0], left + (right - left) * share, bar[1]), radius=8, fill=GREEN)
        draw.text(
            (right + 16, bar[0] if labels_above else y + row // 8), fit(draw, shown, face, 160), font=face, fill=INK
        )


def bars_png(
    title: str,
    rows: list[tuple[str, float, str]],
    *,
    width: int = 1080,
    scale: float = 100.0,
    labels_above: bool = False,
) -> bytes:
    """One bar per (label, value, text shown after the bar); a bar is full at `scale` (100 for a percentage)."""
    row, top = 96 if labels_above else 56, 110
    image = Image.new("RGB", (width, top + row * max(len(rows), 1) + 30), "white")
    draw = ImageDraw.Draw(image)
    heading, text = font(34, True), font(24)
    draw.rectangle((0, 0, width, 10), fill=RED)
    draw.text((40, 34), fit(draw, title, heading, width - 80), font=heading, fill=INK)
    draw_bars(draw, rows, top=top, row=row, width=width, face=text, scale=scale, labels_above=labels_above)
    if not rows:
        draw.text((40, top), "—", font=text, fill=MUTED)
    return png(image)
