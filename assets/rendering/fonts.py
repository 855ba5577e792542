"""Fonts allowed in layout zones.

The font files ship with the package (DejaVu, see fonts/LICENSE.txt), so a
rendering never depends on what happens to be installed on the machine, and
the PDF overlay (reportlab) and the image overlay (Pillow) use identical
metrics.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

FONT_DIR = Path(__file__).with_name("fonts")

#: Zone font name -> file in FONT_DIR.
FONT_FILES: dict[str, str] = {
    "sans": "DejaVuSans.ttf",
    "sans-bold": "DejaVuSans-Bold.ttf",
    "serif": "DejaVuSerif.ttf",
    "serif-bold": "DejaVuSerif-Bold.ttf",
}
DEFAULT_FONT = "sans"


def font_path(name: str) -> Path:
    """The file of an allowed font (unknown names fall back to the default)."""
    return FONT_DIR / FONT_FILES.get(name, FONT_FILES[DEFAULT_FONT])


@cache
def _reportlab_font(name: str):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    registered = f"Cobrand-{name if name in FONT_FILES else DEFAULT_FONT}"
    if registered not in pdfmetrics.getRegisteredFontNames():
        # asciiReadable off: subsets hold only the glyphs drawn, not all of ASCII.
        # (reportlab shares one font object per face: if other code registered
        # the same file first, its object and settings are used.)
        pdfmetrics.registerFont(TTFont(registered, str(font_path(name)), asciiReadable=False))
    return pdfmetrics.getFont(registered)


def reportlab_font_name(name: str) -> str:
    """Register the font with reportlab once and return its registered name."""
    return _reportlab_font(name).fontName


def string_width(text: str, name: str, size: float) -> float:
    """Width of ``text`` in points at ``size`` (same metrics for PDF and images)."""
    return _reportlab_font(name).stringWidth(text, size)


def missing_glyphs(text: str, name: str) -> set[str]:
    """Characters of ``text`` that the font cannot draw (ignoring whitespace)."""
    cmap = _reportlab_font(name).face.charToGlyph
    return {ch for ch in text if not ch.isspace() and ord(ch) not in cmap}
