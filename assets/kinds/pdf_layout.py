"""Designed PDFs: zones stamped onto an uploaded PDF."""

from assets.kinds.layout import LayoutKind, read_source
from assets.rendering import LayoutRejected, inspect_base_pdf, pdf_page_png, stamp_pdf


class PdfLayoutKind(LayoutKind):
    key = "pdf_layout"
    label = "Designed PDF with zones"
    formats = ("pdf",)
    paged = True
    layout_kind = "pdf"
    layout_unit = "mm"
    detail_template = "assets/_cobranded.html"

    def claims(self, sniffed):
        return 80 if sniffed.content == "pdf" else 0

    def check_base(self, data):
        if not data.startswith(b"%PDF-"):
            return ["This file is not a PDF."], None
        try:
            return [], inspect_base_pdf(data).page_count
        except LayoutRejected as exc:
            return [exc.message], None

    def base_page_sizes(self, data):
        return inspect_base_pdf(data).page_sizes_mm

    def base_page_png(self, data, page_number, *, max_width):
        return pdf_page_png(data, page_number, max_width=max_width)

    def render(self, *, asset, version, ctx, output_format):
        from assets.resources import version_resources  # imports the models

        return stamp_pdf(
            base_pdf=read_source(version),
            zones=version.layout,
            ctx=ctx,
            filename_stem=asset.title,
            resources=version_resources(version),
        )
