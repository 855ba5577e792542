from django.core.management.base import BaseCommand

from assets.lifecycle import kits_lifecycle_tick


class Command(BaseCommand):
    help = (
        "Publish scheduled kits whose time has come and announce kits that went live or "
        "expired. For deployments without Celery beat: run it every minute from cron. "
        "Running it twice, or twice at once, announces each kit once."
    )

    def handle(self, *args, **options):
        result = kits_lifecycle_tick()
        self.stdout.write(
            f"{result.published} kit(s) published, {len(result.went_live)} went live, "
            f"{len(result.expired)} expired."
        )
