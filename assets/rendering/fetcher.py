"""The only way WeasyPrint may load anything while rendering an asset.

``MemoryURLFetcher`` serves the resources handed to it (partner logo, QR
code, the portal's own stylesheets and pictures) from memory, at URLs under
``RESOURCE_BASE``. Everything else is refused without any I/O: no file://,
no http(s) to real hosts, no FTP, so also no redirects to follow. ``data:``
URLs are accepted for pictures only (PNG, JPEG, GIF, WebP; size and pixel
count checked), because templates commonly inline small icons that way and
they cannot reach outside the document.

Refusing means raising: WeasyPrint logs the failure and leaves the resource
out (a missing image, an ignored stylesheet), and ``refused`` records it.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Mapping
from urllib.parse import unquote_to_bytes, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from assets.rendering.errors import ImageRejected
from assets.rendering.images import detect_image_format, open_checked
from assets.rendering.variables import RESOURCE_BASE

logger = logging.getLogger(__name__)

DATA_IMAGE_TYPES = {
    "image/png": "png",
    "image/jpeg": "jpeg",
    "image/gif": "gif",
    "image/webp": "webp",
}
MAX_DATA_URL_BYTES = 5 * 1024 * 1024


class ResourceRefused(ValueError):
    """Raised for any URL the fetcher will not serve."""


class MemoryURLFetcher(URLFetcher):
    """Serves ``resources`` ({path under RESOURCE_BASE: (bytes, mime type)})
    and small data: pictures; refuses every other URL."""

    def __init__(self, resources: Mapping[str, tuple[bytes, str]] | None = None) -> None:
        super().__init__(
            timeout=1,
            allowed_protocols=("https", "data"),
            allow_redirects=False,
            fail_on_errors=False,
        )
        self._resources = dict(resources or {})
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return self._data_url(url)
        parts = urlsplit(url)
        base = urlsplit(RESOURCE_BASE)
        if (parts.scheme, parts.netloc) == (base.scheme, base.netloc) and not parts.username:
            key = unquote_to_bytes(parts.path).decode("utf-8", "replace").lstrip("/")
            if key in self._resources:
                body, content_type = self._resources[key]
                return URLFetcherResponse(url, body, {"Content-Type": content_type})
        return self._refuse(url, "not a resource of this asset")

    def open(self, url, data=None, timeout=None):  # noqa: ARG002 - same signature as base
        """Never go through urllib's handlers, whatever calls us."""
        return self.fetch(url if isinstance(url, str) else url.full_url)

    def _refuse(self, url: str, reason: str):
        shown = url if len(url) < 120 else url[:117] + "..."
        self.refused.append(shown)
        logger.info("Refused to load %s while rendering: %s", shown, reason)
        raise ResourceRefused(f"Refused {shown}: {reason}")

    def _data_url(self, url: str) -> URLFetcherResponse:
        header, _, payload = url[5:].partition(",")
        media_type, *params = header.split(";")
        media_type = media_type.strip().lower()
        if media_type not in DATA_IMAGE_TYPES:
            return self._refuse(url, "data: URLs may only hold PNG, JPEG, GIF or WebP pictures")
        if len(payload) > MAX_DATA_URL_BYTES * 4 // 3 + 4:
            return self._refuse(url, "data: picture too large")
        try:
            if "base64" in (p.strip().lower() for p in params):
                body = base64.b64decode(payload, validate=False)
            else:
                body = unquote_to_bytes(payload)
        except (binascii.Error, ValueError):
            return self._refuse(url, "malformed data: URL")
        if detect_image_format(body) != DATA_IMAGE_TYPES[media_type]:
            return self._refuse(url, "data: URL content does not match its type")
        try:
            open_checked(body, what="embedded picture").close()
        except ImageRejected as exc:
            return self._refuse(url, exc.message)
        return URLFetcherResponse("data:", body, {"Content-Type": media_type})
