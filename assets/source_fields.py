"""Which admin form fields make up each kind's source, read from the kinds'
contract (`AssetKindSpec.source_fields`): the admin shows only these on an
asset's page, and values of the others are never stored or hashed.

``pictures`` stands for the version's named pictures (assets/resources.py).
"""

from assets.kinds import KINDS

#: The contract's name of a source field -> the admin form field holding it.
_FORM_FIELD = {"file": "source_upload"}
_ORDER = (
    "source_upload",
    "template",
    "stylesheet",
    "subject",
    "layout",
    "output_format",
    "pictures",
)

SOURCE_FIELDS_BY_KIND: dict[str, tuple[str, ...]] = {
    key: tuple(
        name for name in _ORDER if name in {_FORM_FIELD.get(f, f) for f in spec.source_fields}
    )
    for key, spec in KINDS.items()
}


def source_fields(kind: str) -> tuple[str, ...]:
    return SOURCE_FIELDS_BY_KIND.get(kind, ())


def kinds_using(field: str) -> list[str]:
    """Labels of the kinds that use a source field, for help texts."""
    return [KINDS[kind].label for kind, used in SOURCE_FIELDS_BY_KIND.items() if field in used]
