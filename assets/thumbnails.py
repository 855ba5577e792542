"""Asset thumbnails made from the real source: the first page of a PDF, the
picture itself, or a template rendered with sample values. What to draw is
the kind's answer (`AssetKindSpec.thumbnail_output`); the drawing is the
rendering library's preview. Anything that can't be drawn gets a plain
picture naming the kind instead: a thumbnail never fails a request."""

import io
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageDraw, ImageFont

from assets.models import Asset
from assets.pending_uploads import asset_pending_upload, pending_upload_data
from assets.rendering import ImageRejected, RenderError

log = logging.getLogger(__name__)

#: Largest thumbnail, in pixels.
THUMBNAIL_SIZE = (640, 640)
ICON_SIZE = (640, 400)


def thumbnail_png(asset: Asset) -> bytes:
    """The asset's thumbnail as PNG bytes (the kind's icon when its source
    can't be drawn)."""
    spec = asset.kind_spec
    version = asset.current_version
    try:
        pending = None if version is not None else asset_pending_upload(asset)
        upload = (pending.original_name, pending_upload_data(pending)) if pending else None
        output = spec.thumbnail_output(asset=asset, version=version, upload=upload)
        if output is not None:
            return _scaled(spec.preview_pages(output, max_pages=1)[0])
    except (RenderError, ImageRejected, OSError) as exc:
        log.warning("thumbnail of asset %s falls back to its icon: %s", asset.pk, exc)
    except Exception:  # noqa: BLE001 - a broken source must not break the page; logged
        log.exception("thumbnail of asset %s falls back to its icon", asset.pk)
    return kind_icon_png(spec.label)


def asset_thumbnail_refresh(*, asset: Asset) -> Asset:
    """Make the asset's thumbnail again from its current source and store it
    under a new random name (the old file goes once this commits)."""
    png = thumbnail_png(asset)
    old = asset.thumbnail.name if asset.thumbnail else ""
    asset.thumbnail.save("thumbnail.png", ContentFile(png), save=False)
    # A save (with its signals) so caches that show the asset are retired.
    asset.save(update_fields=["thumbnail"])
    if old:
        storage = asset.thumbnail.storage
        transaction.on_commit(lambda: storage.delete(old))
    return asset


def _scaled(png: bytes) -> bytes:
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        picture = image.convert("RGB")
    picture.thumbnail(THUMBNAIL_SIZE, Image.Resampling.LANCZOS)
    return _png(picture)


def kind_icon_png(label: str) -> bytes:
    """A neutral picture naming the kind, for sources with nothing to draw."""
    picture = Image.new("RGB", ICON_SIZE, (233, 236, 239))
    draw = ImageDraw.Draw(picture)
    width, height = ICON_SIZE
    draw.rounded_rectangle(
        (width // 2 - 60, height // 2 - 110, width // 2 + 60, height // 2 + 20),
        radius=12,
        outline=(108, 117, 125),
        width=6,
    )
    font = ImageFont.load_default(size=30)
    draw.text((width // 2, height // 2 + 70), label, fill=(52, 58, 64), font=font, anchor="mm")
    return _png(picture)


def _png(picture: Image.Image) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
