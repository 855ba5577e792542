"""Uploads kept between two requests (`PendingUpload`): the files of a bulk
upload until their kinds are confirmed, and the base file of a source save
that failed validation, so the admin need not upload it again.

A file is checked when it arrives, the way the admin checks a source
(size cap, an unreadable PDF refused and a readable one stripped of active
content, a picture decoded safely), and stored under a random name. Forms
carry a signed token naming the row; a token only opens uploads of the
person who made them.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.forms import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from assets.kinds import HEAD_BYTES, sniff
from assets.models import Asset, Kit, PendingUpload
from assets.rendering import ImageRejected, load_base_image
from portal.core.errors import DomainError
from portal.core.uploads import pdf_upload_clean

_SALT = "assets.pending-upload"
#: How long a token opens its upload.
TOKEN_MAX_AGE = timedelta(days=2)
#: Uploads of a bulk upload never confirmed are pruned after this.
UNCLAIMED_MAX_AGE = timedelta(days=1)


def upload_check(upload: UploadedFile) -> tuple[UploadedFile, tuple[str, ...]]:
    """An uploaded source file as it may be stored, and what was removed
    from it; DomainError naming the problem when it can't be used at all."""
    name = (upload.name or "file").rsplit("/", 1)[-1]
    limit = settings.ASSET_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise DomainError(
            f"This file is {filesizeformat(upload.size)}; the limit is {filesizeformat(limit)}."
        )
    if not upload.size:
        raise DomainError("This file is empty.")
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    try:
        cleaned, removed = pdf_upload_clean(upload)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages)) from None
    if sniff(name, head).is_base_image:
        try:
            load_base_image(upload.read())
        except ImageRejected as exc:
            raise DomainError(exc.message) from None
        finally:
            upload.seek(0)
    return cleaned, removed


def pending_upload_store(
    *, upload: UploadedFile, by, kit: Kit | None = None, asset: Asset | None = None
) -> PendingUpload:
    """Check an upload (`upload_check`) and keep it under a random name."""
    cleaned, removed = upload_check(upload)
    name = (upload.name or "file").rsplit("/", 1)[-1][:200]
    pending = PendingUpload(
        original_name=name,
        size=cleaned.size,
        created_by=by,
        kit=kit,
        asset=asset,
        removed=list(removed),
    )
    pending.file.save(name, cleaned, save=False)
    pending.save()
    return pending


def pending_upload_token(pending: PendingUpload) -> str:
    return signing.dumps(pending.pk, salt=_SALT, compress=False)


def pending_upload_from_token(
    token: str, *, by, asset: Asset | None = None
) -> PendingUpload | None:
    """The upload a token names, if it is still there, was made by `by`
    and (when given) belongs to `asset` or to no asset; else None."""
    if not token:
        return None
    try:
        pk = signing.loads(token, salt=_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    pending = PendingUpload.objects.filter(pk=pk, created_by=by).first()
    if pending is None or (asset is not None and pending.asset_id not in (None, asset.pk)):
        return None
    return pending


def pending_upload_head(pending: PendingUpload) -> bytes:
    with pending.file.open("rb") as handle:
        return handle.read(HEAD_BYTES)


def pending_upload_data(pending: PendingUpload) -> bytes:
    with pending.file.open("rb") as handle:
        return handle.read()


def pending_upload_file(pending: PendingUpload) -> UploadedFile:
    """The kept file as an upload again, for forms and services that take one."""
    handle = pending.file.storage.open(pending.file.name, "rb")
    return UploadedFile(
        file=handle, name=pending.original_name, content_type=None, size=pending.size
    )


def pending_upload_discard(pending: PendingUpload) -> None:
    """Delete the row, and its file once the transaction commits."""
    storage, name = pending.file.storage, pending.file.name
    pending.delete()
    transaction.on_commit(lambda: storage.delete(name))


def asset_pending_upload(asset: Asset) -> PendingUpload | None:
    """The newest file kept for an asset's source, if any."""
    return asset.pending_uploads.order_by("-created_at", "-pk").first()


def pending_uploads_prune(*, now=None) -> int:
    """Delete uploads nobody can use any more: those of a bulk upload never
    confirmed, and those kept from a failed save of an asset that has a
    version, once no token opens them. The base file of an asset still
    without a version stays until the asset gets one. Returns how many."""
    now = now or timezone.now()
    stale = PendingUpload.objects.filter(
        created_at__lt=now - UNCLAIMED_MAX_AGE, asset__isnull=True
    ) | PendingUpload.objects.filter(
        created_at__lt=now - TOKEN_MAX_AGE, asset__current_version__isnull=False
    )
    count = 0
    for pending in stale:
        pending_upload_discard(pending)
        count += 1
    return count
