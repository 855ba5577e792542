"""Removing renditions nobody will ask for again."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.storage import default_storage
from django.db.models import F, Q
from django.utils import timezone

from assets.models import KitBundle, Rendition

log = logging.getLogger(__name__)


@dataclass
class PruneReport:
    rows: int = 0
    files: int = 0
    bytes: int = 0


def _walk(storage, folder: str):
    try:
        dirs, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield f"{folder}/{name}"
    for name in dirs:
        yield from _walk(storage, f"{folder}/{name}")


def prune_renditions(*, older_than_days: int, dry_run: bool = False) -> PruneReport:
    """Delete renditions unused for `older_than_days` or made from a version
    that is no longer its asset's current one; then delete files under
    renditions/ that no row points at (left by a crash) once they are more
    than an hour old, stray temporary files included."""
    report = PruneReport()
    cutoff = timezone.now() - timedelta(days=older_than_days)
    stale = Rendition.objects.filter(
        Q(last_used_at__lt=cutoff)
        | ~Q(asset_version_id=F("asset_version__asset__current_version_id"))
    )
    for rendition in stale.iterator():
        report.rows += 1
        report.bytes += rendition.size
        if rendition.file.name and rendition.file.storage.exists(rendition.file.name):
            report.files += 1
            if not dry_run:
                rendition.file.storage.delete(rendition.file.name)
        if not dry_run:
            rendition.delete()
    known = set(Rendition.objects.values_list("file", flat=True))
    hour_ago = timezone.now() - timedelta(hours=1)
    for name in _walk(default_storage, "renditions"):
        if name in known:
            continue
        # A render stores its file just before its row: anything this young
        # may be one finishing now (or a temporary file still being written).
        try:
            if default_storage.get_modified_time(name) > hour_ago:
                continue
        except (NotImplementedError, OSError):
            pass
        report.files += 1
        report.bytes += default_storage.size(name)
        if not dry_run:
            default_storage.delete(name)
            log.info("pruned orphan rendition file %s", name)
    return report


def prune_kit_bundles(*, older_than_days: int, dry_run: bool = False) -> PruneReport:
    """Delete built kit ZIPs (and their files) untouched for `older_than_days`:
    a partner asking again gets a warm ZIP from the renditions or a new build."""
    report = PruneReport()
    cutoff = timezone.now() - timedelta(days=older_than_days)
    for bundle in KitBundle.objects.filter(updated_at__lt=cutoff).iterator():
        report.rows += 1
        if bundle.file.name and bundle.file.storage.exists(bundle.file.name):
            report.files += 1
            report.bytes += bundle.file.storage.size(bundle.file.name)
            if not dry_run:
                bundle.file.storage.delete(bundle.file.name)
        if not dry_run:
            bundle.delete()
    return report
