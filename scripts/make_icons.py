"""Draw the app icons for the web app manifest and iOS from the design of assets/favicon.svg.

Run once after the mark changes, and commit the PNG files:
    .venv/bin/python scripts/make_icons.py

favicon.svg is a 64x64 rounded square in the brand colour with three white lines (the last one
shorter), 6 units thick with round caps. Pillow draws the same mark with primitives, 4x larger
than needed and scaled down, so the edges are smooth.

  icon-192.png, icon-512.png                 purpose "any": the rounded square, corners transparent
  icon-maskable-192.png, icon-maskable-512.png  purpose "maskable": the colour to the edges, the
      lines smaller so that they stay inside the safe zone (a circle of 80 % of the width) whatever
      shape the launcher cuts out
  apple-touch-icon.png (180)                 iOS rounds the corners itself and shows transparency
      as black: a full square, no alpha channel
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

ASSETS = Path(__file__).resolve().parent.parent / "assets"
BRAND = (0x1F, 0x4E, 0x5F)
WHITE = (255, 255, 255)
SUPERSAMPLE = 4
PALETTE = 64  # colours in each PNG
# The mark in favicon.svg's 64-unit box: rounded-square radius, line thickness, each line's ends.
BOX, CORNER, STROKE = 64, 14, 6
LINES = (((18, 20), (46, 20)), ((18, 32), (46, 32)), ((18, 44), (36, 44)))
# Maskable: the lines scaled about the centre; their farthest point ends up at ~54 % of the half
# width, well inside the 80 % safe zone.
MASKABLE_LINE_SCALE = 0.8
# Apple: a full square leaves more room than the favicon's rounded one; slightly smaller lines.
APPLE_LINE_SCALE = 0.9


def _draw(size: int, *, rounded: bool, line_scale: float) -> Image.Image:
    big = size * SUPERSAMPLE
    unit = big / BOX
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if rounded:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=CORNER * unit, fill=BRAND)
    else:
        draw.rectangle((0, 0, big - 1, big - 1), fill=BRAND)
    centre = BOX / 2
    half = STROKE / 2 * line_scale * unit
    for (x1, y1), (x2, y2) in LINES:
        # A line with round caps is a rounded rectangle as tall as the stroke.
        left = (centre + (x1 - centre) * line_scale) * unit
        right = (centre + (x2 - centre) * line_scale) * unit
        middle = (centre + (y1 - centre) * line_scale) * unit
        draw.rounded_rectangle((left - half, middle - half, right + half, middle + half), radius=half, fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def farthest_line_point(line_scale: float) -> float:
    """How far the lines reach from the centre, as a share of half the icon's width."""
    centre = BOX / 2
    reach = 0.0
    for (x1, y1), (x2, y2) in LINES:
        for x, y in ((x1, y1), (x2, y2)):
            # the round cap adds half a stroke in every direction
            distance = math.hypot(x - centre, y - centre) + STROKE / 2
            reach = max(reach, distance * line_scale)
    return reach / centre


def _save(image: Image.Image, name: str) -> None:
    """As a 64-colour palette PNG: two colours and their smoothed edges look the same as full colour
    at a third of the bytes (the 192 icon is fetched on every first load, for the install prompt)."""
    method = Image.Quantize.FASTOCTREE if image.mode == "RGBA" else Image.Quantize.MEDIANCUT
    image.quantize(colors=PALETTE, method=method).save(ASSETS / name, optimize=True)


def main() -> None:
    assert farthest_line_point(MASKABLE_LINE_SCALE) < 0.8, "the maskable mark leaves the safe zone"
    for size in (192, 512):
        _save(_draw(size, rounded=True, line_scale=1.0), f"icon-{size}.png")
        _save(_draw(size, rounded=False, line_scale=MASKABLE_LINE_SCALE).convert("RGB"), f"icon-maskable-{size}.png")
    _save(_draw(180, rounded=False, line_scale=APPLE_LINE_SCALE).convert("RGB"), "apple-touch-icon.png")
    for name in ("icon-192", "icon-512", "icon-maskable-192", "icon-maskable-512", "apple-touch-icon"):
        print(f"wrote assets/{name}.png")


if __name__ == "__main__":
    main()
