"""Cache keys for rendered outputs: a hash of everything an output depends
on, so a change anywhere yields a new key and stale files are never served."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from assets.rendering.brand import Brand

#: Bump when a change in this package changes what outputs look like.
RENDERER_VERSION = "2026.11.1"


def rendition_key(
    *,
    asset_version: str,
    brand: Brand,
    fields: Mapping[str, str],
    output_format: str,
    extra: str = "",
) -> str:
    """sha256 hex of the renderer version, asset version, brand fingerprint,
    field values (order does not matter), output format and ``extra``."""
    payload = {
        "renderer": RENDERER_VERSION,
        "asset_version": str(asset_version),
        "brand": brand.fingerprint(),
        "fields": sorted((str(k), str(v)) for k, v in fields.items()),
        "format": output_format,
        "extra": extra,
    }
    encoded = json.dumps(payload, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()
