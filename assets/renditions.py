"""Co-branded outputs on demand, cached under content keys.

`render_for_partner` is the one way to get a partner's file: it builds the
renderer's plain inputs, computes a key that hashes everything the output
depends on, and returns the stored rendition for that key, rendering it
first when there is none. Identical concurrent requests render once (a lock
in the cache: Redis in production), files are written under a temporary
name and moved into place, and the database row is created only once the
file is complete."""

import dataclasses
import datetime
import logging
import os
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import IntegrityError
from django.utils import timezone

from assets.branding import brand_for_partner, render_context_for
from assets.fields import field_defaults, values_for_render
from assets.models import Asset, AssetVersion, Rendition, rendition_path
from assets.rendering import (
    Brand,
    Output,
    RenderContext,
    RenderError,
    rendition_key,
    sample_context,
)
from portal.core import log_context
from portal.partners.models import PartnerOrganisation

log = logging.getLogger(__name__)

PREVIEW = "preview"
LOCK_SECONDS = 120
WAIT_SECONDS = 90


def formats_for(asset: Asset) -> tuple[str, ...]:
    """The asset's download formats, the version's preferred one first."""
    formats = asset.kind_spec.formats
    preferred = asset.current_version.output_format if asset.current_version else ""
    if preferred in formats:
        return (preferred, *(f for f in formats if f != preferred))
    return formats


def missing_details(asset: Asset, brand: Brand) -> list[str]:
    """Brand-profile fields this asset needs that the brand lacks."""
    return asset.kind_spec.missing_details(asset.current_version, brand)


def render_output(
    *, asset: Asset, version: AssetVersion, ctx: RenderContext, output_format: str
) -> Output:
    """Render one asset version for one context. No caching, no database writes."""
    return asset.kind_spec.render(
        asset=asset, version=version, ctx=ctx, output_format=output_format
    )


@dataclass(frozen=True)
class RenderRequest:
    """Everything that decides one output."""

    asset: Asset
    version: AssetVersion
    organisation: PartnerOrganisation | None
    ctx: RenderContext
    output_format: str

    @cached_property
    def key(self) -> str:
        return rendition_key(
            asset_version=f"{self.version.pk}:{self.version.content_hash}",
            ctx=self.ctx,
            output_format=self.output_format,
        )


def request_for_partner(
    *,
    asset: Asset,
    partner: PartnerOrganisation,
    output_format: str | None = None,
    landing_url: str = "",
    today: datetime.date | None = None,
) -> RenderRequest:
    """What decides the partner's output. The context carries the date
    (`today`, else the server's date) only when the source prints it, so
    the key of an undated output is the same tomorrow."""
    fmt = output_format or formats_for(asset)[0]
    if fmt not in (*formats_for(asset), PREVIEW):
        raise RenderError(f"This asset can't be downloaded as {fmt}.")
    version = asset.current_version
    ctx = render_context_for(
        brand=brand_for_partner(partner),
        field_values=values_for_render(asset, partner),
        landing_url=landing_url,
        today=today,
        dated=asset.kind_spec.uses_today(version),
    )
    return RenderRequest(asset, version, partner, ctx, fmt)


def request_with_sample(
    *, asset: Asset, output_format: str | None = None, today: datetime.date | None = None
) -> RenderRequest:
    """For admin previews: the sample brand and each field's default."""
    fmt = output_format or formats_for(asset)[0]
    version = asset.current_version
    ctx = sample_context(field_defaults(asset), vendor_name=settings.VENDOR_NAME, today=today)
    if not asset.kind_spec.uses_today(version):
        ctx = dataclasses.replace(ctx, today=None)
    return RenderRequest(asset, version, None, ctx, fmt)


def render_for_partner(
    *,
    asset: Asset,
    partner: PartnerOrganisation,
    output_format: str | None = None,
) -> Rendition:
    """The partner's co-branded file for this asset, rendered once and cached.

    Raises MissingBrandDetails when the profile lacks what the asset needs,
    and other RenderErrors with a message safe to show."""
    request = request_for_partner(asset=asset, partner=partner, output_format=output_format)
    return rendition_get_or_create(request)


def rendition_get_or_create(request: RenderRequest) -> Rendition:
    if request.output_format == PREVIEW:
        return _single_flight(request.key, lambda: _produce_preview(request))
    return _single_flight(request.key, lambda: _produce(request))


def _produce(request: RenderRequest) -> Rendition:
    started = time.perf_counter()
    output = render_output(
        asset=request.asset,
        version=request.version,
        ctx=request.ctx,
        output_format=request.output_format,
    )
    return _store(request, output, started)


def _produce_preview(request: RenderRequest) -> Rendition:
    main_format = formats_for(request.asset)[0]
    main = rendition_get_or_create(
        RenderRequest(
            request.asset, request.version, request.organisation, request.ctx, main_format
        )
    )
    started = time.perf_counter()
    with main.file.open("rb") as handle:
        output = Output(main.filename, main.content_type, handle.read())
    png = request.asset.kind_spec.preview_pages(output, max_pages=1)[0]
    stem = Path(main.filename).stem
    return _store(request, Output(f"{stem}-preview.png", "image/png", png), started)


def _existing(key: str) -> Rendition | None:
    rendition = Rendition.objects.filter(key=key).first()
    if rendition is None:
        return None
    if not rendition.file.storage.exists(rendition.file.name):
        log.error("rendition file missing, rendering again: %s", rendition.file.name)
        rendition.delete()
        return None
    return rendition


def _single_flight(key: str, produce) -> Rendition:
    """Return the rendition for `key`, letting only one caller produce it."""
    found = _existing(key)
    if found is not None:
        return _touch(found)
    lock, token = f"rendition-lock:{key}", uuid.uuid4().hex
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        # Waiters only retry the lock: the holder releases it when done, and
        # whoever takes it next finds the finished rendition.
        if cache.add(lock, token, timeout=LOCK_SECONDS):
            try:
                found = _existing(key)  # someone may have finished while we waited
                return _touch(found) if found is not None else produce()
            finally:
                if cache.get(lock) == token:
                    cache.delete(lock)
        time.sleep(0.05)
        if time.monotonic() > deadline:
            raise RenderError("This file is still being prepared. Try again in a minute.")


def _touch(rendition: Rendition) -> Rendition:
    # At most one write an hour per rendition keeps hot downloads read-only.
    if timezone.now() - rendition.last_used_at > timedelta(hours=1):
        Rendition.objects.filter(pk=rendition.pk).update(last_used_at=timezone.now())
    return rendition


def write_atomically(name: str, data: bytes) -> str:
    """Store bytes so that `name` never holds a partial file.

    On local disk the bytes go to a temporary name in the same folder and are
    renamed into place; object stores (S3) only ever show whole objects."""
    storage = default_storage
    if isinstance(storage, FileSystemStorage):
        path = Path(storage.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        try:
            with open(temporary, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
        return name
    return storage.save(name, ContentFile(data))


def _store(request: RenderRequest, output: Output, started: float) -> Rendition:
    elapsed_ms = round((time.perf_counter() - started) * 1000)
    rendition = Rendition(
        key=request.key,
        asset_version=request.version,
        organisation=request.organisation,
        output_format=request.output_format,
        filename=output.filename,
        content_type=output.content_type,
        size=len(output.data),
        render_ms=elapsed_ms,
    )
    rendition.file.name = write_atomically(rendition_path(rendition, output.filename), output.data)
    try:
        rendition.save()
    except IntegrityError:
        # Another process stored the same key first (no shared lock): keep theirs.
        return Rendition.objects.get(key=request.key)
    log_context.bind(render_ms=elapsed_ms)
    log.info(
        "rendered %s for %s in %d ms (%d bytes)",
        output.filename,
        request.organisation or "sample",
        elapsed_ms,
        len(output.data),
        extra={
            "asset_id": request.asset.pk,
            "partner": request.organisation.slug if request.organisation else None,
            "render_ms": elapsed_ms,
        },
    )
    return rendition
