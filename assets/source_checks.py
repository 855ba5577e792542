"""Checks run when a marketing admin saves an asset's source, so that problems
show up then, not when a partner downloads."""

from django.conf import settings
from django.template.defaultfilters import filesizeformat

from assets.models import AssetKind


def check_asset_source(
    *, kind: str, template: str, layout: list, upload, field_names: set[str]
) -> list[tuple[str, str]]:
    """(form field, message) for every problem in the source."""
    problems: list[tuple[str, str]] = []
    if upload is not None:
        problems.extend(("source_upload", m) for m in _check_upload(kind, upload))
    return problems


def _check_upload(kind: str, upload) -> list[str]:
    limit = settings.ASSET_MAX_UPLOAD_BYTES
    if upload.size > limit:
        return [f"This file is {filesizeformat(upload.size)}; the limit is {filesizeformat(limit)}."]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if kind == AssetKind.PDF_LAYOUT and not head.startswith(b"%PDF-"):
        return ["This file is not a PDF."]
    if kind == AssetKind.IMAGE_LAYOUT:
        from assets.rendering.images import detect_image_format

        upload.seek(0)
        fmt = detect_image_format(upload.read(64))
        upload.seek(0)
        if fmt not in {"png", "jpeg", "webp"}:
            return ["Upload a PNG, JPEG or WebP image."]
    return []
