from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "assets"
    verbose_name = "Asset library"

    def ready(self):
        from django.db.models.signals import post_migrate

        from assets.roles import ensure_marketing_admin_group

        post_migrate.connect(ensure_marketing_admin_group, sender=self)

        from portal.core import cache_deps

        # Download passes (assets/download_passes.py) end with any change
        # their decision read.
        cache_deps.connect("downloads")

        from django.db.models.signals import post_save

        from assets import prerender
        from assets.events import kit_went_live
        from assets.models import Kit
        from portal.partners.models import BrandProfile

        # Pre-rendering: a kit that goes live, a brand profile that changes.
        kit_went_live.connect(prerender.on_kit_went_live, sender=Kit, dispatch_uid="prerender")
        post_save.connect(
            prerender.on_brand_profile_saved, sender=BrandProfile, dispatch_uid="prerender"
        )

        from assets import search

        # The search index follows every change of what it holds.
        search.connect_signals()
