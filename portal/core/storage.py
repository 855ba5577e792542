"""The project's file storages: Django's (or django-storages' S3 backend)
plus one ability, telling a piece of work which files it stored.

A multi-step write that stores files as it goes (a kit import stores covers,
sources, pictures and lesson files through many services) wraps itself in
`files_saved_during()`; if its transaction fails, it deletes what it
stored, so a refused import leaves no orphaned files. Saves made by other
threads or requests meanwhile are not recorded (the record is a context
variable)."""

import contextlib
from contextvars import ContextVar

from django.core.files.storage import FileSystemStorage

_saved: ContextVar[list[str] | None] = ContextVar("files_saved", default=None)


class SaveRecordingMixin:
    def save(self, name, content, max_length=None):
        name = super().save(name, content, max_length=max_length)
        record = _saved.get()
        if record is not None:
            record.append(name)
        return name


class RecordingFileSystemStorage(SaveRecordingMixin, FileSystemStorage):
    """Local files (the default)."""


@contextlib.contextmanager
def files_saved_during():
    """Yield a list that fills with the names of the files saved (through a
    storage with SaveRecordingMixin) inside the block."""
    record: list[str] = []
    token = _saved.set(record)
    try:
        yield record
    finally:
        _saved.reset(token)
