from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "assets"
    verbose_name = "Asset library"

    def ready(self):
        from django.db.models.signals import post_migrate

        from assets.roles import ensure_marketing_admin_group

        post_migrate.connect(ensure_marketing_admin_group, sender=self)

        from assets import download_passes

        download_passes.connect()
