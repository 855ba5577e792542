from django.core.management.base import BaseCommand

from assets.search import search_index_refresh


class Command(BaseCommand):
    help = (
        "Rebuild the library's search index for every asset. Saves keep it up to date; "
        "run this after bulk writes that bypass them (bulk_create, QuerySet.update, raw SQL)."
    )

    def handle(self, *args, **options):
        count = search_index_refresh()
        if options["verbosity"]:
            self.stdout.write(f"{count} asset(s) indexed.")
