"""The shared base of kinds whose source is an uploaded design with zones
stamped on it (designed PDFs, images)."""

import json
import logging
from typing import ClassVar

from assets.kinds.base import CobrandedKind, SourceFolderError, read_json, write_text
from assets.rendering import (
    LayoutProblem,
    RenderError,
    check_fit,
    layout_problems,
    layout_variables,
    validate_layout,
    worst_case_problems,
)

LAYOUT_FILE = "layout.json"

log = logging.getLogger("assets.renditions")


class LayoutKind(CobrandedKind):
    """An uploaded base (PDF or image) with zones as a JSON list."""

    #: The library's layout kind: "pdf" or "image".
    layout_kind: str
    #: The unit of zone boxes: "mm" (pages of a PDF) or "px" (an image).
    layout_unit: ClassVar[str]
    source_fields = frozenset({"file", "layout", "pictures"})
    needs_file = True
    legal_source_field = "layout"
    legal_how = "add a text zone showing {legal.lines}"

    def variables(self, version):
        if version is None:
            return set()
        return layout_variables(version.layout)

    def check_source(self, **source):
        problems = super().check_source(**source)
        upload, layout = source["upload"], source["layout"]
        page_count, page_sizes = None, None
        if upload is not None:
            if not any(field == "source_upload" for field, _ in problems):
                upload.seek(0)
                data = upload.read()
                upload.seek(0)
                upload_problems, page_count = self.check_base(data)
                problems += [("source_upload", m) for m in upload_problems]
                if not upload_problems:
                    page_sizes = self._page_sizes_or_none(data)
        elif source.get("current_file"):
            page_sizes = self.stored_page_sizes(source["current_file"])
        if not layout:
            problems.append(
                ("layout", "Add at least one zone: without zones nothing is co-branded.")
            )
        else:
            problems += [
                ("layout", problem.message)
                for problem in self.layout_problems(
                    layout,
                    field_names=source["field_names"],
                    resource_names=set(source.get("resource_names", ())),
                    page_count=page_count,
                    page_sizes=page_sizes,
                )
            ]
        return problems

    def layout_problems(
        self,
        layout,
        *,
        field_names,
        resource_names,
        page_count: int | None = None,
        page_sizes=None,
    ) -> list[LayoutProblem]:
        """Every problem of a layout for this kind of base, with the zone it
        concerns; `page_sizes` (in `layout_unit`) bounds the boxes."""
        return layout_problems(
            layout,
            kind=self.layout_kind,
            field_names=field_names,
            resource_names=resource_names,
            page_count=page_count,
            page_sizes=page_sizes,
        )

    def base_page_sizes(self, data: bytes) -> tuple[tuple[float, float], ...]:
        """Width and height of every page of a base, in `layout_unit` (an
        image has one page). Raises RenderError for an unusable base."""
        raise NotImplementedError

    def base_page_png(self, data: bytes, page_number: int, *, max_width: int) -> bytes:
        """A PNG at most `max_width` pixels wide of page `page_number`
        (1-based) of a base, for the zone editor. Raises RenderError."""
        raise NotImplementedError

    def stored_page_sizes(self, stored_file) -> tuple[tuple[float, float], ...] | None:
        """`base_page_sizes` of a stored base; None when it cannot be read."""
        try:
            with stored_file.open("rb") as handle:
                data = handle.read()
        except OSError:
            return None
        return self._page_sizes_or_none(data)

    def _page_sizes_or_none(self, data: bytes):
        try:
            return self.base_page_sizes(data)
        except RenderError:
            return None

    def check_base(self, data: bytes) -> tuple[list[str], int | None]:
        """Problems with an uploaded base, and its page count when it has pages."""
        return [], None

    def extreme_problems(self, *, asset, version, cases, min_logo_mm, image_px_per_mm):
        return worst_case_problems(
            base=read_source(version),
            zones=version.layout,
            kind=self.layout_kind,
            cases=cases,
            min_logo_mm=min_logo_mm,
            image_px_per_mm=image_px_per_mm,
        )

    def fit_warnings(self, version, ctx):
        return check_fit(version.layout, ctx, kind=self.layout_kind)

    def _export_fields(self, version, folder, meta):
        super()._export_fields(version, folder, meta)
        write_text(
            folder / LAYOUT_FILE, json.dumps(version.layout, indent=2, ensure_ascii=False) + "\n"
        )

    def _import_fields(self, folder, meta, fields):
        super()._import_fields(folder, meta, fields)
        layout = read_json(folder / LAYOUT_FILE, list)
        problems = validate_layout(layout, kind=self.layout_kind, field_names=None)
        if problems:
            raise SourceFolderError(f"{LAYOUT_FILE}: {problems[0]}")
        fields.layout = layout


def read_source(version) -> bytes:
    """The stored base of a version, or a RenderError safe to show."""
    try:
        with version.source_file.storage.open(version.source_file.name, "rb") as handle:
            return handle.read()
    except OSError:
        log.error("asset source missing: version=%s file=%s", version.pk, version.source_file.name)
        raise RenderError(
            "This asset's source file is missing; the marketing team has been told."
        ) from None
