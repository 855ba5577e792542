"""Saving anything a public page depends on starts a new generation of the
cached page states (portal/landing/public.py), so the change shows at once."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from portal.landing.public import generation_bump

DISPATCH_PREFIX = "landing-generation-"


def connect() -> None:
    from assets.models import Asset, AssetVersion, EditableField, Kit
    from portal.landing.models import LandingPage
    from portal.partners.models import BrandProfile, PartnerOrganisation

    for model in (
        PartnerOrganisation,
        BrandProfile,
        Kit,
        Asset,
        AssetVersion,
        EditableField,
        LandingPage,
    ):
        uid = f"{DISPATCH_PREFIX}{model._meta.label_lower}"
        post_save.connect(generation_bump, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(generation_bump, sender=model, dispatch_uid=uid + "-delete")
    for relation in (Kit.audience_tiers, Kit.audience_regions, Kit.audience_partners, Kit.tags):
        through = relation.through
        m2m_changed.connect(
            generation_bump,
            sender=through,
            dispatch_uid=f"{DISPATCH_PREFIX}{through._meta.label_lower}",
        )
