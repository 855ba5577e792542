"""HTML documents: a template laid out as a co-branded PDF."""

from assets.kinds.templated import TemplateKind
from assets.rendering import limits_from_settings, render_html_document


class HtmlDocumentKind(TemplateKind):
    key = "html_document"
    label = "HTML document (PDF)"
    formats = ("pdf",)
    paged = True
    source_fields = TemplateKind.source_fields | {"pictures"}
    detail_template = "assets/_cobranded.html"

    def claims(self, sniffed):
        return 60 if sniffed.content == "html" else 0

    def render(self, *, asset, version, ctx, output_format):
        from assets.resources import version_resources  # imports the models

        return render_html_document(
            template=version.template,
            stylesheet=version.stylesheet,
            pictures=version_resources(version),
            ctx=ctx,
            filename_stem=asset.title,
            limits=limits_from_settings(),
        )
