"""What PDF and image layouts share: checking a layout before a render,
filling and fitting text zones, and finding the picture of a zone."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from assets.rendering.brand import RenderContext
from assets.rendering.errors import (
    LayoutRejected,
    MissingBrandDetails,
    RenderError,
    TextDoesNotFit,
)
from assets.rendering.fonts import missing_glyphs
from assets.rendering.layout import (
    Zone,
    describe_too_long,
    layout_variables,
    parse_zones,
    validate_layout,
)
from assets.rendering.qr import qr_png
from assets.rendering.textfit import FittedText, fit_text
from assets.rendering.variables import fill_text, missing_brand_details, resolve

MM = 72 / 25.4  # points per millimetre


def prepare_zones(zones: Sequence[dict], ctx: RenderContext, *, kind: str) -> list[Zone]:
    """Validate the layout and the brand for one render; typed zones out."""
    errors = validate_layout(zones, kind=kind, field_names=None)
    if errors:
        raise LayoutRejected("This layout is not valid: " + errors[0], errors)
    missing = missing_brand_details(ctx.brand, layout_variables(zones), landing_url=ctx.landing_url)
    if missing:
        raise MissingBrandDetails(missing)
    return parse_zones(zones)


def fit_zone(zone: Zone, ctx: RenderContext, *, scale: float) -> FittedText | None:
    """Fill and fit one text zone; ``scale`` turns box units into font units
    (MM for PDFs, 1 for images). Raises TextDoesNotFit or RenderError."""
    text = fill_text(zone.content, ctx).strip()
    if not text:
        return None
    unprintable = missing_glyphs(text, zone.font)
    if unprintable:
        shown = " ".join(sorted(unprintable)[:5])
        raise RenderError(
            f"Some characters cannot be printed in this design's font ({shown}). "
            "Replace them and try again."
        )
    fitted = fit_text(
        text,
        font=zone.font,
        width=zone.box.width * scale,
        height=zone.box.height * scale,
        size=zone.size,
        min_size=zone.min_size,
        line_height=zone.line_height,
    )
    if fitted is None:
        raise TextDoesNotFit(describe_too_long(zone))
    return fitted


def fit_all(zones: Sequence[Zone], ctx: RenderContext, *, scale: float) -> dict[int, FittedText]:
    """Fitted text of every text zone, by zone index (empty texts left out)."""
    fitted = {}
    for zone in zones:
        if zone.type == "text" and (result := fit_zone(zone, ctx, scale=scale)) is not None:
            fitted[zone.index] = result
    return fitted


def check_fit(zones: Sequence[dict], ctx: RenderContext, *, kind: str = "pdf") -> list[str]:
    """Warnings for an admin preview: text zones that would not fit (or not
    print) for this context, e.g. the sample brand or a chosen partner."""
    if validate_layout(zones, kind=kind, field_names=None):
        return []
    warnings = []
    for zone in parse_zones(zones):
        if zone.type != "text":
            continue
        try:
            fit_zone(zone, ctx, scale=MM if kind == "pdf" else 1)
        except RenderError as exc:
            warnings.append(f"{zone.title}: {exc.message}")
    return warnings


def zone_picture(
    zone: Zone, ctx: RenderContext, resources: Mapping[str, bytes] | None
) -> bytes | None:
    """Bytes of the picture a logo, qr or image zone shows."""
    brand = ctx.brand
    if zone.type == "logo":
        logo = brand.logo_dark if zone.variant == "dark" and brand.logo_dark else brand.logo
        return logo.data if logo else None
    if zone.type == "qr":
        target = ctx.qr_target if zone.target == "partner.qr" else resolve(zone.target, ctx)
        if not target:
            raise RenderError("The QR code on this design needs a link, and none is set.")
        return qr_png(target)
    if zone.type == "image":
        if not resources or zone.resource not in resources:
            raise LayoutRejected(f"{zone.title}: the picture “{zone.resource}” is missing.")
        return resources[zone.resource]
    return None
