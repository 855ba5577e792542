"""Designed PDFs: zones stamped onto an uploaded PDF."""

from assets.kinds.layout import LayoutKind, read_source
from assets.rendering import LayoutRejected, inspect_base_pdf, stamp_pdf


class PdfLayoutKind(LayoutKind):
    key = "pdf_layout"
    label = "Designed PDF with zones"
    formats = ("pdf",)
    paged = True
    layout_kind = "pdf"
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

    def stored_page_count(self, stored_file):
        try:
            with stored_file.open("rb") as handle:
                return inspect_base_pdf(handle.read()).page_count
        except (OSError, LayoutRejected):
            return None

    def render(self, *, asset, version, ctx, output_format):
        from assets.resources import version_resources  # imports the models

        return stamp_pdf(
            base_pdf=read_source(version),
            zones=version.layout,
            ctx=ctx,
            filename_stem=asset.title,
            resources=version_resources(version),
        )
