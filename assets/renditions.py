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
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import IntegrityError
from django.utils import timezone

from assets.branding import brand_for_partner, render_context_for
from assets.fields import field_defaults, values_for_render
from assets.messaging import legal_lines_for, sample_legal_lines
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
from portal.core.atomic_files import storage_save_whole
from portal.core.errors import NotFound
from portal.partners.models import PartnerOrganisation

log = logging.getLogger(__name__)

PREVIEW = "preview"
LOCK_SECONDS = 120
WAIT_SECONDS = 90


class RenditionBusy(RenderError):
    """Someone else is rendering this file and did not finish in the time
    the caller was willing to wait."""


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


def context_for_partner(
    *,
    asset: Asset,
    partner: PartnerOrganisation,
    landing_url: str = "",
    today: datetime.date | None = None,
    field_values: dict[str, str] | None = None,
) -> RenderContext:
    """What the partner's output shows: its brand and saved values, the
    date (`today`, else the server's date) only when the source prints it,
    so the key of an undated output is the same tomorrow, and the legal
    lines the messaging rules require when the source prints them.
    `field_values` (checked, as the renderer shows them) stand in for the
    partner's saved values for this render only; they are part of the key
    like any value."""
    version = asset.current_version
    prints_legal = asset.kind_spec.prints_legal_lines(version)
    return render_context_for(
        brand=brand_for_partner(partner),
        field_values=values_for_render(asset, partner) if field_values is None else field_values,
        landing_url=landing_url,
        today=today,
        dated=asset.kind_spec.uses_today(version),
        legal_lines=legal_lines_for(asset.kit, partner) if prints_legal else (),
    )


def request_for_partner(
    *,
    asset: Asset,
    partner: PartnerOrganisation,
    output_format: str | None = None,
    landing_url: str = "",
    today: datetime.date | None = None,
    field_values: dict[str, str] | None = None,
) -> RenderRequest:
    """What decides the partner's output. The context carries the date
    (`today`, else the server's date) only when the source prints it, so
    the key of an undated output is the same tomorrow. `field_values`
    (checked, as the renderer shows them) stand in for the partner's saved
    values for this render only; they are part of the key like any value."""
    fmt = output_format or formats_for(asset)[0]
    if fmt not in (*formats_for(asset), PREVIEW):
        raise RenderError(f"This asset can't be downloaded as {fmt}.")
    ctx = context_for_partner(
        asset=asset,
        partner=partner,
        landing_url=landing_url,
        today=today,
        field_values=field_values,
    )
    return RenderRequest(asset, asset.current_version, partner, ctx, fmt)


def context_with_sample(*, asset: Asset, today: datetime.date | None = None) -> RenderContext:
    """For admin previews: the sample brand, each field's default and every
    legal line the kit may have to print (when the source prints them)."""
    version = asset.current_version
    legal = sample_legal_lines(asset.kit) if asset.kind_spec.prints_legal_lines(version) else ()
    ctx = sample_context(
        field_defaults(asset), vendor_name=settings.VENDOR_NAME, today=today, legal_lines=legal
    )
    if not asset.kind_spec.uses_today(version):
        ctx = dataclasses.replace(ctx, today=None)
    return ctx


def request_with_sample(
    *, asset: Asset, output_format: str | None = None, today: datetime.date | None = None
) -> RenderRequest:
    """For admin previews: see `context_with_sample`."""
    fmt = output_format or formats_for(asset)[0]
    ctx = context_with_sample(asset=asset, today=today)
    return RenderRequest(asset, asset.current_version, None, ctx, fmt)


#: The `who` of a preview with the sample brand instead of a partner.
SAMPLE = "sample"


def preview_partner(who: str) -> PartnerOrganisation | None:
    """The partner a preview's `who` names ('sample' or a partner's id);
    None for the sample. Raises NotFound for anything else."""
    if who == SAMPLE:
        return None
    partner = PartnerOrganisation.objects.filter(pk=who).first() if who.isdigit() else None
    if partner is None:
        raise NotFound("No such partner.")
    return partner


def preview_request(*, asset: Asset, who: str, output_format: str | None = None) -> RenderRequest:
    """An admin preview's render request, as a partner or with the sample."""
    partner = preview_partner(who)
    if partner is None:
        return request_with_sample(asset=asset, output_format=output_format)
    return request_for_partner(asset=asset, partner=partner, output_format=output_format)


@dataclass
class Preview:
    """An admin preview of a rendered asset: its main rendition (None when
    it failed), the render problem's message, and fit warnings."""

    request: RenderRequest | None
    rendition: Rendition | None
    problem: str
    warnings: list[str]


def preview_render(*, asset: Asset, who: str) -> Preview:
    """Render the asset's default format for `who` (cached), with the fit
    warnings of its layout; a render problem is kept as its message."""
    request, rendition, warnings = None, None, []
    try:
        request = preview_request(asset=asset, who=who)
        warnings = asset.kind_spec.fit_warnings(asset.current_version, request.ctx)
        rendition = rendition_get_or_create(request)
    except RenderError as exc:
        return Preview(request, None, exc.message, warnings)
    return Preview(request, rendition, "", warnings)


def rendition_output(rendition: Rendition) -> Output:
    with rendition.file.open("rb") as handle:
        return Output(rendition.filename, rendition.content_type, handle.read())


def render_for_partner(
    *,
    asset: Asset,
    partner: PartnerOrganisation,
    output_format: str | None = None,
    field_values: dict[str, str] | None = None,
    wait_seconds: float | None = None,
) -> Rendition:
    """The partner's co-branded file for this asset, rendered once and cached.
    `field_values` replace the partner's saved values for this render only
    (see request_for_partner); nothing is saved.

    Raises MissingBrandDetails when the profile lacks what the asset needs,
    RenditionBusy when another process is rendering it and does not finish
    within `wait_seconds` (WAIT_SECONDS by default), and other RenderErrors
    with a message safe to show."""
    request = request_for_partner(
        asset=asset, partner=partner, output_format=output_format, field_values=field_values
    )
    return rendition_get_or_create(request, wait_seconds=wait_seconds)


def rendition_get_or_create(
    request: RenderRequest, *, wait_seconds: float | None = None
) -> Rendition:
    if request.output_format == PREVIEW:
        return _single_flight(request.key, lambda: _produce_preview(request), wait_seconds)
    return _single_flight(request.key, lambda: _produce(request), wait_seconds)


def rendition_stored(request: RenderRequest) -> Rendition | None:
    """The stored rendition for the request's key, or None: never renders."""
    return _existing(request.key)


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


def _single_flight(key: str, produce, wait_seconds: float | None = None) -> Rendition:
    """Return the rendition for `key`, letting only one caller produce it."""
    found = _existing(key)
    if found is not None:
        return _touch(found)
    lock, token = f"rendition-lock:{key}", uuid.uuid4().hex
    deadline = time.monotonic() + (WAIT_SECONDS if wait_seconds is None else wait_seconds)
    while True:
        # Waiters only retry the lock: the holder releases it when done, and
        # whoever takes it next finds the finished rendition.
        acquired = cache.add(lock, token, timeout=LOCK_SECONDS)
        if acquired is None:
            # The cache does not answer (portal/core/redis_cache.py): render
            # without the lock; a duplicate key keeps the first row (_store).
            log.warning("render lock unavailable, rendering without it: %s", key)
            return produce()
        if acquired:
            try:
                found = _existing(key)  # someone may have finished while we waited
                return _touch(found) if found is not None else produce()
            finally:
                if cache.get(lock) == token:
                    cache.delete(lock)
        time.sleep(0.05)
        if time.monotonic() > deadline:
            raise RenditionBusy("This file is still being prepared. Try again in a minute.")


def _touch(rendition: Rendition) -> Rendition:
    # At most one write an hour per rendition keeps hot downloads read-only.
    if timezone.now() - rendition.last_used_at > timedelta(hours=1):
        Rendition.objects.filter(pk=rendition.pk).update(last_used_at=timezone.now())
    return rendition


def write_atomically(name: str, data: bytes) -> str:
    """Store bytes so that `name` never holds a partial file."""
    return storage_save_whole(default_storage, name, data)


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
