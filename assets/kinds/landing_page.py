"""Landing pages: a template the partner tailors and publishes as a web page
with a lead form (portal.landing). Co-branded, but not a file."""

from assets.kinds.templated import TemplateKind


class LandingPageKind(TemplateKind):
    key = "landing_page"
    label = "Landing page"
    formats = ()
    prerenderable = False
    zip_rendition = False
    landing_page = True
    detail_template = "assets/_landing_page.html"

    def partner_detail_context(self, asset, partner, user):
        return {}

    def zip_entries(self, *, asset, partner, rendition=None):
        return []
