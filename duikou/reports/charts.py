"""The summary's charts as PNG images drawn on the server with Pillow (already a dependency):
horizontal bars with their values, the dashboard's kind of chart without a browser.

Needs a CJK font (fonts-noto-cjk); without one the charts are left out, with a note.
"""

from __future__ import annotations

import io
from pathlib import Path

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
)
BAR = (64, 110, 170)
INK = (40, 40, 40)
GRID = (220, 220, 220)


def font_path() -> str | None:
    return next((p for p in FONT_CANDIDATES if Path(p).exists()), None)


def _value_text(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{int(value):,}"


def bar_png(title: str, labels: list[str], values: list[float]) -> bytes | None:
    """A horizontal bar chart, 1600 px wide (printed 15 cm: ~270 dpi); None without a font."""
    from PIL import Image, ImageDraw, ImageFont

    path = font_path()
    if path is None or not labels:
        return None
    font = ImageFont.truetype(path, 30)
    title_font = ImageFont.truetype(path, 36)
    row, top, left, right = 64, 100, 300, 220
    width = 1600
    height = top + row * len(labels) + 40
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    draw.text((width // 2, 30), title, font=title_font, fill=INK, anchor="mt")
    span = width - left - right
    top_value = max(max(values), 0) or 1
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + i * row
        draw.text((left - 16, y + row // 2), label, font=font, fill=INK, anchor="rm")
        length = int(span * max(value, 0) / top_value)
        draw.rectangle((left, y + 12, left + max(length, 2), y + row - 12), fill=BAR)
        draw.text(
            (left + length + 12, y + row // 2), _value_text(value), font=font, fill=INK, anchor="lm"
        )
    draw.line((left, top, left, height - 40), fill=GRID, width=2)
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True)
    return buf.getvalue()
