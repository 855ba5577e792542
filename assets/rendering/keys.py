"""Cache keys for rendered outputs: a hash of everything an output depends
on, so a change anywhere yields a new key and stale files are never served."""

from __future__ import annotations

import hashlib
import json

from assets.rendering.brand import RenderContext

#: Bump when a change in this package changes what outputs look like.
RENDERER_VERSION = "2026.11.1"


def rendition_key(*, asset_version: str, ctx: RenderContext, output_format: str) -> str:
    """sha256 hex of the renderer version, the asset version, the output
    format and the whole render context: brand fingerprint, field values
    (order does not matter), vendor, date (None when the source does not
    print it), landing address and the legal lines printed (only when
    there are any, so outputs without them keep their keys)."""
    payload = {
        "renderer": RENDERER_VERSION,
        "asset_version": str(asset_version),
        "brand": ctx.brand.fingerprint(),
        "fields": sorted(ctx.fields.items()),
        "vendor": ctx.vendor_name,
        "today": ctx.today.isoformat() if ctx.today else None,
        "landing_url": ctx.landing_url,
        "format": output_format,
    }
    if ctx.legal_lines:
        payload["legal"] = list(ctx.legal_lines)
    encoded = json.dumps(payload, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()
