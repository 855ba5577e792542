"""Landing pages and leads: the partner's editor and lists, and the public
pages visitors open. Views validate, call one selector or service, answer."""

import logging

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.forms import Select
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from assets.branding import brand_for_partner
from assets.fields import fields_form_for, saved_field_values
from assets.rendering import RenderError, qr_png
from assets.services import field_values_save
from portal.core.client_ip import client_ip
from portal.core.csp import DEFAULT_POLICY
from portal.core.csv_export import csv_response
from portal.core.errors import form_error_from
from portal.landing import public, selectors, services
from portal.landing.forms import LeadFilterForm, LeadForm
from portal.landing.models import LandingPage
from portal.partners.access import partner_required

log = logging.getLogger(__name__)

LEADS_PAGE_SIZE = 25


# --- Partner side -------------------------------------------------------------


@partner_required
def page_list(request):
    pages = list(selectors.pages_for(request.partner))
    published_assets = {page.asset_id for page in pages}
    return render(
        request,
        "landing/page_list.html",
        {
            "pages": pages,
            "assets": [
                a
                for a in selectors.landing_assets_for(request.partner)
                if a.pk not in published_assets
            ],
        },
    )


def _styled(form):
    for field in form.fields.values():
        field.widget.attrs["class"] = (
            "form-select" if isinstance(field.widget, Select) else "form-control"
        )
    return form


def _preview(request, asset, form, page: LandingPage | None) -> public.RenderedPage | RenderError:
    """The page as it would be published with the values typed so far: valid
    values as typed, the others as last saved. `page` is the asset's page if
    it has one. When the template fails, its error, for the editor to show."""
    values = selectors.values_for_display(asset, saved_field_values(asset, request.partner))
    if form.is_bound:
        form.is_valid()
        values.update({k: v for k, v in form.values().items() if k in form.cleaned_data})
    page = page or LandingPage(
        organisation=request.partner, asset=asset, slug=selectors.free_slug(request.partner, asset)
    )
    page.organisation = request.partner
    brand = brand_for_partner(request.partner)
    logo_url = reverse("partners:brand_logo", args=["logo"]) if brand.logo else ""
    try:
        rendered = public.render_page(
            page, brand=brand, display=values, form=LeadForm(), logo_url=logo_url, preview=True
        )
    except RenderError as exc:
        log.warning("landing page preview of %s does not render: %s", asset, exc)
        return exc
    return public.RenderedPage(public.finish(rendered.html, token=public.new_token()), rendered.csp)


def _preview_context(preview) -> dict:
    if isinstance(preview, RenderError):
        return {"preview_html": "", "preview_problem": preview.message}
    return {"preview_html": preview.html}


def _with_preview_policy(response, rendered):
    if not isinstance(rendered, public.RenderedPage):
        return response
    # The preview frame inherits this page's policy: allow its one style block.
    style = rendered.csp.split("style-src ", 1)[1].split(";", 1)[0]
    response["Content-Security-Policy"] = DEFAULT_POLICY.replace(
        "style-src 'self'", f"style-src {style}"
    )
    return response


@partner_required
def editor(request, asset_pk: int):
    asset = get_object_or_404(selectors.landing_assets_for(request.partner), pk=asset_pk)
    # With its view and lead counts.
    page = selectors.pages_for(request.partner).filter(asset=asset).first()
    form = _styled(fields_form_for(asset, request.partner, data=request.POST or None))
    status = 200
    if request.method == "POST" and form.is_valid():
        publish = request.POST.get("action") == "publish"
        try:
            # A refused publish keeps nothing, the draft values included.
            with transaction.atomic():
                field_values_save(
                    asset=asset, partner=request.partner, values=form.raw_values(), by=request.user
                )
                if publish:
                    page = services.landing_page_publish(
                        organisation=request.partner,
                        asset=asset,
                        values=form.raw_values(),
                        by=request.user,
                    )
        except RenderError as exc:
            form_error_from(form, exc)
            status = exc.status
        else:
            if publish:
                messages.success(request, "Your page is live. Copy its address below.")
            elif page is not None and page.is_published:
                messages.success(request, "Draft saved. Publish to update the live page.")
            else:
                messages.success(request, "Draft saved.")
            return redirect("landing:editor", asset_pk=asset.pk)
    elif form.errors:
        status = 400
    rendered = _preview(request, asset, form, page)
    context = {
        "asset": asset,
        "kit": asset.kit,
        "page": page,
        "form": form,
        **_preview_context(rendered),
        "public_url": public.public_url(page) if page else "",
    }
    response = render(request, "landing/editor.html", context, status=status)
    return _with_preview_policy(response, rendered)


@partner_required
def preview(request, asset_pk: int):
    """The preview frame and inline field errors, for htmx as the partner types."""
    asset = get_object_or_404(selectors.landing_assets_for(request.partner), pk=asset_pk)
    form = fields_form_for(
        asset, request.partner, data=request.POST if request.method == "POST" else None
    )
    if form.is_bound:
        form.is_valid()
    rendered = _preview(request, asset, form, selectors.page_for_asset(request.partner, asset))
    response = render(
        request,
        "landing/_preview.html",
        {"form": form, **_preview_context(rendered), "oob": True},
    )
    return _with_preview_policy(response, rendered)


@require_POST
@partner_required
def page_unpublish(request, pk: int):
    page = get_object_or_404(LandingPage.objects.filter(organisation=request.partner), pk=pk)
    services.landing_page_unpublish(page=page, by=request.user)
    messages.success(request, "The page is unpublished: its address now answers “gone”.")
    return redirect("landing:editor", asset_pk=page.asset_id)


@partner_required
def page_qr(request, pk: int):
    page = get_object_or_404(LandingPage.objects.filter(organisation=request.partner), pk=pk)
    response = HttpResponse(qr_png(public.public_url(page)), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{page.slug}-qr.png"'
    response["Cache-Control"] = "private, max-age=0"
    return response


def _lead_filters(request):
    pages = list(LandingPage.objects.filter(organisation=request.partner).select_related("asset"))
    form = LeadFilterForm(request.GET or None, pages=pages)
    return form, form.filters() if form.is_bound else {}


@partner_required
def lead_list(request):
    form, filters = _lead_filters(request)
    # Filters that don't validate show their errors, and no unfiltered list.
    leads = selectors.leads_for(request.partner, **filters) if not form.errors else []
    page = Paginator(leads, LEADS_PAGE_SIZE).get_page(request.GET.get("p"))
    query = request.GET.copy()
    query.pop("p", None)
    return render(
        request,
        "landing/lead_list.html",
        {"form": form, "leads": page, "query": query.urlencode(), "filtered": bool(filters)},
        status=400 if form.errors else 200,
    )


@partner_required
def lead_export(request):
    form, filters = _lead_filters(request)
    if form.errors:
        problems = "; ".join(
            f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()
        )
        return HttpResponse(
            f"The filters are not valid ({problems})", status=400, content_type="text/plain"
        )
    header = [
        "Received",
        "Name",
        "E-mail",
        "Company",
        "Message",
        "Consent",
        "Page",
        "UTM source",
        "UTM medium",
        "UTM campaign",
        "UTM term",
        "UTM content",
        "Referrer",
    ]
    rows = (
        (
            lead.created_at.isoformat(timespec="seconds"),
            lead.name,
            lead.email,
            lead.company,
            lead.message,
            "yes" if lead.consent else "no",
            lead.page.asset.title if lead.page else "",
            lead.utm_source,
            lead.utm_medium,
            lead.utm_campaign,
            lead.utm_term,
            lead.utm_content,
            lead.referrer,
        )
        for lead in selectors.leads_for(request.partner, **filters).iterator()
    )
    return csv_response(f"{request.partner.slug}-leads.csv", header, rows)


@partner_required
def lead_detail(request, pk: int):
    lead = selectors.lead_of(request.partner, pk)
    if lead is None:
        raise Http404("No such lead.")
    return render(request, "landing/lead_detail.html", {"lead": lead})


# --- Public side --------------------------------------------------------------


def _gone(status: int) -> HttpResponse:
    # A plain page: no partner's name, logo or content, no context processors.
    # 503: the page is live but its template fails (portal/landing/public.py).
    response = HttpResponse(
        render_to_string("landing/gone.html", {"status": status}), status=status
    )
    if status == 503:
        response["Retry-After"] = "300"
    return response


def _live_page(partner_slug: str, page_slug: str) -> LandingPage | HttpResponse:
    page = selectors.public_page_find(partner_slug, page_slug)
    if page is None:
        return _gone(404)
    if not selectors.public_page_is_live(page):
        return _gone(410)
    return page


def _public_response(html: str, csp: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(html, status=status)
    response["Content-Security-Policy"] = csp
    # Each answer carries its own one-time token: never shared by caches.
    response["Cache-Control"] = "private, no-cache"
    return response


@csrf_exempt  # anonymous visitors, no session to ride; the one-time token dedupes
@require_http_methods(["GET", "HEAD", "POST"])
def public_page(request, partner_slug: str, page_slug: str):
    if request.method == "POST":
        # Every post counts, whatever becomes of it: past the limit the
        # error handler answers 429 before any page is rendered.
        services.lead_rate_check(client_ip(request))
        page = _live_page(partner_slug, page_slug)
        if isinstance(page, HttpResponse):
            return page
        return _lead_post(request, page)
    # The hot path: with a warm cache, no database read at all.
    resolved, rendered = public.live_page(partner_slug, page_slug)
    if rendered is None:
        return _gone(resolved.status)
    html = public.finish(
        rendered.html, token=public.new_token(), referrer=request.META.get("HTTP_REFERER", "")
    )
    if request.method == "GET":
        services.page_view_record(page_id=resolved.page_id)
    return _public_response(html, rendered.csp)


def _lead_post(request, page: LandingPage) -> HttpResponse:
    thanks = redirect(
        "landing:public_thanks", partner_slug=page.organisation.slug, page_slug=page.slug
    )
    form = LeadForm(request.POST)
    if form.is_spam:
        return thanks  # look like success; store nothing
    if form.is_valid():
        services.lead_submit(
            page=page,
            data=form.cleaned_data,
            token=form.cleaned_data["token"],
            utm={key: request.GET.get(key, "") for key in services.UTM_KEYS},
            referrer=form.cleaned_data["ref"],
        )
        return thanks
    if "token" in form.errors:
        form.add_error(None, "The form had expired. Please send it again.")
    token = form.cleaned_data.get("token") or public.new_token()
    brand = brand_for_partner(page.organisation)
    display = selectors.values_for_display(page.asset, page.field_values)
    try:
        rendered = public.render_page(page, brand=brand, display=display, form=form, live=True)
    except RenderError as exc:
        log.error("live landing page %s does not render: %s", page, exc)
        return _gone(503)
    html = public.finish(rendered.html, token=token, referrer=form.data.get("ref", ""))
    return _public_response(html, rendered.csp, status=400)


def public_thanks(request, partner_slug: str, page_slug: str):
    page = _live_page(partner_slug, page_slug)
    if isinstance(page, HttpResponse):
        return page
    brand = brand_for_partner(page.organisation)
    html = render_to_string(
        "landing/thanks.html",
        {
            "page": page,
            "brand": brand,
            "logo_url": public.logo_path(page, brand),
            "page_url": public.public_path(page),
        },
    )
    return HttpResponse(html)


def public_social(request, partner_slug: str, page_slug: str):
    """The kit's social card co-branded for the partner (link previews), or
    the logo when it can't be made."""
    page = _live_page(partner_slug, page_slug)
    if isinstance(page, HttpResponse):
        return page
    asset = public.social_card_asset(page)
    if asset is not None:
        from assets.renditions import rendition_get_or_create

        try:
            rendition = rendition_get_or_create(public.social_card_request(page, asset))
        except RenderError as exc:
            log.warning("social card for %s not rendered: %s", page, exc)
        else:
            with rendition.file.open("rb") as handle:
                response = HttpResponse(handle.read(), content_type=rendition.content_type)
            response["Cache-Control"] = "public, max-age=86400"
            return response
    return public_logo(request, partner_slug, page_slug)


def public_logo(request, partner_slug: str, page_slug: str):
    """The partner's logo as the public page (and link previews) show it."""
    page = _live_page(partner_slug, page_slug)
    if isinstance(page, HttpResponse):
        return page
    logo = brand_for_partner(page.organisation).logo
    if logo is None:
        return _gone(404)
    response = HttpResponse(logo.data, content_type="image/png")
    fresh = request.GET.get("v") == logo.sha256[:12]
    response["Cache-Control"] = "public, max-age=86400" if fresh else "public, max-age=300"
    return response
