"""Sending stored files after a permission check."""

import logging
import mimetypes

from django.conf import settings
from django.core.files.storage import Storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header

from portal.core.errors import NotFound

log = logging.getLogger(__name__)


class FileUnavailable(NotFound):
    """The file is known but missing from storage."""


def stored_name_open(storage: Storage, name: str):
    """Open a stored file for serve_stored_name(handle=...): None when the web
    server will read it itself (X-Accel-Redirect); FileUnavailable (logged)
    when it is missing."""
    if settings.X_ACCEL_REDIRECT_PREFIX:
        return None
    try:
        return storage.open(name, "rb")
    except (FileNotFoundError, OSError):
        log.error("stored file missing: %s", name)
        raise FileUnavailable("This file is not available right now.") from None


def serve_stored_file(
    field: FieldFile,
    *,
    filename: str,
    content_type: str | None = None,
    inline: bool = False,
) -> HttpResponse:
    """Stream a stored file. The caller has already checked permission.

    A file missing from storage is logged and answered with 404
    (FileUnavailable). With
    X_ACCEL_REDIRECT_PREFIX set, the web server sends the bytes instead."""
    if not field or not field.name:
        raise NotFound("No file.")
    return serve_stored_name(
        field.storage, field.name, filename=filename, content_type=content_type, inline=inline
    )


def serve_stored_name(
    storage: Storage,
    name: str,
    *,
    filename: str,
    content_type: str | None = None,
    inline: bool = False,
    handle=None,
) -> HttpResponse:
    """serve_stored_file for a name in storage known without its model;
    `handle` is the file already opened by stored_name_open."""
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    prefix = settings.X_ACCEL_REDIRECT_PREFIX
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + name
        response["Content-Disposition"] = content_disposition_header(not inline, filename)
        return response
    if handle is None:
        handle = stored_name_open(storage, name)
    response = FileResponse(
        handle, as_attachment=not inline, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, max-age=0, must-revalidate"
    response["X-Content-Type-Options"] = "nosniff"
    return response
