"""Fitting text into a box: wrap on words, shrink from ``size`` down to
``min_size``, and report failure instead of cutting or overflowing.

Sizes are in the box's units (points for PDFs, pixels for images); both
renderers use the same font files and metrics (fonts.string_width).

Policy: text is never truncated, ellipsised, clipped or drawn outside its
box. When it cannot fit at ``min_size``, the renderer raises TextDoesNotFit
naming what the partner should shorten; admins see the same problem ahead
of time through ``check_fit`` on the preview.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from assets.rendering.fonts import _reportlab_font, string_width

#: Sizes tried are multiples of this step (points or pixels).
SIZE_STEP = 0.25


@dataclass(frozen=True)
class FittedText:
    """Wrapped lines at the chosen size; lengths in the box's units."""

    size: float
    lines: tuple[str, ...]
    ascent: float  # above the first baseline
    descent: float  # below the last baseline
    pitch: float  # baseline-to-baseline distance

    @property
    def height(self) -> float:
        if not self.lines:
            return 0.0
        return (len(self.lines) - 1) * self.pitch + self.ascent + self.descent


@cache
def _metrics(font: str) -> tuple[float, float]:
    """(ascent, descent) per unit of font size, from the font file."""
    face = _reportlab_font(font).face
    return face.ascent / 1000, abs(face.descent) / 1000


def _wrap(text: str, font: str, size: float, width: float) -> list[str] | None:
    """Greedy word wrap; None when a single word is wider than the box."""
    lines: list[str] = []
    space = string_width(" ", font, size)
    for paragraph in text.split("\n"):
        words = paragraph.split()
        if not words:
            if lines:
                lines.append("")
            continue
        current, current_width = words[0], string_width(words[0], font, size)
        if current_width > width:
            return None
        for word in words[1:]:
            word_width = string_width(word, font, size)
            if word_width > width:
                return None
            if current_width + space + word_width <= width:
                current += " " + word
                current_width += space + word_width
            else:
                lines.append(current)
                current, current_width = word, word_width
        lines.append(current)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _attempt(text, font, size, width, height, line_height) -> FittedText | None:
    lines = _wrap(text, font, size, width)
    if lines is None:
        return None
    ascent, descent = _metrics(font)
    fitted = FittedText(
        size=size,
        lines=tuple(lines),
        ascent=ascent * size,
        descent=descent * size,
        pitch=size * line_height,
    )
    return fitted if fitted.height <= height + 1e-6 else None


def fit_text(
    text: str,
    *,
    font: str,
    width: float,
    height: float,
    size: float,
    min_size: float,
    line_height: float = 1.2,
) -> FittedText | None:
    """The largest size in [min_size, size] at which ``text`` fits the box
    when wrapped on words, with its lines; None when even min_size fails."""
    text = text.strip()
    best = _attempt(text, font, size, width, height, line_height)
    if best is not None:
        return best
    # Fitting is monotonic in size, so bisect over the size steps between
    # min_size (known to fit, else give up) and size (known not to fit).
    smallest = _attempt(text, font, min_size, width, height, line_height)
    if smallest is None:
        return None
    fits, fails = smallest, size
    while fails - fits.size > SIZE_STEP:
        middle = round((fits.size + fails) / 2 / SIZE_STEP) * SIZE_STEP
        if middle <= fits.size or middle >= fails:
            break
        attempt = _attempt(text, font, middle, width, height, line_height)
        if attempt is None:
            fails = middle
        else:
            fits = attempt
    return fits
