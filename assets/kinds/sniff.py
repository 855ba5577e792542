"""What an uploaded file is, read from its first bytes (its name only breaks
ties such as a ZIP that is an office document). Each kind then says how
well it fits (`AssetKindSpec.claims`), and `assets.kinds.propose_kinds`
orders the kinds by that."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from assets.rendering import detect_image_format

#: How much of a file's start is read to tell what it is.
HEAD_BYTES = 64 * 1024

OFFICE_SUFFIXES = frozenset(
    {".docx", ".pptx", ".xlsx", ".odt", ".odp", ".ods", ".doc", ".ppt", ".xls", ".key"}
)
_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|table"
    rb"|div|center|style|title|p|h[1-6]|section|main|header)\b",
    re.IGNORECASE | re.DOTALL,
)
_EMAIL_WIDTH = re.compile(r"max-width\s*:\s*6[0-9]{2}px|width=[\"']?6[0-9]{2}\b", re.IGNORECASE)


@dataclass(frozen=True)
class Sniffed:
    """An uploaded file as the kinds see it when proposing themselves.

    `content` is one of: pdf, png, jpeg, webp, gif, svg, html, video,
    audio, zip, office, text, other."""

    name: str
    content: str
    has_form: bool = False
    looks_like_email: bool = False

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.name).suffix.lower()

    @property
    def is_base_image(self) -> bool:
        """A picture zones can be stamped on."""
        return self.content in {"png", "jpeg", "webp"}


def sniff(name: str, head: bytes) -> Sniffed:
    """Tell what a file is from its first bytes (up to HEAD_BYTES)."""
    head = bytes(head[:HEAD_BYTES])
    suffix = PurePosixPath(name or "").suffix.lower()
    picture = detect_image_format(head)
    if picture == "pdf" or head[:1024].lstrip().startswith(b"%PDF-"):
        return Sniffed(name, "pdf")
    if picture:
        return Sniffed(name, picture)
    if head[4:8] == b"ftyp" or head.startswith(b"\x1a\x45\xdf\xa3"):
        return Sniffed(name, "video")
    if head.startswith((b"ID3", b"OggS", b"fLaC")) or head[8:12] == b"WAVE":
        return Sniffed(name, "audio")
    if head.startswith(b"PK\x03\x04"):
        return Sniffed(name, "office" if suffix in OFFICE_SUFFIXES else "zip")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return Sniffed(name, "office")
    body = head.removeprefix(b"\xef\xbb\xbf")
    if _HTML_START.match(body):
        text = body.decode("utf-8", errors="replace").lower()
        tables = text.count("<table")
        email = (
            "unsubscribe" in text
            or bool(_EMAIL_WIDTH.search(text))
            or tables >= 2
            or 'role="presentation"' in text
        )
        return Sniffed(name, "html", has_form="<form" in text, looks_like_email=email)
    if b"\x00" not in body[:4096]:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(body[:4096], final=False)
        except UnicodeDecodeError:
            return Sniffed(name, "other")
        return Sniffed(name, "text")
    return Sniffed(name, "other")
