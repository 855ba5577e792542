"""A whole kit in one ZIP, co-branded for one partner."""

import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.utils.text import slugify

from assets import renditions, selectors, services
from assets.branding import brand_for_partner
from assets.models import Kit
from assets.rendering import MissingBrandDetails, RenderError
from portal.partners.models import PartnerOrganisation


@dataclass
class KitBundle:
    filename: str
    file: tempfile.SpooledTemporaryFile


def kit_zip_for_partner(*, kit: Kit, partner: PartnerOrganisation, user) -> KitBundle:
    """Every downloadable asset of the kit: co-branded files rendered (or taken
    from the cache), plain files as they are, guidelines as text.

    Nothing is handed out when the profile lacks what any asset needs: the
    MissingBrandDetails error names everything missing at once."""
    assets = list(
        selectors.kit_assets(kit).prefetch_related("guideline_entries", "editable_fields")
    )
    brand = brand_for_partner(partner)
    missing: list[str] = []
    for asset in assets:
        missing += [m for m in renditions.missing_details(asset, brand) if m not in missing]
    if missing:
        raise MissingBrandDetails(missing)

    # Handed to the response, which closes it once sent.
    spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115
    used: set[str] = set()

    def unique(name: str) -> str:
        stem, suffix = PurePosixPath(name).stem, PurePosixPath(name).suffix
        candidate, n = name, 2
        while candidate in used:
            candidate, n = f"{stem}-{n}{suffix}", n + 1
        used.add(candidate)
        return candidate

    def add_file(name: str, handle) -> None:
        with archive.open(unique(name), "w") as entry:
            shutil.copyfileobj(handle, entry, 1024 * 1024)

    # Recorded only once the whole ZIP is made: a failure hands nothing out.
    events = []

    def took(asset, file_name: str) -> None:
        events.append(
            services.download_event(
                user=user, organisation=partner, asset=asset, file_name=file_name
            )
        )

    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for position, asset in enumerate(assets, start=1):
            prefix = f"{position:02d}-"
            for entry in asset.kind_spec.zip_entries(asset=asset, partner=partner):
                if entry.stored is not None:
                    try:
                        with entry.stored.open("rb") as handle:
                            add_file(prefix + entry.name, handle)
                    except OSError:
                        raise RenderError(f"“{asset.title}” is not available right now.") from None
                else:
                    archive.writestr(unique(prefix + entry.name), entry.data)
                if entry.file_name:
                    took(asset, entry.file_name)
    services.download_record(*events)
    spool.seek(0)
    return KitBundle(filename=f"{slugify(kit.title) or 'kit'}-{partner.slug}.zip", file=spool)
