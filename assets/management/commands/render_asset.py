import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from assets.fields import field_values_with
from assets.models import Asset
from assets.renditions import render_for_partner
from portal.core.atomic_files import write_file_atomically
from portal.core.errors import CobrandError
from portal.partners.models import PartnerOrganisation

FORMATS = ("pdf", "png", "jpeg", "html", "eml")


class Command(BaseCommand):
    help = (
        "Render an asset for a partner as the partner would download it: the same render, "
        "limits and cache. --field values replace the partner's saved values for this render "
        "only and are checked like the partner's form. The audience is not checked. On failure "
        "the message a partner would see is printed and the command exits with status 1; "
        "the output file is written whole or not at all."
    )

    def add_arguments(self, parser):
        parser.add_argument("asset_id", type=int, help="The asset's id.")
        parser.add_argument("--partner", required=True, help="The partner organisation's slug.")
        parser.add_argument(
            "--format",
            dest="output_format",
            help=f"One of {', '.join(FORMATS)} (default: the asset's first format).",
        )
        parser.add_argument(
            "--field",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="An editable field's value for this render (repeatable).",
        )
        parser.add_argument("-o", "--output", required=True, help="The file to write.")

    def fail(self, message: str):
        for line in message.splitlines() or [message]:
            self.stderr.write(line)
        sys.exit(1)

    def handle(self, *args, asset_id, partner, output_format, field, output, **options):
        asset = Asset.objects.select_related("current_version").filter(pk=asset_id).first()
        if asset is None:
            self.fail(f"There is no asset with id {asset_id}.")
        organisation = PartnerOrganisation.objects.filter(slug=partner).first()
        if organisation is None:
            self.fail(f"There is no partner organisation “{partner}”.")
        if output_format is not None and output_format not in FORMATS:
            self.fail(f"“{output_format}” is not a format; use one of {', '.join(FORMATS)}.")
        if not asset.kind_spec.renderable:
            self.fail(f"“{asset.title}” is a {asset.kind_spec.label.lower()}: it isn't rendered.")
        if asset.current_version is None:
            self.fail(f"“{asset.title}” has no source yet.")
        overrides = {}
        for item in field:
            name, equals, value = item.partition("=")
            if not equals or not name.strip():
                self.fail(f"--field {item}: write it as name=value.")
            overrides[name.strip()] = value
        values = None
        if overrides:
            try:
                values = field_values_with(asset, organisation, overrides)
            except ValueError as exc:
                self.fail(str(exc))
        try:
            rendition = render_for_partner(
                asset=asset,
                partner=organisation,
                output_format=output_format,
                field_values=values,
            )
            with rendition.file.open("rb") as handle:
                data = handle.read()
        except CobrandError as exc:
            self.fail(exc.message)
        except OSError:
            self.fail("The rendered file could not be read back; try again.")
        try:
            write_file_atomically(Path(output), data)
        except OSError as exc:
            self.fail(f"{output}: can't write it ({exc.strerror or exc}).")
        self.stdout.write(
            f"Wrote {rendition.filename} ({rendition.content_type}, {len(data)} bytes) "
            f"for {organisation.name} to {output}."
        )
