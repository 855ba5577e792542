"""Checks run when a marketing admin saves an asset's source, so that problems
show up then, not when a partner downloads."""

from django.conf import settings
from django.template.defaultfilters import filesizeformat

from assets.models import TEMPLATE_SOURCE_KINDS, AssetKind
from assets.rendering.errors import ImageRejected, LayoutRejected
from assets.rendering.images import detect_image_format, load_base_image
from assets.rendering.layout import validate_layout
from assets.rendering.pdf_layout import inspect_base_pdf
from assets.rendering.resources import resource_problems
from assets.rendering.templating import check_template
from assets.rendering.variables import placeholder_problems
from assets.source_fields import source_fields

LAYOUT_KINDS = {AssetKind.PDF_LAYOUT: "pdf", AssetKind.IMAGE_LAYOUT: "image"}


def check_asset_source(
    *,
    kind: str,
    template: str,
    layout: list,
    upload,
    field_names: set[str],
    subject: str = "",
    current_file=None,
    stylesheet: str = "",
    resource_names: set[str] | frozenset[str] = frozenset(),
) -> list[tuple[str, str]]:
    """(form field, message) for every problem in the source: an unusable
    upload, template syntax, tags that reach outside, unknown variables, a
    layout that breaks the schema or names unknown placeholders, a template,
    stylesheet or image zone naming a picture not among ``resource_names``
    (the pictures the version will carry)."""
    problems: list[tuple[str, str]] = []
    page_count = None
    if upload is not None:
        upload_problems, page_count = _check_upload(kind, upload)
        problems.extend(("source_upload", m) for m in upload_problems)
    elif current_file and kind == AssetKind.PDF_LAYOUT:
        try:
            with current_file.open("rb") as handle:
                page_count = inspect_base_pdf(handle.read()).page_count
        except (OSError, LayoutRejected):
            page_count = None
    if kind in TEMPLATE_SOURCE_KINDS and template.strip():
        problems.extend(("template", m) for m in check_template(template, field_names=field_names))
    if "pictures" in source_fields(kind) and kind in TEMPLATE_SOURCE_KINDS:
        problems.extend(
            ("template", m) for m in resource_problems([template, stylesheet], resource_names)
        )
    if kind == AssetKind.EMAIL and subject.strip():
        problems.extend(("subject", m) for m in placeholder_problems(subject, field_names))
    if kind in LAYOUT_KINDS:
        if not layout:
            problems.append(
                ("layout", "Add at least one zone: without zones nothing is co-branded.")
            )
        else:
            problems.extend(
                ("layout", m)
                for m in validate_layout(
                    layout,
                    kind=LAYOUT_KINDS[kind],
                    field_names=field_names,
                    resource_names=resource_names,
                    page_count=page_count,
                )
            )
    return problems


def _check_upload(kind: str, upload) -> tuple[list[str], int | None]:
    limit = settings.ASSET_MAX_UPLOAD_BYTES
    if upload.size > limit:
        return [
            f"This file is {filesizeformat(upload.size)}; the limit is {filesizeformat(limit)}."
        ], None
    if kind not in LAYOUT_KINDS:
        return [], None
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if kind == AssetKind.PDF_LAYOUT:
        if not data.startswith(b"%PDF-"):
            return ["This file is not a PDF."], None
        try:
            return [], inspect_base_pdf(data).page_count
        except LayoutRejected as exc:
            return [exc.message], None
    if detect_image_format(data[:64]) not in {"png", "jpeg", "webp"}:
        return ["Upload a PNG, JPEG or WebP image."], None
    try:
        load_base_image(data)
    except ImageRejected as exc:
        return [exc.message], None
    return [], None
