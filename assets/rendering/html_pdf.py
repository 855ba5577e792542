"""``html_document`` assets: a Django-template HTML/CSS document rendered to
PDF by WeasyPrint, for one partner, within page and time limits.

The template is rendered by the dedicated engine (templating.py) and laid
out by WeasyPrint with MemoryURLFetcher (fetcher.py), both inside a render
worker (worker.py) that is killed when it overruns ``timeout_seconds``.
Resources are served from memory at RESOURCE_BASE, which is also the
document's base URL, so ``<link href="static/flyer.css">`` or
``url(img/band.png)`` inside a stylesheet resolve to resources the caller
passed in; the partner's pictures are at ``partner/logo.png``,
``partner/logo-dark.png`` and ``partner/qr.png`` (``{{ partner.logo }}`` etc.),
the asset's own pictures at ``resources/<name>.png`` (resources.py).

The asset's stylesheet is handed to WeasyPrint as a user stylesheet, parsed
with the same fetcher and base URL, so its ``@import`` and ``url()`` reach
only those resources; the template's own ``<style>`` rules win where both
set the same property.
"""

from __future__ import annotations

from collections.abc import Mapping

from assets.rendering.brand import RenderContext
from assets.rendering.errors import MissingBrandDetails
from assets.rendering.output import Output, safe_filename
from assets.rendering.resources import picture_paths
from assets.rendering.sandbox import DEFAULT_LIMITS, POOL, RenderLimits, run_limited
from assets.rendering.templating import template_variables
from assets.rendering.variables import (
    PICTURE_URLS,
    RESOURCE_BASE,
    missing_brand_details,
    partner_pictures,
    template_context,
)

__all__ = ["DEFAULT_LIMITS", "POOL", "RenderLimits", "render_html_document"]

PNG = "image/png"


def html_document_variables(template: str) -> set[str]:
    """Variables a template uses (raises TemplateRejected for a bad template)."""
    return template_variables(template)


def partner_resources(ctx: RenderContext) -> dict[str, tuple[bytes, str]]:
    """The partner's pictures, keyed by their path under RESOURCE_BASE."""
    return {
        PICTURE_URLS[key].removeprefix(RESOURCE_BASE): (data, PNG)
        for key, data in partner_pictures(ctx).items()
    }


def render_html_document(
    *,
    template: str,
    ctx: RenderContext,
    resources: Mapping[str, tuple[bytes, str]] | None = None,
    filename_stem: str,
    limits: RenderLimits = DEFAULT_LIMITS,
    stylesheet: str = "",
    pictures: Mapping[str, bytes] | None = None,
) -> Output:
    """Render the template for one partner to a PDF.

    ``resources`` maps paths under RESOURCE_BASE to (bytes, MIME type): the
    portal's own stylesheets, fonts and pictures this template may use.
    ``stylesheet`` is the asset's CSS; ``pictures`` its named pictures
    (name -> PNG or JPEG bytes), served at ``resources/<name>.png``.
    Raises TemplateRejected, MissingBrandDetails, RenderLimitExceeded (page
    or time limit; nothing is produced) or RenderError.
    """
    # Template errors (TemplateRejected) surface here, before any worker is used.
    missing = missing_brand_details(
        ctx.brand, html_document_variables(template), landing_url=ctx.landing_url
    )
    if missing:
        raise MissingBrandDetails(missing)
    served = {k.lstrip("/"): (bytes(v[0]), str(v[1])) for k, v in (resources or {}).items()}
    served.update(picture_paths(pictures or {}))
    served.update(partner_resources(ctx))
    job = {
        "kind": "pdf",
        "template": template,
        "stylesheet": stylesheet,
        "context": template_context(ctx),
        "resources": served,
    }
    pdf = run_limited(job, limits)["pdf"]
    return Output(safe_filename(filename_stem, "pdf"), "application/pdf", pdf)
