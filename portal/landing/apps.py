from django.apps import AppConfig


class LandingConfig(AppConfig):
    name = "portal.landing"
    label = "landing"
    verbose_name = "Landing pages and leads"

    def ready(self):
        from django.db.models.signals import post_migrate

        from assets.roles import ensure_marketing_admin_group

        # Again after this app's permissions exist (the assets app runs it before).
        post_migrate.connect(ensure_marketing_admin_group, sender=self)

        from portal.core import cache_deps

        # Public page states (portal/landing/public.py) end with any change.
        cache_deps.connect("landing")
