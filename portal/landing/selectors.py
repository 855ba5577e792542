"""Reads for landing pages and leads, always scoped to one partner."""

from datetime import date, datetime, timedelta

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify

from assets.fields import display_values, overlay_values
from assets.kinds import keys_where
from assets.models import Asset
from assets.selectors import assets_visible_to
from portal.landing.models import LandingPage, Lead, PageViewDay
from portal.partners.models import PartnerOrganisation


def landing_assets_for(partner: PartnerOrganisation) -> QuerySet[Asset]:
    """Landing-page assets the partner may tailor and publish."""
    return assets_visible_to(partner).filter(kind__in=keys_where("landing_page"))


def page_for_asset(partner: PartnerOrganisation, asset: Asset) -> LandingPage | None:
    return LandingPage.objects.filter(organisation=partner, asset=asset).first()


def free_slug(partner: PartnerOrganisation, asset: Asset) -> str:
    """The address a page for this asset has, or would get: the asset's
    title as a slug, numbered when another of the partner's pages has it."""
    existing = LandingPage.objects.filter(organisation=partner, asset=asset).first()
    if existing is not None:
        return existing.slug
    base = slugify(asset.title)[:60].strip("-") or f"page-{asset.pk}"
    taken = set(
        LandingPage.objects.filter(organisation=partner, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def views_total():
    """An annotation: the page's views over all days (0 when it has none)."""
    totals = (
        PageViewDay.objects.filter(page=OuterRef("pk"))
        .values("page")
        .annotate(total=Sum("count"))
        .values("total")
    )
    return Coalesce(Subquery(totals, output_field=IntegerField()), Value(0))


def pages_for(partner: PartnerOrganisation) -> QuerySet[LandingPage]:
    """The partner's pages with `view_count` and `lead_count`."""
    leads = (
        Lead.objects.filter(page=OuterRef("pk")).values("page").annotate(n=Count("pk")).values("n")
    )
    return (
        LandingPage.objects.filter(organisation=partner)
        .select_related("asset__kit")
        .annotate(
            view_count=views_total(),
            lead_count=Coalesce(Subquery(leads, output_field=IntegerField()), Value(0)),
        )
        .order_by("-status", "-published_at", "slug")
    )


def public_page_find(partner_slug: str, page_slug: str) -> LandingPage | None:
    """The page at a public address, with what rendering it needs, whatever its state."""
    return (
        LandingPage.objects.select_related(
            "organisation__brand", "asset__kit", "asset__current_version"
        )
        .filter(organisation__slug=partner_slug, slug=page_slug)
        .first()
    )


def public_page_is_live(page: LandingPage, *, now: datetime | None = None) -> bool:
    """Published, its partner active, its asset still has a version and is
    still meant for that partner (kit live, in its dates, audience matching)."""
    if not page.is_published or not page.organisation.is_active:
        return False
    if page.asset.current_version_id is None or not page.asset.kit.is_live(now):
        return False
    return assets_visible_to(page.organisation, now=now).filter(pk=page.asset_id).exists()


def public_page_next_change(page: LandingPage, *, now: datetime) -> datetime | None:
    """The next moment the page's state changes by the clock alone (its kit
    starts or ends), or None."""
    kit = page.asset.kit
    moments = [m for m in (kit.publish_at, kit.expires_at) if m is not None and m > now]
    return min(moments) if moments else None


def values_for_display(asset: Asset, raw: dict[str, str]) -> dict[str, str]:
    """Defaults overlaid with `raw` for the fields that still exist, then shown
    as the renderer shows them (dates spelt out). Values no longer valid (a
    choice the vendor withdrew) are kept as typed rather than failing the page."""
    return display_values(asset, overlay_values(asset, raw))


def leads_for(
    partner: PartnerOrganisation,
    *,
    text: str = "",
    page_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[Lead]:
    leads = Lead.objects.filter(organisation=partner).select_related("page__asset")
    if text:
        leads = leads.filter(
            Q(name__icontains=text)
            | Q(email__icontains=text)
            | Q(company__icontains=text)
            | Q(message__icontains=text)
        )
    if page_id:
        leads = leads.filter(page_id=page_id)
    tz = timezone.get_current_timezone()
    if date_from:
        leads = leads.filter(created_at__gte=datetime.combine(date_from, datetime.min.time(), tz))
    if date_to:
        next_day = datetime.combine(date_to + timedelta(days=1), datetime.min.time(), tz)
        leads = leads.filter(created_at__lt=next_day)
    return leads.order_by("-created_at", "-id")


def lead_of(partner: PartnerOrganisation, pk: int) -> Lead | None:
    return (
        Lead.objects.filter(organisation=partner, pk=pk)
        .select_related("page__asset__kit", "asset_version")
        .first()
    )
