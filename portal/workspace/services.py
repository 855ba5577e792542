"""Writes of the workspace. Each runs in one transaction: a refusal (a
DomainError, from the lifecycle checks or a layout check) leaves nothing
written."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify

from assets import lifecycle
from assets.models import (
    Asset,
    AssetVersion,
    EditableField,
    GuidelineEntry,
    Kit,
    Lesson,
    Tag,
)
from assets.pending_uploads import (
    asset_pending_upload,
    pending_upload_discard,
    pending_upload_file,
)
from assets.rendering import LayoutProblem
from assets.resources import resource_hashes, resources_carry
from assets.services import asset_thumbnail_queue, asset_version_create
from portal.core.errors import DomainError
from portal.workspace.forms import CheckedCover, KitInput
from portal.workspace.selectors import base_page_sizes, layout_base


def tags_for_names(names: list[str]) -> list[Tag]:
    """The tags of these names, made when missing (matched by slug, so
    "Spring launch" reuses "spring-launch")."""
    tags = []
    for name in names:
        tag, _ = Tag.objects.get_or_create(slug=slugify(name)[:40], defaults={"name": name[:40]})
        tags.append(tag)
    return tags


def _store_cover(kit: Kit, cover: CheckedCover) -> None:
    picture = cover.picture
    extension = "jpg" if picture.format == "jpeg" else picture.format
    kit.cover_image.save(f"cover.{extension}", ContentFile(picture.data), save=False)


def _apply(kit: Kit, data: KitInput) -> None:
    kit.title = data.title
    kit.summary = data.summary
    kit.audience_min_tier = data.audience_min_tier
    kit.audience_types = list(data.audience_types)
    if data.cover is not None:
        _store_cover(kit, data.cover)
    elif data.remove_cover:
        # The stored file stays: copies of this kit may show it too.
        kit.cover_image = ""
    kit.save()
    kit.tags.set([*data.tags, *tags_for_names(data.new_tags)])
    kit.audience_tiers.set(data.audience_tiers)
    kit.audience_regions.set(data.audience_regions)
    kit.audience_partners.set(data.audience_partners)


@transaction.atomic
def kit_create(*, data: KitInput, by) -> Kit:
    """A new draft kit; a publish date schedules it."""
    kit = Kit(status=Kit.Status.DRAFT)
    _apply(kit, data)
    if data.dates:
        lifecycle.kit_dates_change(kit=kit, by=by, **data.dates)
    return kit


@transaction.atomic
def kit_update(*, kit: Kit, data: KitInput, by) -> Kit:
    """Change a kit's content and audience; changed dates go through the
    lifecycle (a new publish date schedules the kit)."""
    stored = Kit.objects.select_for_update().only("publish_at", "expires_at").get(pk=kit.pk)
    kit.publish_at, kit.expires_at = stored.publish_at, stored.expires_at
    _apply(kit, data)
    if data.dates:
        lifecycle.kit_dates_change(kit=kit, by=by, **data.dates)
    return kit


@transaction.atomic
def kit_duplicate(*, kit: Kit, by) -> Kit:
    """A draft copy of `kit` titled "<title> (copy)": the same summary, cover,
    tags and audience, and a copy of every asset in order, each with a first
    version holding its original's current source (the stored files are
    shared, as versions share them: stored files are never overwritten), its
    pictures, editable fields, guideline entries and lessons. No dates: the
    copy is scheduled or published on its own."""
    original = Kit.objects.get(pk=kit.pk)
    copy = Kit.objects.create(
        title=f"{original.title} (copy)"[: Kit._meta.get_field("title").max_length],
        summary=original.summary,
        cover_image=original.cover_image.name,
        status=Kit.Status.DRAFT,
        audience_min_tier_id=original.audience_min_tier_id,
        audience_types=list(original.audience_types or ()),
    )
    copy.tags.set(original.tags.all())
    copy.audience_tiers.set(original.audience_tiers.all())
    copy.audience_regions.set(original.audience_regions.all())
    copy.audience_partners.set(original.audience_partners.all())
    assets = original.assets.select_related("current_version").order_by("position", "id")
    for asset in assets:
        _asset_duplicate(asset, copy, by)
    return copy


def _asset_duplicate(asset: Asset, kit: Kit, by) -> Asset:
    copy = Asset.objects.create(
        kit=kit,
        kind=asset.kind,
        title=asset.title,
        description=asset.description,
        thumbnail=asset.thumbnail.name,
        position=asset.position,
    )
    source = asset.current_version
    if source is not None:
        version = AssetVersion.objects.create(
            asset=copy,
            number=1,
            source_file=source.source_file.name,
            source_name=source.source_name,
            source_size=source.source_size,
            source_sha256=source.source_sha256,
            template=source.template,
            stylesheet=source.stylesheet,
            subject=source.subject,
            layout=source.layout,
            output_format=source.output_format,
            content_hash=source.content_hash,
            created_by=by if by is not None and by.is_authenticated else None,
        )
        resources_carry(source=source, target=version)
        copy.current_version = version
        copy.save(update_fields=["current_version", "updated_at"])
    for row in asset.editable_fields.all():
        EditableField.objects.create(
            asset=copy,
            name=row.name,
            label=row.label,
            field_type=row.field_type,
            required=row.required,
            max_length=row.max_length,
            default=row.default,
            choices=row.choices,
            help_text=row.help_text,
            position=row.position,
        )
    for row in asset.guideline_entries.all():
        GuidelineEntry.objects.create(
            asset=copy, section=row.section, title=row.title, body=row.body, position=row.position
        )
    for row in asset.lessons.all():
        Lesson.objects.create(
            asset=copy,
            title=row.title,
            body=row.body,
            attachment=row.attachment.name,
            attachment_name=row.attachment_name,
            position=row.position,
        )
    return copy


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


def _first_layout_save(asset: Asset, layout: object, *, by, based_on) -> AssetVersion:
    """Version 1 of a draft layout asset: its kept upload with `layout`."""
    pending = asset_pending_upload(asset)
    if pending is None:
        raise DomainError("This asset has no base file yet: upload one first.")
    if based_on is not None:
        raise AssetChanged(
            "This asset changed since you opened the editor. Reload the page; "
            "your zones here are not saved."
        )
    if not isinstance(layout, list) or not layout:
        raise LayoutRefused(
            [LayoutProblem(None, "Add at least one zone: without zones nothing is co-branded.")]
        )
    spec = asset.kind_spec
    problems = spec.layout_problems(
        layout,
        field_names=set(asset.editable_fields.values_list("name", flat=True)),
        resource_names=set(),
        page_sizes=layout_base(asset).page_sizes(),
    )
    if problems:
        raise LayoutRefused(problems)
    version = asset_version_create(
        asset=asset, by=by, source_file=pending_upload_file(pending), layout=layout
    )
    pending_upload_discard(pending)
    return version


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
        if current is None:
            return _first_layout_save(locked, layout, by=by, based_on=based_on)
        if not current.source_file:
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
