"""Landing pages: a template the partner tailors and publishes as a web page
with a lead form (portal.landing). Co-branded, but not a file."""

from assets.kinds.templated import TemplateKind
from assets.rendering import render_template


class LandingPageKind(TemplateKind):
    key = "landing_page"
    label = "Landing page"
    formats = ()
    prerenderable = False
    landing_page = True
    detail_template = "assets/_landing_page.html"

    def partner_detail_context(self, asset, partner, user):
        return {}

    def zip_entries(self, *, asset, partner):
        return []

    def render_check(self, *, asset, version, ctx):
        # Pages are not files: the template filled for the partner is what
        # can fail (portal.landing builds the whole page around it).
        render_template(version.template, ctx)
