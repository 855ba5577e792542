"""Landing pages: a template the partner tailors and publishes as a web page
with a lead form (portal.landing). Co-branded, but not a file."""

from assets.kinds.templated import TemplateKind
from assets.rendering import (
    Output,
    render_template,
    render_template_with,
    sample_context,
    template_context,
)


class LandingPageKind(TemplateKind):
    key = "landing_page"
    label = "Landing page"
    formats = ()
    prerenderable = False
    zip_rendition = False
    landing_page = True
    detail_template = "assets/_landing_page.html"

    def claims(self, sniffed):
        if sniffed.content != "html":
            return 0
        return 95 if sniffed.has_form else 20

    def thumbnail_output(self, *, asset, version, upload):
        """The page's template filled with the sample brand, laid out."""
        if version is None:
            return None
        from django.conf import settings

        from assets.fields import field_defaults

        ctx = sample_context(field_defaults(asset), vendor_name=settings.VENDOR_NAME)
        page = render_template_with(version.template, template_context(ctx))
        return Output(f"{asset.pk}.html", "text/html", page.encode())

    def partner_detail_context(self, asset, partner, user):
        return {}

    def zip_entries(self, *, asset, partner, rendition=None):
        return []

    def render_check(self, *, asset, version, ctx):
        # Pages are not files: the template filled for the partner is what
        # can fail (portal.landing builds the whole page around it).
        render_template(version.template, ctx)
