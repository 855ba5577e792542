"""Preview any co-branded asset as any partner (or with sample values):
every page as a picture, e-mails with their subject line, landing pages as
the public page would look, and the layout's fit warnings."""

import base64

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin

from assets import renditions
from assets.branding import brand_for_partner
from assets.fields import field_defaults, saved_field_values
from assets.models import Asset
from assets.rendering import RenderError, output_page_count, sample_brand
from portal.core.errors import NotFound
from portal.landing import public
from portal.landing.forms import LeadForm
from portal.landing.models import LandingPage
from portal.landing.selectors import values_for_display
from portal.partners.models import PartnerOrganisation
from portal.workspace.access import workspace_required

SEARCH_LIMIT = 20
PAGE_CACHE_SECONDS = 24 * 3600
#: The policy of an e-mail body shown on its own: its inline styles and
#: inline pictures, nothing else.
MESSAGE_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "form-action 'none'; frame-ancestors 'self'; base-uri 'none'; object-src 'none'"
)


def _asset(pk: int) -> Asset:
    asset = get_object_or_404(Asset.objects.select_related("kit", "current_version"), pk=pk)
    if not asset.kind_spec.cobranded or asset.current_version is None:
        raise NotFound("This asset has no co-branded output to preview.")
    return asset


def _who(request) -> str:
    return request.GET.get("partner", renditions.SAMPLE) or renditions.SAMPLE


def _page_number(request) -> int:
    raw = request.GET.get("page", "1")
    if not raw.isdigit() or int(raw) < 1:
        raise NotFound("No such page.")
    return int(raw)


def _partner_matches(query: str):
    query = " ".join(query.split())[:100]
    if not query:
        return []
    partners = PartnerOrganisation.objects.filter(
        Q(name__icontains=query) | Q(brand__display_name__icontains=query) | Q(slug=query)
    )
    return list(partners.order_by("name")[:SEARCH_LIMIT])


@workspace_required
def asset_preview(request, pk: int):
    """The preview page: the chooser, then the asset as the chosen partner."""
    asset = _asset(pk)
    query = request.GET.get("q", "")
    matches = _partner_matches(query)
    if request.htmx and "q" in request.GET:
        return render(
            request,
            "workspace/_partner_matches.html",
            {"asset": asset, "query": query, "matches": matches},
        )
    who = _who(request)
    partner = renditions.preview_partner(who)
    number = _page_number(request)
    spec = asset.kind_spec
    context = {
        "asset": asset,
        "who": who,
        "partner": partner,
        "query": query,
        "matches": matches,
        "page_number": number,
        "problem": "",
        "warnings": [],
    }
    frame = reverse("workspace:asset_preview_frame", args=[asset.pk]) + f"?partner={who}"
    if spec.landing_page:
        context |= {"mode": "page", "frame_url": frame}
    elif spec.renderable:
        context |= _message_or_pages(asset, who, number, frame)
    return render(request, "workspace/asset_preview.html", context)


def _message_or_pages(asset: Asset, who: str, number: int, frame: str) -> dict:
    try:
        request = renditions.preview_request(asset=asset, who=who)
        message = asset.kind_spec.message_preview(version=request.version, ctx=request.ctx)
    except RenderError as exc:
        return {"mode": "pages", "problem": exc.message}
    if message is not None:
        return {"mode": "message", "subject": message[0], "frame_url": frame}
    preview = renditions.preview_render(asset=asset, who=who)
    if preview.rendition is None:
        return {"mode": "pages", "problem": preview.problem, "warnings": preview.warnings}
    count = output_page_count(renditions.rendition_output(preview.rendition))
    shown = min(count, settings.WORKSPACE_PREVIEW_MAX_PAGES)
    if number > shown:
        raise NotFound("This output has no such page.")
    return {
        "mode": "pages",
        "warnings": preview.warnings,
        "page_count": count,
        "pages": range(1, shown + 1),
        "filename": preview.rendition.filename,
    }


@workspace_required
def asset_preview_page(request, pk: int):
    """A PNG of page N of the asset's output for the partner, cached."""
    asset = _asset(pk)
    number = _page_number(request)
    if number > settings.WORKSPACE_PREVIEW_MAX_PAGES:
        raise NotFound("This output has no such page.")
    # A render problem reaches the error handler: a page with its message.
    render_request = renditions.preview_request(asset=asset, who=_who(request))
    key = f"workspace:preview-page:{render_request.key}:{number}"
    png = cache.get(key)
    if png is None:
        rendition = renditions.rendition_get_or_create(render_request)
        output = renditions.rendition_output(rendition)
        pages = asset.kind_spec.preview_pages(output, max_pages=number)
        if len(pages) < number:
            raise NotFound("This output has no such page.")
        cache.set_many(
            {
                f"workspace:preview-page:{render_request.key}:{i}": page
                for i, page in enumerate(pages, start=1)
            },
            PAGE_CACHE_SECONDS,
        )
        png = pages[number - 1]
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _frame_response(html: str, policy: str) -> HttpResponse:
    response = HttpResponse(html)
    response["Content-Security-Policy"] = policy
    response["Cache-Control"] = "private, no-store"
    return response


@xframe_options_sameorigin
@workspace_required
def asset_preview_frame(request, pk: int):
    """The inside of the preview frame: a landing page as its public page
    would look for the partner, or an e-mail's HTML body. Served with its
    own policy; the workspace shows it in a sandboxed frame."""
    asset = _asset(pk)
    who = _who(request)
    partner = renditions.preview_partner(who)
    try:
        if asset.kind_spec.landing_page:
            return _landing_frame(asset, partner)
        render_request = renditions.preview_request(asset=asset, who=who)
        message = asset.kind_spec.message_preview(
            version=render_request.version, ctx=render_request.ctx
        )
    except RenderError as exc:
        return _frame_response(
            render(request, "workspace/_preview_problem.html", {"problem": exc.message}).content,
            MESSAGE_POLICY,
        )
    if message is None:
        raise NotFound("This asset has no page or message to show here.")
    return _frame_response(message[1], MESSAGE_POLICY)


def _landing_frame(asset: Asset, partner: PartnerOrganisation | None) -> HttpResponse:
    if partner is None:
        brand = sample_brand()
        organisation = PartnerOrganisation(name=brand.name, slug=brand.slug)
        values = values_for_display(asset, field_defaults(asset))
    else:
        organisation = partner
        brand = brand_for_partner(partner)
        values = values_for_display(asset, saved_field_values(asset, partner))
    page = LandingPage(organisation=organisation, asset=asset, slug="preview")
    logo_url = ""
    if brand.logo:
        logo_url = "data:image/png;base64," + base64.b64encode(brand.logo.data).decode()
    rendered = public.render_page(
        page,
        brand=brand,
        display=values,
        form=LeadForm(),
        logo_url=logo_url,
        og_image_url="",
        preview=True,
    )
    policy = rendered.csp.replace("frame-ancestors 'none'", "frame-ancestors 'self'").replace(
        "form-action 'self'", "form-action 'none'"
    )
    return _frame_response(public.finish(rendered.html, token=public.new_token()), policy)
