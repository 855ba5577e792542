"""The one shape every renderer returns."""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple


class Output(NamedTuple):
    """A finished file: a safe file name, its MIME type and its bytes."""

    filename: str
    content_type: str
    data: bytes


def safe_filename(stem: str, extension: str) -> str:
    """An ASCII file name built from ``stem`` (letters, digits, '-', '_', '.')
    so it can go into a Content-Disposition header without surprises."""
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_stem).strip(".-_")[:120]
    return f"{cleaned or 'download'}.{extension.lstrip('.')}"
