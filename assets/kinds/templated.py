"""The shared base of kinds whose source is template text (HTML documents,
e-mails, landing pages)."""

from django.conf import settings

from assets.kinds.base import CobrandedKind, SourceFields, read_text, write_text
from assets.rendering import (
    RenderError,
    check_template,
    html_document_variables,
    limits_from_settings,
    resource_problems,
    run_limited,
    sample_context,
    template_context,
)

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
            template_problems = check_template(template, field_names=source["field_names"])
            if not template_problems:
                template_problems = self._sample_render_problems(source)
            problems += [("template", m) for m in template_problems]
        if "pictures" in self.source_fields:
            problems += [
                ("template", m)
                for m in resource_problems(
                    [template, source.get("stylesheet", "")], source.get("resource_names", ())
                )
            ]
        return problems

    def sample_job(self, *, template: str, stylesheet: str, context: dict) -> dict:
        """The render job (assets.rendering.jobs) the save check runs."""
        return {"kind": "template", "template": template, "context": context}

    def _sample_render_problems(self, source) -> list[str]:
        """Render the template once with the sample brand and a sample value
        for every field, in a render worker under the site's limits: what
        fails there (a filter dividing by zero, a limit) is refused now, not
        when a partner downloads."""
        ctx = sample_context(
            dict.fromkeys(source["field_names"], ""), vendor_name=settings.VENDOR_NAME
        )
        job = self.sample_job(
            template=source["template"],
            stylesheet=source.get("stylesheet", ""),
            context=template_context(ctx),
        )
        try:
            run_limited(job, limits_from_settings())
        except RenderError as exc:
            return [f"With sample values the template does not render. {exc.message}"]
        return []

    def _export_fields(self, version, folder, meta):
        super()._export_fields(version, folder, meta)
        write_text(folder / TEMPLATE_FILE, version.template)
        if version.stylesheet:
            write_text(folder / STYLE_FILE, version.stylesheet)

    def _import_fields(self, folder, meta, fields):
        super()._import_fields(folder, meta, fields)
        fields.template = read_text(folder / TEMPLATE_FILE, required=True)
        fields.stylesheet = read_text(folder / STYLE_FILE, required=False)
