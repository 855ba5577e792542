"""An asset's own pictures ("resources"): named PNG or JPEG pictures stored
with an asset version, for HTML documents and for image zones of layouts.

In an HTML document (template or stylesheet) a picture called ``badge`` is
at ``resources/badge.png`` relative to the document's base (RESOURCE_BASE),
so ``<img src="resources/badge.png">`` and ``url(resources/badge.png)`` both
work. The same picture also answers at ``resources/badge.jpg``,
``.jpeg``, ``.webp`` and plain ``resources/badge``: the name decides, the
content is whatever was uploaded (converted on upload). In a layout an
``image`` zone names it: ``{"type": "image", "resource": "badge", ...}``.

Everything is served from memory by MemoryURLFetcher; nothing here touches
files or the network.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from assets.rendering.images import detect_image_format

FOLDER = "resources/"
#: Extensions a picture answers at (besides none); the content decides its type.
EXTENSIONS = ("png", "jpg", "jpeg", "webp")
#: A picture's name: lower-case letters, digits, "-" and "_", at most 60.
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
_REFERENCE = re.compile(r"(?<![\w.-])resources/([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9]+))?")
_CONTENT_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}


def resource_url(name: str) -> str:
    """The address of a picture, relative to the document's base."""
    return f"{FOLDER}{name}.png"


def picture_paths(pictures: Mapping[str, bytes]) -> dict[str, tuple[bytes, str]]:
    """Paths under RESOURCE_BASE -> (bytes, MIME type) for the fetcher."""
    served: dict[str, tuple[bytes, str]] = {}
    for name, data in pictures.items():
        entry = (bytes(data), _CONTENT_TYPES.get(detect_image_format(data) or "", "image/png"))
        served[FOLDER + name] = entry
        for extension in EXTENSIONS:
            served[f"{FOLDER}{name}.{extension}"] = entry
    return served


def resource_references(text: str) -> set[tuple[str, str]]:
    """(name, extension) of every ``resources/<name>[.ext]`` address in a
    template or stylesheet; the extension is "" when there is none."""
    return {(m.group(1), (m.group(2) or "").lower()) for m in _REFERENCE.finditer(text or "")}


def resource_problems(texts: Iterable[str], names: Iterable[str]) -> list[str]:
    """Messages for addresses naming a picture the asset does not have."""
    available, problems = set(names), []
    seen: set[tuple[str, str]] = set()
    for text in texts:
        seen |= resource_references(text)
    for name, extension in sorted(seen):
        if name not in available:
            problems.append(
                f"There is no picture called “{name}” ({FOLDER}{name}"
                f"{'.' + extension if extension else ''}): upload it under Pictures "
                "or correct the name."
            )
        elif extension and extension not in EXTENSIONS:
            problems.append(f"Use {resource_url(name)} for the picture “{name}”, not .{extension}.")
    return problems
