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

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    StreamObject,
)
from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas

from assets.rendering.brand import RenderContext
from assets.rendering.errors import LayoutRejected
from assets.rendering.fonts import reportlab_font_name
from assets.rendering.layout import Zone
from assets.rendering.output import Output, safe_filename
from assets.rendering.pdf_images import (
    EncodedImage,
    add_image,
    encode_image,
    fit_box,
    unpack_encoded,
)
from assets.rendering.pdf_update import IncrementalUpdate
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
        if reader.is_encrypted:
            raise LayoutRejected(
                "The base PDF is password-protected or encrypted; upload an unprotected copy."
            )
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
    pictures: dict[int, tuple[str, EncodedImage]] = {}
    for zone in parsed:
        data = zone_picture(zone, ctx, resources)
        if data is not None:
            name = "Cobrand" + hashlib.sha256(data).hexdigest()[:16]
            pictures[zone.index] = (name, _encoded(data, ctx))
    try:
        data = _stamp(IncrementalUpdate(reader, base_pdf), parsed, fitted, pictures, ctx)
    except _PARSE_ERRORS as exc:
        raise LayoutRejected("The base PDF is damaged or cannot be read.") from exc
    return Output(safe_filename(filename_stem, "pdf"), "application/pdf", data)


def _encoded(data: bytes, ctx: RenderContext) -> EncodedImage:
    """The picture encoded for PDF: a brand logo's stored encoding when it
    has one (made at upload), else encoded here (and kept by content)."""
    for logo in (ctx.brand.logo, ctx.brand.logo_dark):
        if logo is not None and logo.pdf_image and logo.data == data:
            stored = unpack_encoded(logo.pdf_image)
            if stored is not None:
                return stored
    return encode_image(data)


def _page_geometry(page) -> tuple[float, float, tuple[float, ...]]:
    """Visible width and height of a page as displayed, and the matrix that
    maps overlay coordinates (origin bottom-left of the displayed page) to
    the page's own coordinates, for /Rotate 0, 90, 180 or 270."""
    box = page.cropbox
    left, bottom, right, top = (float(v) for v in (box.left, box.bottom, box.right, box.top))
    width, height = right - left, top - bottom
    rotation = int(page.rotation) % 360
    if rotation == 90:
        return height, width, (0, 1, -1, 0, right, bottom)
    if rotation == 180:
        return width, height, (-1, 0, 0, -1, right, top)
    if rotation == 270:
        return height, width, (0, -1, 1, 0, left, top)
    return width, height, (1, 0, 0, 1, left, bottom)


def _stamp(update: IncrementalUpdate, parsed, fitted, pictures, ctx) -> bytes:
    """Pages showing the same zones at the same size share one overlay form;
    each stamped page gets a new version painting it over its own content."""
    pages = list(update.reader.pages)
    geometry, groups = {}, {}
    for index, page in enumerate(pages):
        on_page = tuple(z.index for z in parsed if z.on_page(index))
        if on_page:
            geometry[index] = _page_geometry(page)
            width, height, _matrix = geometry[index]
            groups.setdefault((on_page, round(width, 3), round(height, 3)), []).append(index)
    if not groups:
        return update.original

    overlay = _draw_overlay(parsed, fitted, pictures, ctx, list(groups))
    image_refs = {
        name: add_image(update.add, image) for name, image in dict(pictures.values()).items()
    }
    wrap_open, wrap_close = update.add(_stream(b"q\n")), update.add(_stream(b"\nQ\n"))
    memo: dict = {}
    for number, (key, indexes) in enumerate(groups.items()):
        used = {pictures[i][0]: image_refs[pictures[i][0]] for i in key[0] if i in pictures}
        form = update.add(_form(update, memo, overlay.pages[number], used))
        name = NameObject(f"/CobrandOverlay{number}")
        for index in indexes:
            page = pages[index]
            matrix = " ".join(f"{v:g}" for v in geometry[index][2])
            paint = update.add(_stream(f"q {matrix} cm {name} Do Q\n".encode()))
            new_page = DictionaryObject(page)
            contents = page.get("/Contents")
            existing = [] if contents is None else _content_refs(page.raw_get("/Contents"))
            new_page[NameObject("/Contents")] = ArrayObject(
                [wrap_open, *existing, wrap_close, paint] if existing else [paint]
            )
            new_page[NameObject("/Resources")] = _with_xobject(page.get("/Resources"), name, form)
            update.replace(page.indirect_reference, new_page)
    return update.write()


def _content_refs(contents) -> list:
    resolved = contents.get_object()
    if isinstance(resolved, ArrayObject):
        return list(resolved)
    return [contents]


def _with_xobject(resources, name: NameObject, ref) -> DictionaryObject:
    """A copy of the page's resources (shared ones stay untouched) naming
    one more XObject."""
    copy = DictionaryObject(resources.get_object()) if resources is not None else DictionaryObject()
    xobjects = copy.get("/XObject")
    xobjects = (
        DictionaryObject(xobjects.get_object()) if xobjects is not None else DictionaryObject()
    )
    xobjects[name] = ref
    copy[NameObject("/XObject")] = xobjects
    return copy


def _stream(data: bytes) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream


def _form(update: IncrementalUpdate, memo: dict, overlay_page, images: dict) -> StreamObject:
    """The overlay page as a form XObject with its own resources (so its
    font names cannot clash with the base page's) plus our pictures. The
    overlay comes from our reportlab canvas, which writes each page as one
    content stream (never an array of them)."""
    contents = overlay_page["/Contents"].get_object()
    form = StreamObject()
    form._data = contents._data  # still compressed: copied, not re-encoded
    if "/Filter" in contents:
        form[NameObject("/Filter")] = update.import_object(contents["/Filter"], memo)
    resources = overlay_page.get("/Resources")
    resources = (
        update.import_object(resources.get_object(), memo) if resources else DictionaryObject()
    )
    if images:
        xobjects = resources.get("/XObject")
        xobjects = xobjects.get_object() if xobjects is not None else DictionaryObject()
        for name, ref in images.items():
            xobjects[NameObject("/" + name)] = ref
        resources[NameObject("/XObject")] = xobjects
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(
                [FloatObject(float(v)) for v in overlay_page.mediabox]
            ),
            NameObject("/Resources"): resources,
        }
    )
    return form


def _draw_overlay(parsed, fitted, pictures, ctx, groups) -> PdfReader:
    """One overlay page per group of pages showing the same zones."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pageCompression=1, invariant=1)
    for zone_indexes, width, height in groups:
        canvas.setPageSize((width, height))
        for zone in parsed:
            if zone.index not in zone_indexes:
                continue
            if zone.index in fitted:
                _draw_text(canvas, zone, fitted[zone.index], zone.color_for(ctx.brand), height)
            elif zone.index in pictures:
                name, picture = pictures[zone.index]
                _draw_picture(canvas, zone, picture, name, height)
        canvas.showPage()
    canvas.save()
    return PdfReader(io.BytesIO(buffer.getvalue()))
