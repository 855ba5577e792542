import sys

from django.core.management.base import BaseCommand

from assets.transfer import KitImportRefused, kit_import


class Command(BaseCommand):
    help = (
        "Import a kit exported with kit_export (docs/kit-format.md) as a new draft kit. "
        "Everything is checked first; on any problem nothing is stored, each problem is "
        "printed on its own line and the command exits with status 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The ZIP file.")

    def handle(self, *args, file, **options):
        try:
            with open(file, "rb") as handle:
                kit = kit_import(zip_file=handle)
        except OSError as exc:
            self.stderr.write(f"{file}: can't read it ({exc.strerror or exc}).")
            sys.exit(1)
        except KitImportRefused as exc:
            self.stderr.write(exc.message)
            for problem in exc.problems:
                self.stderr.write(str(problem))
            sys.exit(1)
        self.stdout.write(f"Imported kit {kit.pk} “{kit.title}” as a draft.")
