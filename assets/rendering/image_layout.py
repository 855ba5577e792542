"""``image_layout`` assets: zones drawn onto a base picture (social cards,
banners) with Pillow. Same zones as PDFs, with boxes and font sizes in
pixels; the same font files and fitting rules (text never cut)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from assets.rendering.brand import RenderContext
from assets.rendering.errors import RenderError
from assets.rendering.fonts import font_path
from assets.rendering.images import load_base_image
from assets.rendering.layout import Zone
from assets.rendering.output import Output, safe_filename
from assets.rendering.pdf_images import fit_box
from assets.rendering.textfit import FittedText
from assets.rendering.zones import fit_all, prepare_zones, zone_picture

FORMATS = {"png": ("PNG", "image/png"), "jpeg": ("JPEG", "image/jpeg")}
_ANCHORS = {"left": "ls", "center": "ms", "right": "rs"}


@lru_cache(maxsize=64)
def _font(name: str, size: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(name)), size, layout_engine=ImageFont.Layout.BASIC)


def _draw_text(draw: ImageDraw.ImageDraw, zone: Zone, fitted: FittedText, color: str) -> None:
    box = zone.box
    offset = {
        "top": 0.0,
        "middle": (box.height - fitted.height) / 2,
        "bottom": box.height - fitted.height,
    }[zone.valign]
    x = {"left": box.x, "center": box.x + box.width / 2, "right": box.x + box.width}[zone.align]
    baseline = box.y + offset + fitted.ascent
    font = _font(zone.font, fitted.size)
    for line in fitted.lines:
        draw.text((x, baseline), line, font=font, fill=color, anchor=_ANCHORS[zone.align])
        baseline += fitted.pitch


def _paste_picture(canvas: Image.Image, zone: Zone, data: bytes) -> None:
    picture = load_base_image(data).convert("RGBA")
    box = zone.box
    x, y, w, h = fit_box(
        picture.width / picture.height, box.x, box.y, box.width, box.height, zone.align, zone.valign
    )
    size = (max(1, int(w)), max(1, int(h)))
    # Whole pixels inside the box: round the origin up and the size down.
    left, top = int(-(-x // 1)), int(-(-y // 1))
    size = (
        min(size[0], int(box.x + box.width) - left),
        min(size[1], int(box.y + box.height) - top),
    )
    if size[0] < 1 or size[1] < 1:
        return
    resized = picture.resize(size, Image.Resampling.LANCZOS)
    canvas.alpha_composite(resized, (left, top))


def stamp_image(
    *,
    base_image: bytes,
    zones: Sequence[dict],
    ctx: RenderContext,
    fmt: str,
    filename_stem: str,
    resources: Mapping[str, bytes] | None = None,
) -> Output:
    """Draw the zones on ``base_image`` for one partner; ``fmt`` is "png" or
    "jpeg". Raises LayoutRejected, ImageRejected, MissingBrandDetails,
    TextDoesNotFit or RenderError."""
    if fmt not in FORMATS:
        raise RenderError(f"Unsupported output format {fmt!r}; use png or jpeg.")
    parsed = prepare_zones(zones, ctx, kind="image")
    fitted = fit_all(parsed, ctx, scale=1)
    base = load_base_image(base_image)
    had_alpha = base.mode == "RGBA"
    canvas = base.convert("RGBA")
    draw = ImageDraw.Draw(canvas)
    for zone in parsed:
        if zone.index in fitted:
            _draw_text(draw, zone, fitted[zone.index], zone.color_for(ctx.brand))
        elif (data := zone_picture(zone, ctx, resources)) is not None:
            _paste_picture(canvas, zone, data)
            draw = ImageDraw.Draw(canvas)
    pillow_format, content_type = FORMATS[fmt]
    if fmt == "jpeg" or not had_alpha:
        canvas = canvas.convert("RGB")
    buffer = io.BytesIO()
    options = {"quality": 90, "optimize": True} if fmt == "jpeg" else {}
    canvas.save(buffer, format=pillow_format, **options)
    return Output(
        safe_filename(filename_stem, fmt if fmt == "png" else "jpg"),
        content_type,
        buffer.getvalue(),
    )
