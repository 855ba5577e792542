"""Saving anything a public page depends on starts a new generation of the
cached page states (portal/landing/public.py), so the change shows at once."""

from portal.landing.public import GENERATION


def connect() -> None:
    from assets.models import Asset, AssetVersion, EditableField, Kit
    from portal.landing.models import LandingPage
    from portal.partners.models import BrandProfile, PartnerOrganisation

    GENERATION.follow(
        PartnerOrganisation,
        BrandProfile,
        Kit,
        Asset,
        AssetVersion,
        EditableField,
        LandingPage,
        relations=(Kit.audience_tiers, Kit.audience_regions, Kit.audience_partners, Kit.tags),
    )
