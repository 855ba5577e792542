"""The public page of a published landing page: built once per content key,
kept in the cache, and finished per request with a fresh one-time token.

The key hashes everything the page shows (asset version, brand fingerprint,
field values, page state, site address, and the date when the template
prints it), so a change of profile, fields or template gives a new key at
once and a stale page is never served."""

import base64
import datetime
import functools
import hashlib
import json
import logging
import math
import re
import secrets
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from assets.branding import brand_for_partner, next_midnight, render_context_for
from assets.messaging import legal_lines_for
from assets.rendering import (
    Brand,
    RenderError,
    limits_from_settings,
    qr_png,
    render_template_limited,
    template_context,
)
from portal.core.cache_deps import GENERATIONS
from portal.landing.models import LandingPage
from portal.landing.selectors import (
    public_page_find,
    public_page_is_live,
    public_page_next_change,
    values_for_display,
)

if TYPE_CHECKING:
    from assets.models import Asset

log = logging.getLogger(__name__)

PAGE_TEMPLATE = "landing/public_page.html"
#: Static files the page links; with hashed static names their content is in its HTML.
PAGE_STATIC_FILES = ("css/landing.css", "js/landing.js")

# Stand-ins finished per request. Site templates write them; anything a partner
# or visitor typed is escaped, so it can never contain a literal "<!--".
TOKEN_SLOT = "<!--lead-token-->"  # noqa: S105 - a placeholder, not a secret
REFERRER_SLOT = "<!--lead-referrer-->"
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")

#: How long a page shown with its last good part is cached: soon tried again.
STALE_PAGE_SECONDS = 60

_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' {style}; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)


@dataclass(frozen=True)
class RenderedPage:
    html: str
    csp: str
    #: Built with the last good part because the template now fails.
    stale: bool = False


def public_path(page: LandingPage) -> str:
    return reverse("landing:public_page", args=[page.organisation.slug, page.slug])


def public_url(page: LandingPage) -> str:
    return settings.SITE_URL + public_path(page)


def new_token() -> str:
    return secrets.token_urlsafe(18)


def logo_path(page: LandingPage, brand: Brand) -> str:
    if brand.logo is None:
        return ""
    path = reverse("landing:public_logo", args=[page.organisation.slug, page.slug])
    return f"{path}?v={brand.logo.sha256[:12]}"


def _brand_css(brand: Brand, stylesheet: str) -> str:
    # Colours are normalised to #rrggbb by Brand; the vendor's stylesheet
    # cannot close the element.
    css = f":root{{--lp-primary:{brand.primary_color};--lp-accent:{brand.secondary_color};}}"
    if stylesheet:
        css += "\n" + stylesheet.replace("</", "<\\/")
    return css


def _style_hash(css: str) -> str:
    digest = hashlib.sha256(css.encode()).digest()
    return "'sha256-" + base64.b64encode(digest).decode() + "'"


def _description(page: LandingPage, brand: Brand) -> str:
    text = page.asset.description or page.asset.kit.summary or brand.tagline
    text = " ".join(text.split())
    return text if len(text) <= 160 else text[:157].rsplit(" ", 1)[0] + "…"


def _last_good_key(page: LandingPage) -> str:
    return f"landing:last-good:{page.pk}:{page.organisation_id}:{page.asset_id}"


def _fragment(
    page: LandingPage, brand: Brand, display: dict, *, logo_url: str, keep_last_good: bool
) -> tuple[str, bool]:
    """The vendor's template with the partner's values, pictures as web
    addresses, and whether it is the last good one rather than a fresh one.
    With ``keep_last_good`` (the live page) a fresh part is kept as the
    page's last good one, and given back when the template fails. Raises
    RenderError when the template fails and there is nothing to give back:
    a page is never published, nor served, with an empty body."""
    ctx = render_context_for(
        brand=brand,
        field_values=display,
        landing_url=public_url(page),
        dated=_dated(page),
        legal_lines=page_legal_lines(page),
    )
    context = template_context(ctx)
    context["partner"]["logo"] = logo_url
    context["partner"]["logo_dark"] = logo_url
    qr = base64.b64encode(qr_png(public_url(page))).decode()
    context["partner"]["qr"] = f"data:image/png;base64,{qr}"
    template = page.asset.current_version.template
    try:
        text = render_template_limited(template, context, limits_from_settings())
    except RenderError:
        last_good = cache.get(_last_good_key(page)) if keep_last_good else None
        if last_good is None:
            raise
        log.error("live landing page %s does not render, showing its last good part", page)
        return last_good, True
    if keep_last_good:
        cache.set(_last_good_key(page), text, None)
    return text, False


def render_page(
    page: LandingPage,
    *,
    brand: Brand,
    display: dict,
    form=None,
    logo_url: str | None = None,
    og_image_url: str | None = None,
    preview: bool = False,
    live: bool = False,
) -> RenderedPage:
    """The whole public page. `form` is a bound lead form to show its errors;
    without one, the token and referrer slots are left for `finish`. The
    logo and link-preview addresses are worked out when not given. Raises
    RenderError when the vendor's template fails, unless `live` (the public
    address) and the page has a last good part to show instead."""
    if logo_url is None:
        logo_url = logo_path(page, brand)
    if og_image_url is None:
        og_image_url = _absolute(og_image_path(page, brand, social_card_asset(page)))
    css = _brand_css(brand, page.asset.current_version.stylesheet)
    headline = display.get("headline") or page.asset.title
    fragment, stale = _fragment(page, brand, display, logo_url=logo_url, keep_last_good=live)
    html = render_to_string(
        PAGE_TEMPLATE,
        {
            "page": page,
            "brand": brand,
            "title": f"{headline} · {brand.name}",
            "description": _description(page, brand),
            "canonical_url": public_url(page),
            "og_image_url": og_image_url,
            "logo_url": logo_url,
            # Built from normalised colours and the vendor's stylesheet: no
            # partner or visitor text, and "</" cannot close the element.
            "brand_css": mark_safe(css),  # noqa: S308
            # The vendor's template, rendered with autoescape by the asset engine.
            "fragment": mark_safe(fragment),  # noqa: S308
            "form": form,
            "submit_label": display.get("call_to_action") or "Send",
            "token_slot": TOKEN_SLOT,
            "referrer_slot": REFERRER_SLOT,
            "preview": preview,
            "vendor_name": settings.VENDOR_NAME,
        },
    )
    return RenderedPage(html=html, csp=_POLICY.format(style=_style_hash(css)), stale=stale)


def social_card_asset(page: LandingPage):
    """The kit's co-branded social card (an image layout), if it has one."""
    from assets.kinds import keys_where

    return (
        page.asset.kit.assets.filter(
            kind__in=keys_where("social_card"), current_version__isnull=False
        )
        .select_related("current_version")
        .order_by("position", "id")
        .first()
    )


def social_card_request(page: LandingPage, asset):
    """What decides the partner's card: its QR code points at this page."""
    from assets.renditions import request_for_partner

    return request_for_partner(
        asset=asset, partner=page.organisation, output_format="png", landing_url=public_url(page)
    )


def og_image_path(page: LandingPage, brand: Brand, card: "Asset | None") -> str:
    """The kit's social card (`card`, from social_card_asset) rendered for the
    partner, else the partner's logo."""
    if card is not None:
        try:
            key = social_card_request(page, card).key
        except RenderError:
            key = ""
        if key:
            path = reverse("landing:public_social", args=[page.organisation.slug, page.slug])
            return f"{path}?v={key[:12]}"
    return logo_path(page, brand)


@functools.cache
def page_layout_version() -> str:
    """A short hash of the page template and the static files it links, so
    that a deploy changing how pages look retires every cached page. Read
    once per process, on first use."""
    digest = hashlib.sha256(get_template(PAGE_TEMPLATE).template.source.encode())
    for name in PAGE_STATIC_FILES:
        path = finders.find(name)
        if path is None:
            raise ImproperlyConfigured(f"The landing page's {name} is not among the static files.")
        with open(path, "rb") as handle:
            digest.update(handle.read())
    return digest.hexdigest()[:16]


def _absolute(path: str) -> str:
    return settings.SITE_URL + path if path else ""


def page_legal_lines(page: LandingPage) -> tuple[str, ...]:
    """The legal lines the page prints for its partner (none when its
    template does not print them)."""
    if not page.asset.kind_spec.prints_legal_lines(page.asset.current_version):
        return ()
    return legal_lines_for(page.asset.kit, page.organisation)


def _dated(page: LandingPage) -> bool:
    """Whether the page's template prints today's date."""
    return page.asset.kind_spec.uses_today(page.asset.current_version)


def content_key(
    page: LandingPage,
    brand: Brand,
    values: dict,
    card: "Asset | None",
    *,
    today: datetime.date | None = None,
) -> str:
    """The page's HTML cache key. It holds the date (`today`, else the
    server's) only when the template prints it, so such a page is rebuilt
    after midnight and any other is kept."""
    version = page.asset.current_version
    day = (today or datetime.date.today()) if _dated(page) else None
    payload = {
        "today": day.isoformat() if day else None,
        "layout": page_layout_version(),
        "page": [page.pk, page.organisation.slug, page.slug, page.status],
        "version": [version.pk, version.content_hash],
        "asset": [page.asset.title, page.asset.description, page.asset.kit.summary],
        "brand": brand.fingerprint(),
        "fields": sorted(values.items()),
        "site": [settings.SITE_URL, settings.VENDOR_NAME, settings.STATIC_URL],
        "card": [card.pk, card.current_version_id] if card else None,
        "legal": list(page_legal_lines(page)),
    }
    encoded = json.dumps(payload, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()


@dataclass(frozen=True)
class PageInputs:
    """What a live page's HTML is made from, each looked up once, and the
    cache key of that HTML."""

    page: LandingPage
    brand: Brand
    display: dict
    card: "Asset | None"  # the kit's social card
    html_key: str


def page_inputs(page: LandingPage) -> PageInputs:
    brand = brand_for_partner(page.organisation)
    display = values_for_display(page.asset, page.field_values)
    card = social_card_asset(page)
    key = "landing:page:" + content_key(page, brand, display, card)
    return PageInputs(page, brand, display, card, key)


def cached_page(inputs: PageInputs) -> RenderedPage:
    """The live page's HTML from the cache, built on a miss. A page built
    with its last good part is cached briefly, so the template is tried
    again soon without every visitor waiting for it to fail."""
    hit = cache.get(inputs.html_key)
    if hit is not None:
        return RenderedPage(*hit)
    page, brand = inputs.page, inputs.brand
    rendered = render_page(
        page,
        brand=brand,
        display=inputs.display,
        og_image_url=_absolute(og_image_path(page, brand, inputs.card)),
        live=True,
    )
    seconds = STALE_PAGE_SECONDS if rendered.stale else settings.LANDING_PAGE_CACHE_SECONDS
    cache.set(inputs.html_key, (rendered.html, rendered.csp), seconds)
    return rendered


# --- Resolving an address without the database --------------------------------
#
# Which page an address shows, whether it is live and which cached HTML it
# uses is itself cached, under the current *generation*: a number bumped
# whenever anything a public page depends on changes (the "landing" needs in
# portal/core/cache_deps.py). A change therefore shows on the next request. Changes by the
# clock alone (a kit starting or expiring) end an entry at that moment, and
# LANDING_STATE_CACHE_SECONDS bounds an entry's life in any case.

GENERATION = GENERATIONS["landing"]


@dataclass(frozen=True)
class Resolved:
    status: int  # 200 live, 404 unknown, 410 gone, 503 live but its template fails
    page_id: int | None = None
    html_key: str = ""
    valid_until: float | None = None  # a Unix time


def _resolve(partner_slug: str, page_slug: str) -> tuple[Resolved, PageInputs | None]:
    page = public_page_find(partner_slug, page_slug)
    if page is None:
        return Resolved(404), None
    now = timezone.now()
    change = public_page_next_change(page, now=now)
    valid_until = change.timestamp() if change else None
    if _dated(page):
        # The HTML key holds the date: resolve again once it changes.
        valid_until = min(valid_until or math.inf, next_midnight())
    if not public_page_is_live(page, now=now):
        return Resolved(410, page.pk, valid_until=valid_until), None
    inputs = page_inputs(page)
    return Resolved(200, page.pk, inputs.html_key, valid_until), inputs


def live_page(partner_slug: str, page_slug: str) -> tuple[Resolved, RenderedPage | None]:
    """What the public address answers: its state and, when live, its page."""
    state_key = f"landing:state:{GENERATION.current()}:{partner_slug}:{page_slug}"
    resolved = cache.get(state_key)
    if resolved is not None and (
        resolved.valid_until is None or time.time() < resolved.valid_until
    ):
        if resolved.status != 200:
            return resolved, None
        hit = cache.get(resolved.html_key)
        if hit is not None:
            return resolved, RenderedPage(*hit)
    resolved, inputs = _resolve(partner_slug, page_slug)
    cache.set(state_key, resolved, settings.LANDING_STATE_CACHE_SECONDS)
    if inputs is None:
        return resolved, None
    try:
        return resolved, cached_page(inputs)
    except RenderError as exc:
        # The template broke after publishing and there is no last good part:
        # a neutral page, never a 500 or an empty body; nothing cached, so a
        # fixed template shows at once.
        log.error("live landing page %s does not render: %s", inputs.page, exc)
        return replace(resolved, status=503), None


def finish(html: str, *, token: str, referrer: str = "") -> str:
    """Fill the per-request slots: a fresh one-time token and the visitor's referrer."""
    return html.replace(TOKEN_SLOT, token, 1).replace(REFERRER_SLOT, escape(referrer[:500]), 1)
