"""Which source fields each asset kind uses: the admin shows only these on
an asset's page, and values of the others are never stored or hashed.

``pictures`` stands for the version's named pictures (assets/resources.py).
"""

from assets.models import AssetKind

SOURCE_FIELDS_BY_KIND: dict[str, tuple[str, ...]] = {
    AssetKind.HTML_DOCUMENT: ("template", "stylesheet", "pictures"),
    AssetKind.PDF_LAYOUT: ("source_upload", "layout", "pictures"),
    AssetKind.IMAGE_LAYOUT: ("source_upload", "layout", "output_format", "pictures"),
    AssetKind.EMAIL: ("template", "stylesheet", "subject"),
    AssetKind.LANDING_PAGE: ("template", "stylesheet"),
    AssetKind.FILE: ("source_upload",),
    AssetKind.GUIDELINE: (),
    AssetKind.TRAINING: (),
}


def source_fields(kind: str) -> tuple[str, ...]:
    return SOURCE_FIELDS_BY_KIND.get(kind, ())


def kinds_using(field: str) -> list[str]:
    """Labels of the kinds that use a source field, for help texts."""
    return [AssetKind(kind).label for kind, used in SOURCE_FIELDS_BY_KIND.items() if field in used]
