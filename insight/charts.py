"""Server-side charts for generated documents: plain bar charts drawn with Pillow and the Noto CJK font.

Pillow is already a dependency; a bar chart with labelled values is all the annual report needs, so
matplotlib is not worth its weight here.
"""

import io
import math
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

FONT_PATH = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
BOLD_PATH = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
RED = (179, 18, 27)
GRID = (225, 225, 225)
TEXT = (40, 40, 40)
MUTED = (110, 110, 110)


@dataclass
class Bar:
    label: str
    value: float


def _font(size: int, bold: bool = False):
    try:
        return ImageFont.truetype(BOLD_PATH if bold else FONT_PATH, size)
    except OSError:  # a machine without Noto CJK: still a readable chart for the digits
        return ImageFont.load_default(size)


def _text_width(draw: ImageDraw.ImageDraw, text: str, font) -> float:
    return draw.textlength(text, font=font)


def _fit(draw, text: str, font, width: float) -> str:
    if _text_width(draw, text, font) <= width:
        return text
    while text and _text_width(draw, text + "…", font) > width:
        text = text[:-1]
    return text + "…"


def _nice_max(value: float) -> float:
    """The axis maximum: five equal ticks of a round step (1, 2, 2.5 or 5 times a power of ten)."""
    if value <= 0:
        return 1
    raw = value / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if raw <= m * magnitude)
    return step * 5


def bar_chart(title: str, bars: list[Bar], *, unit: str = "", width: int = 1600) -> bytes:
    """A horizontal bar chart as PNG: one row per bar, the value printed at the end of each bar."""
    row_h, top, bottom = 56, 110, 50
    height = top + bottom + row_h * max(len(bars), 1)
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    title_font, label_font, value_font = _font(40, bold=True), _font(30), _font(28)
    draw.text((40, 28), title, font=title_font, fill=TEXT)
    label_w = 420
    left, right = 40 + label_w + 20, width - 160
    peak = _nice_max(max((b.value for b in bars), default=0))
    for i in range(6):
        x = left + (right - left) * i / 5
        draw.line([(x, top - 10), (x, height - bottom + 10)], fill=GRID, width=2)
        tick = peak * i / 5
        label = f"{tick:g}"
        draw.text(
            (x - _text_width(draw, label, value_font) / 2, height - bottom + 12), label, font=value_font, fill=MUTED
        )
    if not bars:
        draw.text((left, top + 10), "—", font=label_font, fill=MUTED)
    for i, bar in enumerate(bars):
        y = top + i * row_h
        name = _fit(draw, bar.label, label_font, label_w)
        draw.text((40 + label_w - _text_width(draw, name, label_font), y + 8), name, font=label_font, fill=TEXT)
        length = (right - left) * (bar.value / peak) if peak else 0
        draw.rectangle([(left, y + 10), (left + max(length, 2), y + row_h - 10)], fill=RED)
        value = f"{bar.value:g}{unit}"
        draw.text((left + length + 12, y + 10), value, font=value_font, fill=TEXT)
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()
