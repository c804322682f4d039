"""PNG export of a map's stored SVG, rasterised with resvg (``resvg-py``: a Rust renderer in a
self-contained wheel, so no Cairo or other system library is needed).

Labels need a system font: resvg finds the fonts installed on the machine (Debian's DejaVu or
Liberation, which Chromium's install brings); without any, lines and stations still draw. A big
map is scaled down to at most :data:`MAX_PIXELS` so one export cannot take the server's memory.
Rasterising takes about a second for the larger benchmark map, so the view caches the result per
drawn version of the map.
"""

from __future__ import annotations

import math
import re

import resvg_py

MAX_PIXELS = 8_000_000
_SIZE = re.compile(r'<svg\b[^>]*\bwidth="(\d+(?:\.\d+)?)"[^>]*\bheight="(\d+(?:\.\d+)?)"')


def svg_to_png(svg: str) -> bytes:
    """The drawing as PNG bytes on a white background, scaled down past :data:`MAX_PIXELS`."""
    match = _SIZE.search(svg)
    zoom = 1.0
    if match:
        width, height = float(match.group(1)), float(match.group(2))
        if width * height > MAX_PIXELS:
            zoom = math.sqrt(MAX_PIXELS / (width * height))
    return bytes(resvg_py.svg_to_bytes(svg_string=svg, background="#ffffff", zoom=zoom))
