"""Writing files so that their name never holds a partial file: the bytes go
to a temporary name beside the target and are renamed into place. Object
stores (S3) only ever show whole objects, so there the storage's own save is
already whole."""

import os
import shutil
import uuid
from pathlib import Path

from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage

_CHUNK = 1024 * 1024


def write_file_atomically(path: Path, data) -> None:
    """Write `data` (bytes, or a binary file object to copy in chunks) to a
    temporary file beside `path`, then rename it into place: `path` holds
    the old file or the whole new one, never half."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(temporary, "wb") as handle:
            if isinstance(data, bytes | bytearray | memoryview):
                handle.write(data)
            else:
                shutil.copyfileobj(data, handle, _CHUNK)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def storage_save_whole(storage: Storage, name: str, data) -> str:
    """Store `data` (bytes or a binary file object) at exactly `name` in
    `storage`, never leaving a partial file under that name; returns the
    name. Local files are written atomically; other storages save whole."""
    if isinstance(storage, FileSystemStorage):
        path = Path(storage.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        write_file_atomically(path, data)
        return name
    if isinstance(data, bytes | bytearray | memoryview):
        from django.core.files.base import ContentFile

        return storage.save(name, ContentFile(bytes(data)))
    return storage.save(name, File(data))
