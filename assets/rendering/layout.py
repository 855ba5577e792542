"""Layouts: JSON lists of zones placed on a designed PDF or an image.

The JSON Schema in schemas/layout.schema.json is the contract; this module
turns schema errors into messages an admin can act on, adds the checks a
schema cannot express (known placeholders, min_size <= size, resources,
page numbers, boxes inside the page) and gives renderers a typed view of
the zones.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator

from assets.rendering.brand import Brand, normalise_color
from assets.rendering.variables import (
    FIELD_PREFIX,
    VARIABLES,
    get_variable,
    placeholder_problems,
    variables_in_text,
)

SCHEMA_PATH = Path(__file__).with_name("schemas") / "layout.schema.json"


@cache
def layout_schema() -> dict:
    """The layout JSON Schema (also useful to an editor UI)."""
    return json.loads(SCHEMA_PATH.read_text())


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(layout_schema())


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Zone:
    """One zone with every default filled in (units: mm for PDFs, px for images)."""

    index: int
    type: str
    page: str | int | tuple[int, ...]  # "first", "all", a page number or page numbers
    box: Box
    content: str = ""
    font: str = "sans"
    size: float = 12
    min_size: float = 12
    line_height: float = 1.2
    color: str = "#000000"
    align: str = "left"
    valign: str = "top"
    variant: str = "normal"
    resource: str = ""
    target: str = "partner.qr"

    def on_page(self, page_index: int) -> bool:
        """Whether the zone is drawn on the page at ``page_index`` (0-based)."""
        if self.page == "all":
            return True
        if self.page == "first":
            return page_index == 0
        if isinstance(self.page, tuple):
            return page_index + 1 in self.page
        return page_index == int(self.page) - 1

    def page_numbers(self, page_count: int) -> list[int]:
        """The 1-based numbers of the pages, out of ``page_count``, the zone
        is drawn on."""
        return [n for n in range(1, page_count + 1) if self.on_page(n - 1)]

    def color_for(self, brand: Brand) -> str:
        if self.color == "primary":
            return brand.primary_color
        if self.color == "secondary":
            return brand.secondary_color
        return self.color

    @property
    def title(self) -> str:
        return f"Zone {self.index + 1} ({self.type})"


def parse_zones(zones: Sequence[dict]) -> list[Zone]:
    """Typed zones from validated layout JSON."""
    parsed = []
    for index, raw in enumerate(zones):
        size = float(raw.get("size", 12))
        color = str(raw.get("color", "#000000")).lower()
        if color not in ("primary", "secondary"):  # else #rgb or #rrggbb (schema)
            color = normalise_color(color, default=color)
        parsed.append(
            Zone(
                index=index,
                type=raw["type"],
                page=_page(raw.get("page", "first")),
                box=Box(**{k: float(v) for k, v in raw["box"].items()}),
                content=raw.get("content", ""),
                font=raw.get("font", "sans"),
                size=size,
                min_size=float(raw.get("min_size", size)),
                line_height=float(raw.get("line_height", 1.2)),
                color=color,
                align=raw.get("align", "left" if raw["type"] == "text" else "center"),
                valign=raw.get("valign", "top" if raw["type"] == "text" else "middle"),
                variant=raw.get("variant", "normal"),
                resource=raw.get("resource", ""),
                target=raw.get("target", "partner.qr"),
            )
        )
    return parsed


def _page(value) -> str | int | tuple[int, ...]:
    """A zone's page setting; a list of pages becomes a sorted tuple."""
    if isinstance(value, list):
        return tuple(sorted(int(v) for v in value))
    return value


@dataclass(frozen=True)
class LayoutProblem:
    """One problem with a layout: the zone it concerns (its index in the
    list, None for the layout as a whole) and a message naming it."""

    zone: int | None
    message: str


def _schema_message(error, zones: list) -> str:
    path = list(error.absolute_path)
    where = "Layout"
    if path and isinstance(path[0], int):
        zone = zones[path[0]]
        where = f"Zone {path[0] + 1}"
        if isinstance(zone, dict) and zone.get("type") in ("text", "logo", "image", "qr"):
            where += f" ({zone['type']})"
        if len(path) > 1:
            where += ", " + ".".join(str(part) for part in path[1:])
    if error.validator == "oneOf" and path and path[-1] == "page":
        return (
            f'{where}: page must be "first", "all", a page number (1 or more) '
            "or a list of different page numbers."
        )
    if error.validator == "pattern" and path and path[-1] == "color":
        return f"{where}: colour must be #rrggbb, primary or secondary."
    return f"{where}: {error.message}"


def validate_layout(
    zones: object,
    *,
    kind: str,
    field_names: Iterable[str] | None,
    resource_names: Iterable[str] | None = None,
    page_count: int | None = None,
    page_sizes: Sequence[tuple[float, float]] | None = None,
) -> list[str]:
    """Problems with a layout, as messages for the admin; [] when it is usable.

    ``kind`` is "pdf" or "image". ``field_names`` None accepts any ``field.x``
    (render time; the admin's save checks the declared fields).
    ``resource_names`` (pictures the caller can supply), ``page_count`` (of
    the base PDF) and ``page_sizes`` (width and height of each page of the
    base in the layout's units: mm for a PDF, px for an image) are checked
    when given.
    """
    return [
        problem.message
        for problem in layout_problems(
            zones,
            kind=kind,
            field_names=field_names,
            resource_names=resource_names,
            page_count=page_count,
            page_sizes=page_sizes,
        )
    ]


def layout_problems(
    zones: object,
    *,
    kind: str,
    field_names: Iterable[str] | None,
    resource_names: Iterable[str] | None = None,
    page_count: int | None = None,
    page_sizes: Sequence[tuple[float, float]] | None = None,
) -> list[LayoutProblem]:
    """`validate_layout`, with the zone each problem concerns (for an editor
    that shows the message beside the zone)."""
    if not isinstance(zones, list):
        return [LayoutProblem(None, "The layout must be a JSON list of zones.")]
    schema_errors = sorted(_validator().iter_errors(zones), key=str)
    if schema_errors:
        return [
            LayoutProblem(_zone_index(error), _schema_message(error, zones))
            for error in schema_errors
        ]
    fields = set(field_names) if field_names is not None else None
    resources = set(resource_names) if resource_names is not None else None
    if page_sizes is not None and page_count is None:
        page_count = len(page_sizes)
    problems = []
    for zone in parse_zones(zones):
        messages = _zone_problems(zone, kind, fields, resources, page_count)
        if page_sizes:
            messages += _bounds_problems(zone, kind, page_sizes)
        problems.extend(LayoutProblem(zone.index, message) for message in messages)
    return problems


def _zone_index(error) -> int | None:
    path = list(error.absolute_path)
    return path[0] if path and isinstance(path[0], int) else None


#: How far (in layout units) a box may pass the edge: rounding, not design.
_EDGE_TOLERANCE = 0.01


def _bounds_problems(zone: Zone, kind: str, page_sizes) -> list[str]:
    """A box that passes the right or bottom edge of a page it is drawn on
    (the first such page is named). An image has one "page"."""
    unit, what = ("mm", "page") if kind == "pdf" else ("px", "image")
    numbers = zone.page_numbers(len(page_sizes)) if kind == "pdf" else [1]
    box = zone.box
    right, bottom = round(box.x + box.width, 2), round(box.y + box.height, 2)
    for number in numbers:
        width, height = page_sizes[number - 1]
        where = f"{what} {number}" if kind == "pdf" and len(page_sizes) > 1 else f"the {what}"
        problems = []
        if right > width + _EDGE_TOLERANCE:
            problems.append(
                f"{zone.title}: the box reaches {right:g} {unit} from the left edge, "
                f"but {where} is {width:g} {unit} wide."
            )
        if bottom > height + _EDGE_TOLERANCE:
            problems.append(
                f"{zone.title}: the box reaches {bottom:g} {unit} from the top edge, "
                f"but {where} is {height:g} {unit} tall."
            )
        if problems:
            return problems
    return []


def _zone_problems(zone: Zone, kind, fields, resources, page_count) -> list[str]:
    problems = []
    if zone.type == "text":
        problems.extend(f"{zone.title}: {p}" for p in placeholder_problems(zone.content, fields))
        if zone.min_size > zone.size:
            problems.append(
                f"{zone.title}: min_size ({zone.min_size:g}) is larger than size ({zone.size:g})."
            )
    if zone.type == "qr" and get_variable(zone.target, fields) is None:
        problems.append(f"{zone.title}: unknown QR target {zone.target}.")
    if zone.type == "image" and resources is not None and zone.resource not in resources:
        problems.append(f"{zone.title}: there is no picture called “{zone.resource}”.")
    if kind == "pdf" and page_count and not isinstance(zone.page, str):
        pages = zone.page if isinstance(zone.page, tuple) else (zone.page,)
        missing = [str(n) for n in pages if n > page_count]
        if missing:
            word = "page" if len(missing) == 1 else "pages"
            verb = "does" if len(missing) == 1 else "do"
            problems.append(
                f"{zone.title}: {word} {', '.join(missing)} {verb} not exist "
                f"(the PDF has {page_count})."
            )
    return problems


def layout_variables(zones: Sequence[dict]) -> set[str]:
    """Every variable a (valid) layout uses, for the missing-details check."""
    names: set[str] = set()
    for zone in parse_zones(zones):
        if zone.type == "text":
            names |= variables_in_text(zone.content)
        elif zone.type == "logo":
            names.add("partner.logo_dark" if zone.variant == "dark" else "partner.logo")
        elif zone.type == "qr":
            names.add("partner.qr" if zone.target == "partner.qr" else zone.target)
    return names


def describe_too_long(zone: Zone) -> str:
    """Message for a partner whose text cannot fit a zone even at its
    smallest size: name what to shorten and where."""
    names = sorted(variables_in_text(zone.content))
    brand = [VARIABLES[n].label.lower() for n in names if n in VARIABLES]
    fields = [f"“{n[len(FIELD_PREFIX) :]}”" for n in names if n.startswith(FIELD_PREFIX)]
    if not brand and not fields:
        return (
            f"The fixed text of {zone.title.lower()} does not fit its box; the layout needs fixing."
        )
    parts = []
    if brand:
        parts.append(f"your {_join(brand)} (in your brand profile)")
    if fields:
        parts.append(f"the text you entered for {_join(fields)}")
    subject = _join(parts)
    return (
        f"{subject[0].upper()}{subject[1:]} is too long for this design. Shorten it and try again."
    )


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
