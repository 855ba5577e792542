"""Sending stored files after a permission check.

How the bytes travel is DOWNLOAD_DELIVERY (settings):

- "stream": this process reads the file from storage and sends it;
- "x-accel": the answer carries X-Accel-Redirect to X_ACCEL_REDIRECT_PREFIX
  plus the stored name, and nginx sends the file from its internal location;
- "redirect": a 302 to a signed URL from the storage (S3: valid for
  DOWNLOAD_URL_SECONDS, with the file name and type written into the URL
  so the browser saves it under the right name).

Either way the permission check has already been made by the caller."""

import logging
import mimetypes

from django.conf import settings
from django.core.files.storage import Storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

from portal.core.errors import NotFound

STREAM, X_ACCEL, REDIRECT = "stream", "x-accel", "redirect"

log = logging.getLogger(__name__)


class FileUnavailable(NotFound):
    """The file is known but missing from storage."""


def stored_name_open(storage: Storage, name: str):
    """Open a stored file for serve_stored_name(handle=...): None when this
    process will not read it (X-Accel-Redirect, signed-URL redirects);
    FileUnavailable (logged) when it is missing."""
    if settings.DOWNLOAD_DELIVERY != STREAM:
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
    (FileUnavailable). DOWNLOAD_DELIVERY may hand the sending to the web
    server or the storage (see the module's docstring)."""
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
    delivery = settings.DOWNLOAD_DELIVERY
    if delivery == X_ACCEL:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.X_ACCEL_REDIRECT_PREFIX.rstrip("/") + "/" + name
        response["Content-Disposition"] = content_disposition_header(not inline, filename)
        return response
    if delivery == REDIRECT:
        return _signed_redirect(storage, name, filename, content_type, inline)
    if handle is None:
        handle = stored_name_open(storage, name)
    response = FileResponse(
        handle, as_attachment=not inline, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, max-age=0, must-revalidate"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _signed_redirect(
    storage: Storage, name: str, filename: str, content_type: str, inline: bool
) -> HttpResponse:
    """A 302 to a short-lived signed URL. The storage must sign URLs the way
    django-storages' S3 backend does: url(name, parameters=..., expire=...)."""
    url = storage.url(
        name,
        parameters={
            "ResponseContentDisposition": content_disposition_header(not inline, filename),
            "ResponseContentType": content_type,
        },
        expire=settings.DOWNLOAD_URL_SECONDS,
    )
    response = HttpResponseRedirect(url)
    # The URL is for this person, now: no cache may keep or share it.
    response["Cache-Control"] = "private, no-store"
    return response
