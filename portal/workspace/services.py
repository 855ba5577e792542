"""Writes of the workspace that span more than one asset-library service."""

from django.db import transaction

from assets.models import Asset, AssetVersion
from assets.pending_uploads import pending_upload_discard
from assets.services import asset_thumbnail_queue, asset_version_create


@transaction.atomic
def asset_page_save(*, form, formsets, by) -> tuple[Asset, AssetVersion | None]:
    """Save a valid asset page: the details, the rows of its formsets, then
    the source (a new version only when it changed, checked by the form
    through the kind's contract). A kept upload taken as the source is used
    up; a new version gets a new thumbnail in the background."""
    kept = form.used_kept_upload()
    asset = form.save()
    for formset in formsets:
        formset.save()
    version = None
    if asset.kind_spec.versioned:
        before = asset.current_version_id
        version = asset_version_create(asset=asset, by=by, **form.version_arguments())
        if kept is not None:
            pending_upload_discard(kept)
        if version.pk != before:
            asset_thumbnail_queue(asset=asset)
    return asset, version
