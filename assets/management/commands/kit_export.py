from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assets.models import Kit
from assets.transfer import kit_export
from portal.core.atomic_files import write_file_atomically


class Command(BaseCommand):
    help = (
        "Write a kit (fields, audience, assets with their sources, pictures, editable fields, "
        "guideline entries and lessons) to a ZIP file in the format of docs/kit-format.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("kit_id", type=int, help="The kit's id.")
        parser.add_argument("file", help="Where to write the ZIP (replaced if it exists).")

    def handle(self, *args, kit_id, file, **options):
        kit = Kit.objects.filter(pk=kit_id).first()
        if kit is None:
            raise CommandError(f"There is no kit with id {kit_id}.")
        data = kit_export(kit=kit)
        try:
            write_file_atomically(Path(file), data)
        except OSError as exc:
            raise CommandError(f"{file}: can't write it ({exc.strerror or exc}).") from None
        count = kit.assets.count()
        self.stdout.write(
            f"Exported kit {kit.pk} “{kit.title}” ({count} asset{'s' if count != 1 else ''}, "
            f"{len(data)} bytes) to {file}."
        )
