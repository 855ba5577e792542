"""The shared base of kinds whose source is template text (HTML documents,
e-mails, landing pages)."""

from assets.kinds.base import CobrandedKind, SourceFields, read_text, write_text
from assets.rendering import check_template, html_document_variables, resource_problems

TEMPLATE_FILE = "template.html"
STYLE_FILE = "style.css"


class TemplateKind(CobrandedKind):
    """A Django-syntax HTML template (and a stylesheet) filled with the
    partner's details."""

    source_fields = frozenset({"template", "stylesheet"})
    needs_template = True

    def source_from_upload(self, name, data):
        text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
        return SourceFields(template=text)

    def thumbnail_output(self, *, asset, version, upload):
        """The first page rendered with the sample brand and each field's
        default (as the admin preview shows it)."""
        if version is None or not self.renderable:
            return None
        from assets.renditions import request_with_sample

        request = request_with_sample(asset=asset)
        return self.render(
            asset=asset, version=version, ctx=request.ctx, output_format=request.output_format
        )

    def variables(self, version):
        if version is None:
            return set()
        return html_document_variables(version.template)

    def check_source(self, **source):
        problems = super().check_source(**source)
        template = source["template"]
        if template.strip():
            problems += [
                ("template", m) for m in check_template(template, field_names=source["field_names"])
            ]
        if "pictures" in self.source_fields:
            problems += [
                ("template", m)
                for m in resource_problems(
                    [template, source.get("stylesheet", "")], source.get("resource_names", ())
                )
            ]
        return problems

    def _export_fields(self, version, folder, meta):
        super()._export_fields(version, folder, meta)
        write_text(folder / TEMPLATE_FILE, version.template)
        if version.stylesheet:
            write_text(folder / STYLE_FILE, version.stylesheet)

    def _import_fields(self, folder, meta, fields):
        super()._import_fields(folder, meta, fields)
        fields.template = read_text(folder / TEMPLATE_FILE, required=True)
        fields.stylesheet = read_text(folder / STYLE_FILE, required=False)
