"""Downloads: the one path from "this person asks for this file" to the file.

Whether someone may download is decided here and only here
(`download_partner`, then the asset or kit they may see). A co-branded file
is then rendered (or taken from the cache of renditions), the download is
recorded, and a download pass is issued: the pass (assets/download_passes.py)
is this decision remembered for the session, made only by it and ended by
any change of what it read, so a repeat download costs one cache round trip
and the event's INSERT without deciding anything twice.

Refusals are CobrandErrors (not signed in, no membership, suspended, not
found, a render problem), answered by the error handler."""

from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.files.storage import Storage
from django.utils.text import slugify

from assets import download_passes, kit_bundle, renditions, selectors, services
from assets.models import Asset, Kit, KitBundle, Rendition
from portal.core import log_context
from portal.core.errors import NotFound
from portal.core.files import FileUnavailable, stored_name_open
from portal.partners.access import partner_membership
from portal.partners.models import PartnerOrganisation


@dataclass(frozen=True)
class Download:
    """A file someone may have, ready to send (portal/core/files.py)."""

    storage: Storage
    name: str  # in storage
    filename: str  # what the browser saves
    content_type: str
    handle: object | None  # the opened file; None when the web server reads it


# --- The decision -------------------------------------------------------------


def download_partner(user) -> PartnerOrganisation:
    """The organisation `user` downloads for: signed in, a member, active."""
    return partner_membership(user).organisation


def _rendered_formats(asset: Asset) -> tuple[str, ...]:
    # The one place downloads ask which kinds render, and to what.
    if not asset.kind_spec.renderable:
        return ()
    return renditions.formats_for(asset)


def _visible_asset(partner: PartnerOrganisation, asset_id: int) -> Asset:
    asset = selectors.assets_visible_to(partner).filter(pk=asset_id).first()
    if asset is None:
        raise NotFound("No such asset.")
    return asset


def download_decide(
    *, user, asset_id: int, output_format: str
) -> tuple[PartnerOrganisation, Asset]:
    """May `user` download asset `asset_id` co-branded as `output_format`?
    The partner and the asset when so; raises otherwise."""
    partner = download_partner(user)
    asset = _visible_asset(partner, asset_id)
    if output_format not in _rendered_formats(asset):
        raise NotFound("No such format for this asset.")
    return partner, asset


# --- The downloads ------------------------------------------------------------


def download_open(*, session, user, asset_id: int, output_format: str) -> Download:
    """The partner's co-branded file, the download recorded.

    With a good pass for the session, the decision it remembers stands:
    `user` is not even loaded. Otherwise the decision is made, the file
    rendered if need be, and a pass issued."""
    log_context.bind(asset_id=asset_id)
    held = download_passes.pass_find(session, asset_id=asset_id, output_format=output_format)
    if held is not None:
        storage = Rendition.file.field.storage
        try:
            handle = stored_name_open(storage, held.stored_name)
        except FileUnavailable:
            # The file went missing: forget the pass, decide and render again.
            download_passes.pass_forget(session, asset_id=asset_id, output_format=output_format)
        else:
            services.download_record(held.event())
            return Download(storage, held.stored_name, held.filename, held.content_type, handle)

    # Read before deciding: a change committed meanwhile retires the pass.
    generation = download_passes.GENERATION.current()
    partner, asset = download_decide(user=user, asset_id=asset_id, output_format=output_format)
    rendition = renditions.render_for_partner(
        asset=asset, partner=partner, output_format=output_format
    )
    storage, name = rendition.file.storage, rendition.file.name
    handle = stored_name_open(storage, name)
    services.download_record(
        services.download_event(
            user=user, organisation=partner, asset=asset, file_name=rendition.filename
        )
    )
    download_passes.pass_issue(
        session,
        generation=generation,
        user_id=user.pk,
        asset=asset,
        output_format=output_format,
        rendition=rendition,
    )
    return Download(storage, name, rendition.filename, rendition.content_type, handle)


def download_name(title: str, original: str) -> str:
    """A readable download name from the title, keeping the file's extension."""
    return (slugify(title)[:80] or "download") + PurePosixPath(original or "").suffix.lower()


def file_download_open(*, user, asset_id: int) -> Download:
    """The plain file of a `file` asset, the download recorded."""
    log_context.bind(asset_id=asset_id)
    partner = download_partner(user)
    asset = _visible_asset(partner, asset_id)
    if not asset.kind_spec.plain_download:
        raise NotFound("This asset has no plain file.")
    version = asset.current_version
    if not version.source_file:
        raise NotFound("No file.")
    storage, name = version.source_file.storage, version.source_file.name
    filename = download_name(asset.title, version.source_name)
    handle = stored_name_open(storage, name)
    services.download_record(
        services.download_event(user=user, organisation=partner, asset=asset, file_name=filename)
    )
    return Download(storage, name, filename, "", handle)


def _visible_kit(partner: PartnerOrganisation, kit_id: int) -> Kit:
    kit = selectors.kits_visible_to(partner).filter(pk=kit_id).first()
    if kit is None:
        raise NotFound("No such kit.")
    return kit


def kit_download_open(*, user, kit_id: int) -> kit_bundle.KitZip | KitBundle:
    """Every asset of the kit in one ZIP, co-branded: the ZIP (its downloads
    recorded) when it can be had now, else the KitBundle being built in the
    background for the kit page to follow."""
    partner = download_partner(user)
    kit = _visible_kit(partner, kit_id)
    return kit_bundle.kit_zip_for_partner(kit=kit, partner=partner, user=user)


def kit_bundle_status(*, user, kit_id: int) -> tuple[Kit, KitBundle | None]:
    """The kit and the partner's ZIP build of it worth showing, if any: by
    the same decision as the download."""
    partner = download_partner(user)
    kit = _visible_kit(partner, kit_id)
    return kit, kit_bundle.kit_bundle_shown(kit=kit, partner=partner)
