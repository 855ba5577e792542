from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assets.pruning import prune_kit_bundles, prune_renditions


class Command(BaseCommand):
    help = (
        "Remove renditions not used for --days days or made from an old version of their asset, "
        "and files under renditions/ that no rendition row points at; "
        "then kit ZIPs built more than --days days ago."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.RENDITION_KEEP_DAYS)
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would go, remove nothing."
        )

    def handle(self, *args, days, dry_run, **options):
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        report = prune_renditions(older_than_days=days, dry_run=dry_run)
        verb = "Would remove" if dry_run else "Removed"
        self.stdout.write(
            f"{verb} {report.rows} rendition(s), {report.files} file(s), {report.bytes} bytes."
        )
        bundles = prune_kit_bundles(older_than_days=days, dry_run=dry_run)
        self.stdout.write(
            f"{verb} {bundles.rows} kit ZIP(s), {bundles.files} file(s), {bundles.bytes} bytes."
        )
