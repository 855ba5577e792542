"""Asset kinds: one module per kind, each implementing the contract in
`assets.kinds.base.AssetKindSpec`.

Everything that depends on an asset's kind asks its spec: `asset.kind_spec`
(or `spec_for(key)`) for one asset, `keys_where(...)` for query filters
(`kind__in=keys_where("renderable")`). Nothing outside this package compares
kinds; tests/assets/kinds/test_kind_branching.py fails when something does.

To add a kind:
1. add a member to `AssetKind` in assets/models.py (the field's choices) and
   make the migration;
2. write `assets/kinds/<key>.py` with a subclass of the closest base
   (`TemplateKind`, `LayoutKind`, `CobrandedKind`, `VersionedKind` or
   `AssetKindSpec`), setting the class attributes and overriding what differs;
3. list an instance in `KINDS` below. The export/import round trip and the
   contract tests in tests/assets/kinds/ then cover it.
"""

from collections.abc import Callable

from assets.kinds.base import AssetKindSpec, SourceFields, SourceFolderError, ZipEntry
from assets.kinds.email import EmailKind
from assets.kinds.file import FileKind
from assets.kinds.guideline import GuidelineKind
from assets.kinds.html_document import HtmlDocumentKind
from assets.kinds.image_layout import ImageLayoutKind
from assets.kinds.landing_page import LandingPageKind
from assets.kinds.pdf_layout import PdfLayoutKind
from assets.kinds.sniff import HEAD_BYTES, Sniffed, sniff
from assets.kinds.training import TrainingKind

#: Every kind by its key, in the order of the model's choices.
KINDS: dict[str, AssetKindSpec] = {
    spec.key: spec
    for spec in (
        HtmlDocumentKind(),
        PdfLayoutKind(),
        ImageLayoutKind(),
        EmailKind(),
        LandingPageKind(),
        FileKind(),
        GuidelineKind(),
        TrainingKind(),
    )
}


def spec_for(key: str) -> AssetKindSpec:
    """The spec of the kind stored as `key`; KeyError for an unknown key."""
    return KINDS[key]


def kind_of(asset) -> AssetKindSpec:
    """The spec of an asset's kind."""
    return KINDS[asset.kind]


def keys_where(attr: str | Callable[[AssetKindSpec], object], value=True) -> list[str]:
    """Keys of the kinds whose `attr` (a spec attribute or a function of the
    spec) equals `value` (truthy by default), for `kind__in=` filters."""
    get = attr if callable(attr) else (lambda spec: getattr(spec, attr))
    if value is True:
        return [key for key, spec in KINDS.items() if get(spec)]
    return [key for key, spec in KINDS.items() if get(spec) == value]


__all__ = [
    "KINDS",
    "AssetKindSpec",
    "SourceFields",
    "SourceFolderError",
    "HEAD_BYTES",
    "Sniffed",
    "ZipEntry",
    "keys_where",
    "kind_of",
    "propose_kinds",
    "sniff",
    "spec_for",
]


def propose_kinds(name: str, head: bytes) -> list[str]:
    """Keys of the kinds an uploaded file could become, the best fit first,
    from its content (`head`: its first bytes, up to sniff.HEAD_BYTES) and,
    to break ties, its name. Kinds that can't take the file are left out."""
    sniffed = sniff(name, head)
    scores = {key: spec.claims(sniffed) for key, spec in KINDS.items()}
    order = list(KINDS)
    return sorted(
        (key for key, score in scores.items() if score > 0),
        key=lambda key: (-scores[key], order.index(key)),
    )
