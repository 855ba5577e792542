"""Worst-case checks of a layout: what would go wrong on a base PDF or
image for a given set of render contexts (real partners at the extremes,
synthetic extremes), found without stamping anything.

Each check looks at one thing:
- text that does not fit its zone even at the zone's minimum size;
- a logo drawn smaller than a minimum size (its longer side, in mm);
- a zone placed over text or drawings of the base page (the base is
  rendered without the overlay and the zone's area inspected);
- text whose colour is below WCAG AA contrast against what lies under it.

Plain inputs, plain results: no Django, no database.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from PIL import Image

from assets.rendering.brand import Brand, Logo, RenderContext
from assets.rendering.errors import RenderError, TextDoesNotFit
from assets.rendering.images import load_base_image
from assets.rendering.layout import Zone, parse_zones, validate_layout
from assets.rendering.pdf_images import fit_box
from assets.rendering.variables import fill_text
from assets.rendering.zones import MM, fit_zone

#: Pixels per millimetre at which base PDF pages are inspected.
PDF_PX_PER_MM = 4
#: A zone "covers" the base when more than this share of its area differs
#: from the area's dominant colour.
COVER_SHARE = 0.002
#: How far (0-255, any channel) a pixel may be from the dominant colour and
#: still count as background (anti-aliasing of flat fills, JPEG noise).
COVER_TOLERANCE = 40
#: WCAG 2.x AA: normal text, and large text (18 pt, or 14 pt bold).
AA_NORMAL, AA_LARGE = 4.5, 3.0
_HEX = re.compile(r"^#([0-9a-f]{6})$")


@dataclass(frozen=True)
class CaseProblem:
    """One problem: the zone it concerns, the case it appears in (a
    partner's or a synthetic case's name; empty when it concerns every
    case) and what is wrong, for the admin."""

    zone: str
    case: str
    message: str


def relative_luminance(color: str) -> float:
    """WCAG relative luminance of '#rrggbb'."""
    match = _HEX.match(color.lower())
    if not match:
        raise ValueError(f"not a #rrggbb colour: {color!r}")
    value = int(match.group(1), 16)
    channels = ((value >> 16) & 255, (value >> 8) & 255, value & 255)

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two '#rrggbb' colours, 1 to 21."""
    a, b = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def zone_name(zone: Zone, raw: dict) -> str:
    label = str(raw.get("label") or "").strip()
    return f"{zone.title} “{label}”" if label else zone.title


class BaseSurface:
    """The base file's pages as pictures, rendered once each, and zone
    boxes in their pixels. ``kind`` is "pdf" (boxes in mm) or "image"
    (boxes in pixels)."""

    def __init__(self, data: bytes, *, kind: str):
        self.data, self.kind = data, kind
        self._pages: dict[int, Image.Image] = {}

    @cached_property
    def page_count(self) -> int:
        if self.kind != "pdf":
            return 1
        import pypdfium2

        from assets.rendering.previews import _PDFIUM_LOCK

        with _PDFIUM_LOCK:
            document = pypdfium2.PdfDocument(self.data)
            try:
                return len(document)
            finally:
                document.close()

    @property
    def scale(self) -> float:
        """Pixels per box unit."""
        return PDF_PX_PER_MM if self.kind == "pdf" else 1.0

    def page(self, index: int) -> Image.Image:
        if index not in self._pages:
            self._pages[index] = self._render(index)
        return self._pages[index]

    def _render(self, index: int) -> Image.Image:
        if self.kind != "pdf":
            image = load_base_image(self.data)
        else:
            import pypdfium2

            from assets.rendering.previews import _PDFIUM_LOCK

            with _PDFIUM_LOCK:
                document = pypdfium2.PdfDocument(self.data)
                try:
                    # pdfium's scale is pixels per point.
                    bitmap = document[index].render(scale=PDF_PX_PER_MM / MM)
                    image = bitmap.to_pil()
                finally:
                    document.close()
        if image.mode in ("RGBA", "LA", "P"):
            image = image.convert("RGBA")
            white = Image.new("RGBA", image.size, (255, 255, 255, 255))
            image = Image.alpha_composite(white, image)
        return image.convert("RGB")

    def pages_of(self, zone: Zone) -> list[int]:
        if self.kind != "pdf":
            return [0]
        return [i for i in range(self.page_count) if zone.on_page(i)]

    def area(self, zone: Zone, index: int) -> Image.Image | None:
        """The part of page ``index`` under the zone, None when outside."""
        page, s, box = self.page(index), self.scale, zone.box
        left, top = max(0, round(box.x * s)), max(0, round(box.y * s))
        right = min(page.width, round((box.x + box.width) * s))
        bottom = min(page.height, round((box.y + box.height) * s))
        if right - left < 1 or bottom - top < 1:
            return None
        return page.crop((left, top, right, bottom))


def _dominant(area: Image.Image) -> tuple[int, int, int]:
    """The most common colour of an area (counted on a reduced copy)."""
    small = area if area.width * area.height <= 40_000 else area.reduce(2)
    colors = small.getcolors(maxcolors=small.width * small.height)
    return max(colors, key=lambda item: item[0])[1]


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _foreign_share(area: Image.Image, background: tuple[int, int, int]) -> float:
    """The share of pixels further than COVER_TOLERANCE from `background`."""
    channels = [
        band.point(lambda v, ref=ref: 255 if abs(v - ref) > COVER_TOLERANCE else 0)
        for band, ref in zip(area.split(), background, strict=True)
    ]
    mask = channels[0]
    for channel in channels[1:]:
        mask = Image.composite(channel, mask, channel)
    histogram = mask.histogram()
    return histogram[255] / (area.width * area.height)


def covered_content_problems(zones: Sequence[dict], surface: BaseSurface) -> list[CaseProblem]:
    """Zones drawn over text or drawings of the base (anything but one flat
    colour under the zone's box)."""
    problems = []
    for zone, raw in zip(parse_zones(zones), zones, strict=True):
        for index in surface.pages_of(zone):
            area = surface.area(zone, index)
            if area is None:
                continue
            share = _foreign_share(area, _dominant(area))
            if share > COVER_SHARE:
                where = f"page {index + 1} of the base" if surface.kind == "pdf" else "the base"
                problems.append(
                    CaseProblem(
                        zone_name(zone, raw),
                        "",
                        f"Covers text or drawings of {where} ({share:.0%} of its box). "
                        "Move the zone to an empty area.",
                    )
                )
                break  # once per zone is enough to act on
    return problems


def _is_large(zone: Zone, size: float, kind: str) -> bool:
    points = size if kind == "pdf" else size * 0.75  # CSS pixels to points
    return points >= 18 or (zone.font.endswith("-bold") and points >= 14)


def text_problems(
    zones: Sequence[dict], ctx: RenderContext, case: str, surface: BaseSurface | None
) -> list[CaseProblem]:
    """Text zones that do not fit even at their minimum size for this
    context, and text below WCAG AA contrast against the base under it."""
    kind = surface.kind if surface else "pdf"
    scale = MM if kind == "pdf" else 1
    problems = []
    for zone, raw in zip(parse_zones(zones), zones, strict=True):
        if zone.type != "text" or not fill_text(zone.content, ctx).strip():
            continue
        name = zone_name(zone, raw)
        size = zone.min_size
        try:
            fitted = fit_zone(zone, ctx, scale=scale)
        except TextDoesNotFit as exc:
            problems.append(
                CaseProblem(
                    name,
                    case,
                    f"Does not fit even at its minimum size ({zone.min_size:g}): {exc.message}",
                )
            )
        except RenderError as exc:
            problems.append(CaseProblem(name, case, exc.message))
        else:
            size = fitted.size if fitted else zone.size
        if surface is None:
            continue
        color = zone.color_for(ctx.brand)
        needed = AA_LARGE if _is_large(zone, size, kind) else AA_NORMAL
        for index in surface.pages_of(zone):
            area = surface.area(zone, index)
            if area is None:
                continue
            background = _hex(_dominant(area))
            ratio = contrast_ratio(color, background)
            if ratio < needed:
                problems.append(
                    CaseProblem(
                        name,
                        case,
                        f"Text colour {color} on {background} has a contrast of {ratio:.1f}:1; "
                        f"WCAG AA needs {needed:g}:1.",
                    )
                )
                break
    return problems


def logo_problems(
    zones: Sequence[dict],
    ctx: RenderContext,
    case: str,
    *,
    kind: str,
    min_logo_mm: float,
    image_px_per_mm: float,
) -> list[CaseProblem]:
    """Logo zones where this brand's logo, kept in proportion inside the
    box, is drawn with its longer side under ``min_logo_mm``. Image boxes
    are in pixels: ``image_px_per_mm`` converts them."""
    problems = []
    for zone, raw in zip(parse_zones(zones), zones, strict=True):
        if zone.type != "logo":
            continue
        brand = ctx.brand
        logo = brand.logo_dark if zone.variant == "dark" and brand.logo_dark else brand.logo
        if logo is None or not logo.height:
            continue
        box = zone.box
        _x, _y, width, height = fit_box(
            logo.width / logo.height, 0, 0, box.width, box.height, "left", "top"
        )
        if kind != "pdf":
            width, height = width / image_px_per_mm, height / image_px_per_mm
        if max(width, height) < min_logo_mm:
            problems.append(
                CaseProblem(
                    zone_name(zone, raw),
                    case,
                    f"The logo is drawn {width:.1f} × {height:.1f} mm; the smallest "
                    f"allowed is {min_logo_mm:g} mm. Make the box larger.",
                )
            )
    return problems


def worst_case_problems(
    *,
    base: bytes,
    zones: Sequence[dict],
    kind: str,
    cases: Sequence[tuple[str, RenderContext]],
    min_logo_mm: float,
    image_px_per_mm: float = 300 / 25.4,
) -> list[CaseProblem]:
    """Every problem of the layout on its base for each named context:
    zones over the base's content (once), then per case text that does not
    fit, text below AA contrast and logos below the minimum size. A layout
    that is not valid gives its validation problems."""
    errors = validate_layout(zones, kind=kind, field_names=None)
    if errors:
        return [CaseProblem("Layout", "", message) for message in errors]
    surface = BaseSurface(base, kind=kind)
    try:
        problems = covered_content_problems(zones, surface)
    except (OSError, ValueError, RenderError) as exc:
        message = getattr(exc, "message", "") or "The base file cannot be read."
        return [CaseProblem("Base file", "", message)]
    for case, ctx in cases:
        problems += text_problems(zones, ctx, case, surface)
        problems += logo_problems(
            zones,
            ctx,
            case,
            kind=kind,
            min_logo_mm=min_logo_mm,
            image_px_per_mm=image_px_per_mm,
        )
    return problems


def png_logo(width: int, height: int, color=(20, 20, 20, 255)) -> bytes:
    """A plain logo picture of the given size (for synthetic extremes)."""
    image = Image.new("RGBA", (width, height), color)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


#: Synthetic extremes: a name as long as a profile allows, an address of
#: many long lines, a very wide and a very tall logo and a pale colour.
LONG_NAME = (
    "Northwind Regional Cloud Solutions, Managed Services and Digital Transformation "
    "Partners International Holdings Ltd"
)[:120]
LONG_ADDRESS = (
    "Building 14, The Old Harbour Business and Innovation Park, Unit 3B",
    "1234 Extraordinarily Long Industrial Estate Access Road West",
    "Saint Mary-le-Bow-upon-the-Water, Greater Northumberland",
    "NE99 9ZZ, United Kingdom of Great Britain and Northern Ireland",
)
PALE_COLOR = "#f4f1e8"


def synthetic_brands(base: Brand) -> list[tuple[str, Brand]]:
    """Named variations of ``base`` at the extremes partners can reach."""
    from dataclasses import replace

    wide = Logo.from_png(png_logo(1000, 100))
    tall = Logo.from_png(png_logo(100, 400))
    return [
        ("Synthetic: very long name", replace(base, name=LONG_NAME)),
        ("Synthetic: very long address", replace(base, address_lines=LONG_ADDRESS)),
        ("Synthetic: very wide logo (10:1)", replace(base, logo=wide, logo_dark=None)),
        ("Synthetic: very tall logo (1:4)", replace(base, logo=tall, logo_dark=None)),
        (
            "Synthetic: pale brand colours",
            replace(base, primary_color=PALE_COLOR, secondary_color=PALE_COLOR),
        ),
    ]
