from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # The task-queue app, loaded once per process with the first of the
        # project's apps (portal/__init__.py no longer imports it), so that
        # tasks queued by web requests and commands use its settings.
        import portal.celery  # noqa: F401
