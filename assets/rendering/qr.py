"""QR codes as PNG bytes."""

from __future__ import annotations

import io
from functools import lru_cache

import qrcode
from qrcode.constants import ERROR_CORRECT_M


@lru_cache(maxsize=256)
def qr_png(url: str, *, box_size: int = 10) -> bytes:
    """A black-on-white QR code for ``url`` with the standard quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=4)
    code.add_data(url)
    code.make(fit=True)
    image = code.make_image(fill_color="black", back_color="white").get_image()
    buffer = io.BytesIO()
    image.convert("L").save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
