"""Writes to the asset library."""

import hashlib
import json
import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import connection, transaction
from django.db.models import Max

from assets.kinds import HEAD_BYTES, sniff, spec_for
from assets.models import (
    Asset,
    AssetVersion,
    DownloadEvent,
    FieldValues,
    Kit,
    Lesson,
    LessonCompletion,
    MessagingRule,
    PendingUpload,
    PrerenderRun,
)
from assets.pending_uploads import pending_upload_data, pending_upload_discard
from assets.resources import NewPicture, resources_after, resources_carry
from portal.core.errors import DomainError
from portal.core.queue import queue_on_commit
from portal.partners.models import PartnerOrganisation

log = logging.getLogger(__name__)


def _file_sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def source_content_hash(
    *,
    kind: str,
    file_sha256: str = "",
    template: str = "",
    stylesheet: str = "",
    subject: str = "",
    layout: list | None = None,
    output_format: str = "",
    resources: Mapping[str, str] | None = None,
) -> str:
    """A hash of everything that makes up an asset's source; ``resources``
    maps each picture's name to its sha256."""
    source = {
        "kind": kind,
        "file": file_sha256,
        "template": template,
        "stylesheet": stylesheet,
        "subject": subject,
        "layout": layout or [],
        "format": output_format,
    }
    if resources:  # absent when empty: hashes of versions without pictures stay as they were
        source["resources"] = dict(resources)
    payload = json.dumps(
        source,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


@transaction.atomic
def asset_version_create(
    *,
    asset: Asset,
    by=None,
    source_file: UploadedFile | None = None,
    template: str = "",
    stylesheet: str = "",
    subject: str = "",
    layout: list | None = None,
    output_format: str = "",
    pictures: Sequence[NewPicture] = (),
    remove_pictures: Collection[str] = (),
) -> AssetVersion:
    """Record a new immutable version when the source changed; otherwise
    return the current one. Without a new file the current file is kept.
    The current version's pictures are carried over, without
    ``remove_pictures`` and with ``pictures`` added or replacing same names
    (assets/resources.py)."""
    # Lock the asset row so two saves can't both take the next number.
    locked = (
        Asset.objects.select_for_update(of=("self",))
        .select_related("current_version")
        .get(pk=asset.pk)
    )
    current = locked.current_version
    if source_file is not None:
        file_hash = _file_sha256(source_file)
    else:
        file_hash = current.source_sha256 if current is not None else ""
    content_hash = source_content_hash(
        kind=asset.kind,
        file_sha256=file_hash,
        template=template,
        stylesheet=stylesheet,
        subject=subject,
        layout=layout,
        output_format=output_format,
        resources=resources_after(current, add=pictures, remove=remove_pictures),
    )
    if current is not None and current.content_hash == content_hash:
        asset.current_version = current
        return current
    number = (asset.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = AssetVersion(
        asset=asset,
        number=number,
        template=template,
        stylesheet=stylesheet,
        subject=subject,
        layout=layout or [],
        output_format=output_format,
        content_hash=content_hash,
        created_by=by if by is not None and by.is_authenticated else None,
    )
    if source_file is not None:
        version.source_name = (source_file.name or "file").rsplit("/", 1)[-1][:200]
        version.source_size = source_file.size
        version.source_sha256 = file_hash
        version.source_file.save(version.source_name, source_file, save=False)
    elif current is not None and current.source_file:
        # Versions may share a stored file: files are never overwritten.
        version.source_file = current.source_file.name
        version.source_name = current.source_name
        version.source_size = current.source_size
        version.source_sha256 = current.source_sha256
    version.save()
    resources_carry(source=current, target=version, add=pictures, remove=remove_pictures)
    asset.current_version = version
    asset.save(update_fields=["current_version", "updated_at"])
    return version


def download_event(
    *, user, organisation: PartnerOrganisation, asset: Asset, file_name: str
) -> DownloadEvent:
    """An unsaved record of one download: who took which version of what."""
    return DownloadEvent(
        user=user if user.is_authenticated else None,
        organisation=organisation,
        asset=asset,
        asset_version=asset.current_version,
        file_name=file_name,
    )


def download_record(*events: DownloadEvent) -> None:
    """Save download events with one plain INSERT, however many (a kit ZIP has
    several). A warm download runs this on every request, so it skips the
    model save machinery (savepoint, signals, returned ids): bulk_create
    cost three times as much."""
    if not events:
        return
    fields = [f for f in DownloadEvent._meta.concrete_fields if not f.primary_key]
    ops = connection.ops
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    params = []
    for event in events:
        event.file_name = event.file_name[:200]
        params += [f.get_db_prep_save(getattr(event, f.attname), connection) for f in fields]
    table = ops.quote_name(DownloadEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(events))}",  # noqa: S608
            params,
        )


def lesson_mark_complete(*, lesson: Lesson, user) -> LessonCompletion:
    completion, _ = LessonCompletion.objects.get_or_create(lesson=lesson, user=user)
    return completion


def lesson_mark_incomplete(*, lesson: Lesson, user) -> None:
    LessonCompletion.objects.filter(lesson=lesson, user=user).delete()


def field_values_save(
    *, asset: Asset, partner: PartnerOrganisation, values: dict[str, str], by=None
) -> FieldValues:
    """Remember a partner's values for an asset's editable fields; the
    asset is rendered again with them (in the background)."""
    from assets.prerender import partner_prerender_queue

    record, _ = FieldValues.objects.update_or_create(
        asset=asset,
        organisation=partner,
        defaults={
            "values": values,
            "updated_by": by if by is not None and by.is_authenticated else None,
        },
    )
    partner_prerender_queue(
        partner_id=partner.pk, reason=PrerenderRun.Reason.FIELD_VALUES, asset_id=asset.pk
    )
    return record


def asset_thumbnail_queue(*, asset: Asset) -> None:
    """Make the asset's thumbnail in the background once this commits."""
    from assets.tasks import asset_thumbnail_refresh

    queue_on_commit(asset_thumbnail_refresh, asset.pk)


@dataclass
class UploadedAsset:
    """An asset made from one uploaded file, and what its source still
    needs (field, message) before it can have a version; empty when it has one."""

    asset: Asset
    problems: list[tuple[str, str]]


@transaction.atomic
def asset_create_from_upload(
    *, kit: Kit, pending: PendingUpload, kind: str, title: str = "", by=None
) -> UploadedAsset:
    """An asset of `kind` made from a kept upload, at the end of the kit.

    The kind makes its first source from the file (`source_from_upload`)
    and checks it as a save would. A complete source becomes version 1
    and the upload is used up; one that still needs something (a designed
    PDF has no zones yet) leaves a draft asset without a version, which
    partners never see, and keeps the file as that asset's pending upload
    for its source page. The thumbnail is made in the background."""
    try:
        spec = spec_for(kind)
    except KeyError:
        raise DomainError(f"“{kind}” is not a kind of asset.") from None
    name = pending.original_name
    data = pending_upload_data(pending)
    if spec.claims(sniff(name, data[:HEAD_BYTES])) <= 0:
        raise DomainError(f"“{name}” can't be made into a {spec.label.lower()}.")
    source = spec.source_from_upload(name, data)
    upload = None
    if source.file_data is not None:
        upload = SimpleUploadedFile(source.file_name or name, source.file_data)
    problems = spec.check_source(
        template=source.template,
        stylesheet=source.stylesheet,
        subject=source.subject,
        layout=source.layout,
        upload=upload,
        field_names=set(),
        resource_names=set(),
    )
    last = kit.assets.aggregate(n=Max("position"))["n"]
    asset = Asset.objects.create(
        kit=kit,
        kind=spec.key,
        title=(title.strip() or PurePosixPath(name).stem or "Untitled")[:150],
        position=0 if last is None else last + 1,
    )
    if problems:
        pending.asset, pending.kit = asset, kit
        pending.save(update_fields=["asset", "kit"])
    else:
        asset_version_create(
            asset=asset,
            by=by,
            source_file=upload,
            template=source.template,
            stylesheet=source.stylesheet,
            subject=source.subject,
            layout=source.layout,
            output_format=source.output_format,
        )
        pending_upload_discard(pending)
    asset_thumbnail_queue(asset=asset)
    return UploadedAsset(asset=asset, problems=problems)


def messaging_rule_create(
    *, kind: str, text: str, kit=None, partner_type: str = "", by=None
) -> MessagingRule:
    """Add a banned phrase or a required legal line to a kit, or to every
    asset rendered for partners of `partner_type`. Raises DomainError for a
    rule that is empty, aimed at neither or both, or already there."""
    from assets.messaging import normalise_phrase

    text = " ".join((text or "").split())
    if not text:
        raise DomainError("Write the phrase or the legal line.")
    if (kit is None) == (not partner_type):
        raise DomainError("A rule belongs to one kit or to one partner type.")
    same_scope = MessagingRule.objects.filter(kind=kind, kit=kit, partner_type=partner_type or "")
    existing = {normalise_phrase(t) for t in same_scope.values_list("text", flat=True)}
    if normalise_phrase(text) in existing:
        raise DomainError(f"“{text}” is already a rule here.")
    rule = MessagingRule.objects.create(
        kind=kind, text=text, kit=kit, partner_type=partner_type or ""
    )
    log.info("messaging rule %s added by %s", rule.pk, getattr(by, "pk", "-"))
    return rule


def messaging_rule_delete(*, rule: MessagingRule, by=None) -> None:
    log.info("messaging rule %s removed by %s", rule.pk, getattr(by, "pk", "-"))
    rule.delete()
