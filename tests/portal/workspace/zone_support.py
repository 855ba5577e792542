"""Layout assets for the zone editor's tests: a multi-page PDF made with
reportlab, a 900×600 picture."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from assets.models import AssetKind
from assets.services import asset_version_create
from tests.factories import AssetFactory, KitFactory, png_bytes

LOGO = {"type": "logo", "page": "all", "box": {"x": 10, "y": 10, "width": 50, "height": 20}}


def multipage_pdf(pages: int = 3) -> bytes:
    """A PDF of `pages` A4 pages, the second one landscape."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    for number in range(1, pages + 1):
        canvas.setPageSize(landscape(A4) if number == 2 else A4)
        canvas.setFont("Helvetica-Bold", 24)
        canvas.drawString(72, 500, f"Designed page {number}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def make_pdf_layout_asset(*, pages: int = 3, layout=None, **kwargs):
    asset = AssetFactory(
        kit=kwargs.pop("kit", None) or KitFactory(), kind=AssetKind.PDF_LAYOUT, **kwargs
    )
    asset_version_create(
        asset=asset,
        source_file=SimpleUploadedFile("brochure.pdf", multipage_pdf(pages)),
        layout=layout if layout is not None else [LOGO],
    )
    return asset


def make_image_layout_asset(*, width: int = 900, height: int = 600, **kwargs):
    asset = AssetFactory(
        kit=kwargs.pop("kit", None) or KitFactory(), kind=AssetKind.IMAGE_LAYOUT, **kwargs
    )
    asset_version_create(
        asset=asset,
        source_file=SimpleUploadedFile("card.png", png_bytes(width, height)),
        layout=[{"type": "logo", "box": {"x": 20, "y": 20, "width": 200, "height": 80}}],
        output_format="png",
    )
    return asset
