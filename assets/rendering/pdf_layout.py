"""``pdf_layout`` assets: zones stamped onto an uploaded, designed PDF.

One overlay document is drawn with reportlab (one overlay page per base
page that has zones) and merged onto the base with pypdf. Pictures are not
drawn by reportlab: each one is added once to the output as an image
XObject (pdf_images) and every overlay page paints it with ``cm ... Do``, so a
logo on "all" pages of a long brochure is stored once.

Base PDFs are untrusted uploads: size and page count are capped, and
encrypted or damaged files are refused with LayoutRejected.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.errors import PyPdfError
from pypdf.generic import DictionaryObject, NameObject
from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas

from assets.rendering.brand import RenderContext
from assets.rendering.errors import LayoutRejected
from assets.rendering.fonts import reportlab_font_name
from assets.rendering.layout import Zone
from assets.rendering.output import Output, safe_filename
from assets.rendering.pdf_images import EncodedImage, add_image, encode_image, fit_box
from assets.rendering.textfit import FittedText
from assets.rendering.zones import MM, fit_all, prepare_zones, zone_picture

MAX_BASE_PDF_BYTES = 50 * 1024 * 1024
MAX_BASE_PDF_PAGES = 50
# Exceptions pypdf raises on malformed input besides its own.
_PARSE_ERRORS = (
    PyPdfError,
    ValueError,
    KeyError,
    TypeError,
    IndexError,
    AttributeError,
    OSError,
    RecursionError,
    AssertionError,
)


@dataclass(frozen=True)
class BasePdfInfo:
    page_count: int
    page_sizes_mm: tuple[tuple[float, float], ...]  # visible (crop) box of each page


def _open_base(data: bytes) -> PdfReader:
    if len(data) > MAX_BASE_PDF_BYTES:
        raise LayoutRejected(f"The base PDF is larger than {MAX_BASE_PDF_BYTES // 2**20} MB.")
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise LayoutRejected("The base file is not a PDF.")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise LayoutRejected("The base PDF is password-protected; upload an unprotected copy.")
        count = len(reader.pages)
    except LayoutRejected:
        raise
    except _PARSE_ERRORS as exc:
        raise LayoutRejected("The base PDF is damaged or cannot be read.") from exc
    if count < 1:
        raise LayoutRejected("The base PDF has no pages.")
    if count > MAX_BASE_PDF_PAGES:
        raise LayoutRejected(f"The base PDF has {count} pages; the limit is {MAX_BASE_PDF_PAGES}.")
    return reader


def inspect_base_pdf(data: bytes) -> BasePdfInfo:
    """Page count and sizes of an uploaded base PDF, for the admin's upload
    form and layout editor. Raises LayoutRejected for unusable files."""
    reader = _open_base(data)
    try:
        sizes = []
        for page in reader.pages:
            width, height = float(page.cropbox.width), float(page.cropbox.height)
            if int(page.rotation) % 180:
                width, height = height, width
            sizes.append((round(width / MM, 2), round(height / MM, 2)))
    except _PARSE_ERRORS as exc:
        raise LayoutRejected("The base PDF is damaged or cannot be read.") from exc
    return BasePdfInfo(page_count=len(sizes), page_sizes_mm=tuple(sizes))


def _draw_text(canvas: Canvas, zone: Zone, fitted: FittedText, color: str, page_height: float):
    left, top = zone.box.x * MM, page_height - zone.box.y * MM
    width, height = zone.box.width * MM, zone.box.height * MM
    offset = {"top": 0.0, "middle": (height - fitted.height) / 2, "bottom": height - fitted.height}[
        zone.valign
    ]
    canvas.setFillColor(HexColor(color))
    canvas.setFont(reportlab_font_name(zone.font), fitted.size, leading=fitted.pitch)
    baseline = top - offset - fitted.ascent
    for line in fitted.lines:
        if zone.align == "center":
            canvas.drawCentredString(left + width / 2, baseline, line)
        elif zone.align == "right":
            canvas.drawRightString(left + width, baseline, line)
        else:
            canvas.drawString(left, baseline, line)
        baseline -= fitted.pitch


def _draw_picture(
    canvas: Canvas, zone: Zone, picture: EncodedImage, name: str, page_height: float
) -> None:
    box = zone.box
    x, y, w, h = fit_box(
        picture.aspect,
        box.x * MM,
        box.y * MM,
        box.width * MM,
        box.height * MM,
        zone.align,
        zone.valign,
    )
    bottom = page_height - y - h
    canvas.addLiteral(f"q {w:.3f} 0 0 {h:.3f} {x:.3f} {bottom:.3f} cm /{name} Do Q")


def stamp_pdf(
    *,
    base_pdf: bytes,
    zones: Sequence[dict],
    ctx: RenderContext,
    filename_stem: str,
    resources: Mapping[str, bytes] | None = None,
) -> Output:
    """Stamp the zones onto ``base_pdf`` for one partner.

    ``resources`` holds the pictures image zones name. Raises LayoutRejected
    (bad layout or base), MissingBrandDetails, TextDoesNotFit (text too long
    for its zone even at min_size) or RenderError.
    """
    parsed = prepare_zones(zones, ctx, kind="pdf")
    fitted = fit_all(parsed, ctx, scale=MM)
    reader = _open_base(base_pdf)
    try:
        writer = PdfWriter(clone_from=reader)
        pages = list(writer.pages)
        targets = [i for i in range(len(pages)) if any(z.on_page(i) for z in parsed)]
        for index in targets:
            if int(pages[index].rotation) % 360:
                pages[index].transfer_rotation_to_content()
        boxes = {i: pages[i].cropbox for i in targets}
    except _PARSE_ERRORS as exc:
        raise LayoutRejected("The base PDF is damaged or cannot be read.") from exc

    pictures: dict[int, tuple[str, EncodedImage]] = {}
    for zone in parsed:
        data = zone_picture(zone, ctx, resources)
        if data is not None:
            name = "Cobrand" + hashlib.sha256(data).hexdigest()[:16]
            pictures[zone.index] = (name, encode_image(data))

    overlay = _draw_overlay(parsed, fitted, pictures, ctx, targets, boxes)
    image_refs = {name: add_image(writer, image) for name, image in dict(pictures.values()).items()}
    try:
        for overlay_page, index in zip(overlay.pages, targets, strict=True):
            page, box = pages[index], boxes[index]
            page.merge_transformed_page(
                overlay_page, Transformation().translate(float(box.left), float(box.bottom))
            )
            used = {
                pictures[z.index][0] for z in parsed if z.on_page(index) and z.index in pictures
            }
            if used:
                _add_xobjects(page, {name: image_refs[name] for name in used})
        buffer = io.BytesIO()
        writer.write(buffer)
    except _PARSE_ERRORS as exc:
        raise LayoutRejected("The base PDF is damaged or cannot be read.") from exc
    return Output(safe_filename(filename_stem, "pdf"), "application/pdf", buffer.getvalue())


def _draw_overlay(parsed, fitted, pictures, ctx, targets, boxes) -> PdfReader:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pageCompression=1, invariant=1)
    for index in targets:
        width, height = float(boxes[index].width), float(boxes[index].height)
        canvas.setPageSize((width, height))
        for zone in parsed:
            if not zone.on_page(index):
                continue
            if zone.index in fitted:
                _draw_text(canvas, zone, fitted[zone.index], zone.color_for(ctx.brand), height)
            elif zone.index in pictures:
                name, picture = pictures[zone.index]
                _draw_picture(canvas, zone, picture, name, height)
        canvas.showPage()
    canvas.save()
    return PdfReader(io.BytesIO(buffer.getvalue()))


def _add_xobjects(page, refs: dict) -> None:
    """Name the shared image objects in the page's resources (in place, so
    resources shared between pages stay shared)."""
    if "/Resources" not in page:
        page[NameObject("/Resources")] = DictionaryObject()
    resources = page["/Resources"].get_object()
    if "/XObject" not in resources:
        resources[NameObject("/XObject")] = DictionaryObject()
    xobjects = resources["/XObject"].get_object()
    for name, ref in refs.items():
        xobjects[NameObject("/" + name)] = ref
