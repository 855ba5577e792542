"""Uploads kept between two tries of a form.

A file that passed its checks while the rest of the form did not is stored
under `pending/` and named to the browser by a signed token, carried in a
hidden field, so the admin need not upload it again. The token is signed:
a browser can only hand back a name this server gave out, and only for
`MAX_AGE` seconds. `pending_prune` removes what nobody came back for.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

log = logging.getLogger(__name__)

FOLDER = "pending"
MAX_AGE = 24 * 60 * 60
_SALT = "portal.workspace.pending_uploads"


@dataclass(frozen=True)
class PendingUpload:
    token: str
    name: str  # the original file name, to show
    data: bytes


def pending_store(data: bytes, *, name: str) -> str:
    """Keep `data` (already checked) and return its token."""
    stored = default_storage.save(f"{FOLDER}/{uuid.uuid4().hex}", ContentFile(data))
    return signing.dumps({"path": stored, "name": name[:200]}, salt=_SALT, compress=True)


def pending_load(token: str) -> PendingUpload | None:
    """The upload a token names, or None when the token is forged, too old,
    or its file is gone."""
    if not token:
        return None
    try:
        payload = signing.loads(token, salt=_SALT, max_age=MAX_AGE)
        path = payload["path"]
    except (signing.BadSignature, KeyError, TypeError):
        return None
    if not str(path).startswith(f"{FOLDER}/"):
        return None
    try:
        with default_storage.open(path, "rb") as handle:
            data = handle.read()
    except (FileNotFoundError, OSError):
        return None
    return PendingUpload(token=token, name=str(payload.get("name", "")), data=data)


def pending_discard(token: str) -> None:
    """Forget a kept upload once it has been used."""
    try:
        path = signing.loads(token, salt=_SALT)["path"]
    except (signing.BadSignature, KeyError, TypeError):
        return
    if str(path).startswith(f"{FOLDER}/"):
        default_storage.delete(path)


def pending_prune(*, older_than: timedelta = timedelta(seconds=MAX_AGE)) -> int:
    """Delete kept uploads older than `older_than`; return how many."""
    try:
        _, files = default_storage.listdir(FOLDER)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    cutoff = timezone.now() - older_than
    removed = 0
    for name in files:
        path = f"{FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(path) > cutoff:
                continue
        except (NotImplementedError, OSError):
            continue
        default_storage.delete(path)
        removed += 1
    if removed:
        log.info("pruned %d pending uploads", removed)
    return removed
