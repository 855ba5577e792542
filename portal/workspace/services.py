"""Writes for the workspace that span more than one asset-library service."""

from __future__ import annotations

from django.db import transaction

from assets.models import Asset, AssetVersion
from assets.pending_uploads import pending_upload_discard
from assets.rendering import LayoutProblem
from assets.resources import resource_hashes
from assets.services import asset_thumbnail_queue, asset_version_create
from portal.core.errors import DomainError
from portal.workspace.selectors import base_page_sizes


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


class LayoutRefused(DomainError):
    """A layout that cannot be saved; `problems` name the zones at fault."""

    status = 400

    def __init__(self, problems: list[LayoutProblem]):
        super().__init__(problems[0].message if problems else "This layout cannot be saved.")
        self.problems = problems


class AssetChanged(DomainError):
    """The asset got a new version since the editor was opened."""


def asset_layout_save(
    *, asset: Asset, layout: object, by=None, based_on: int | None = None
) -> AssetVersion:
    """Save `layout` as the zones of a new version of `asset` (a layout
    asset), keeping its base file, pictures and every other part of its
    source. `based_on` is the version number the editor started from: a
    newer current version is not overwritten. Checked as the kind checks a
    saved source (schema, placeholders, pictures, pages, boxes inside the
    base's pages); raises LayoutRefused naming each zone at fault and saves
    nothing."""
    spec = asset.kind_spec
    with transaction.atomic():
        locked = Asset.objects.select_for_update(of=("self",)).get(pk=asset.pk)
        current = locked.current_version
        if current is None or not current.source_file:
            raise DomainError("This asset has no base file yet: upload one first.")
        if based_on is not None and current.number != based_on:
            raise AssetChanged(
                f"This asset changed since you opened the editor (it is at version "
                f"{current.number} now). Reload the page; your zones here are not saved."
            )
        if not isinstance(layout, list) or not layout:
            raise LayoutRefused(
                [LayoutProblem(None, "Add at least one zone: without zones nothing is co-branded.")]
            )
        problems = spec.layout_problems(
            layout,
            field_names=set(asset.editable_fields.values_list("name", flat=True)),
            resource_names=set(resource_hashes(current)),
            page_sizes=base_page_sizes(current),
        )
        if problems:
            raise LayoutRefused(problems)
        return asset_version_create(
            asset=asset,
            by=by,
            template=current.template,
            stylesheet=current.stylesheet,
            subject=current.subject,
            layout=layout,
            output_format=current.output_format,
        )
