"""From the database to the rendering library's plain inputs."""

import datetime
import hashlib
from functools import lru_cache

from django.conf import settings

from assets.rendering import Brand, Logo, RenderContext
from portal.partners.models import BrandProfile, PartnerOrganisation
from portal.partners.services import logo_pdf_image_name


@lru_cache(maxsize=256)
def _logo_from_storage(name: str, sha256: str) -> Logo | None:
    """Logo bytes by content hash: a changed logo has a new hash and a new name."""
    from django.core.files.storage import default_storage

    try:
        with default_storage.open(name, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    return Logo.from_png(data, pdf_image=_pdf_image(data))


def _pdf_image(data: bytes) -> bytes | None:
    """The logo's PDF encoding stored when it was uploaded, if any (a logo
    stored before encodings were kept has none; stamping then encodes it)."""
    from django.core.files.storage import default_storage

    try:
        with default_storage.open(logo_pdf_image_name(hashlib.sha256(data).hexdigest())) as handle:
            return handle.read()
    except OSError:
        return None


def _logo(field, sha256: str) -> Logo | None:
    if not field or not field.name:
        return None
    return _logo_from_storage(field.name, sha256 or field.name)


def brand_for_partner(partner: PartnerOrganisation) -> Brand:
    """The partner's brand profile as the frozen `Brand` the renderer takes."""
    try:
        profile = partner.brand
    except BrandProfile.DoesNotExist:
        return Brand(name=partner.name, slug=partner.slug)
    return Brand(
        name=profile.name,
        slug=partner.slug,
        phone=profile.phone,
        email=profile.email,
        website=profile.website,
        address_lines=profile.address_lines,
        tagline=profile.tagline,
        referral_url=profile.referral_url,
        primary_color=profile.primary_color,
        secondary_color=profile.secondary_color,
        logo=_logo(profile.logo, profile.logo_sha256),
        logo_dark=_logo(profile.logo_dark, profile.logo_dark_sha256),
    )


def render_context_for(
    *,
    brand: Brand,
    field_values: dict[str, str],
    landing_url: str = "",
    today: datetime.date | None = None,
    dated: bool = True,
    legal_lines: tuple[str, ...] = (),
) -> RenderContext:
    """The context of one render. `dated` False leaves the date out (the
    source never prints it), so the context is the same every day;
    otherwise it holds `today`, by default the server's date. `legal_lines`
    are the lines the messaging rules require (given only when the source
    prints them)."""
    return RenderContext(
        brand=brand,
        fields=field_values,
        vendor_name=settings.VENDOR_NAME,
        today=(today or datetime.date.today()) if dated else None,
        landing_url=landing_url,
        legal_lines=legal_lines,
    )


def next_midnight() -> float:
    """When the server's local date (the `today` of dated renders) next
    changes, as a Unix time."""
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    return datetime.datetime.combine(tomorrow, datetime.time.min).timestamp()
