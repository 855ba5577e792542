"""Cobrand rendering library: plain inputs in, ``(filename, content_type, bytes)`` out.

No HTTP, no models, no database: the Django side builds a Brand and a
RenderContext and calls one of the renderers below.

The names below are imported from their submodule on first use, so that
importing one light submodule (``assets.rendering.errors``, ``.brand``) does
not load WeasyPrint, css_inline, pypdfium2 and reportlab into every process.
"""

from __future__ import annotations

import importlib

#: Submodule -> the names this package re-exports from it.
_EXPORTS: dict[str, tuple[str, ...]] = {
    "brand": (
        "Brand",
        "Logo",
        "RenderContext",
        "sample_brand",
        "sample_context",
    ),
    "checks": (
        "CaseProblem",
        "contrast_ratio",
        "worst_case_problems",
        "relative_luminance",
        "synthetic_brands",
    ),
    "email": (
        "RenderedEmail",
        "email_eml_output",
        "email_html_output",
        "email_preview_html",
        "html_to_text",
        "render_email",
    ),
    "errors": (
        "BRAND_FIELD_LABELS",
        "ImageRejected",
        "LayoutRejected",
        "MissingBrandDetails",
        "RenderError",
        "RenderLimitExceeded",
        "TemplateRejected",
        "TextDoesNotFit",
    ),
    "html_pdf": (
        "DEFAULT_LIMITS",
        "POOL",
        "RenderLimits",
        "html_document_variables",
        "render_html_document",
    ),
    "image_layout": ("stamp_image",),
    "pdf_images": ("encode_image_packed",),
    "images": (
        "NormalisedLogo",
        "NormalisedPicture",
        "detect_image_format",
        "load_base_image",
        "normalise_logo",
        "normalise_picture",
    ),
    "keys": (
        "RENDERER_VERSION",
        "rendition_key",
    ),
    "layout": (
        "LayoutProblem",
        "layout_problems",
        "layout_schema",
        "layout_variables",
        "validate_layout",
    ),
    "output": (
        "Output",
        "safe_filename",
    ),
    "pdf_layout": (
        "BasePdfInfo",
        "inspect_base_pdf",
        "stamp_pdf",
    ),
    "pdf_sanitise": (
        "PdfRejected",
        "sanitise_pdf",
    ),
    "previews": (
        "pdf_page_png",
        "picture_png",
        "output_page_count",
        "preview_png",
        "preview_pngs",
    ),
    "qr": ("qr_png",),
    "resources": (
        "NAME_PATTERN",
        "resource_problems",
        "resource_url",
    ),
    "sandbox": (
        "limits_from_settings",
        "render_template_limited",
        "run_limited",
    ),
    "templating": (
        "check_template",
        "render_template",
        "render_template_with",
    ),
    "variables": (
        "LEGAL_LINES",
        "RESOURCE_BASE",
        "VARIABLES",
        "format_date",
        "missing_brand_details",
        "placeholder_problems",
        "required_brand_fields",
        "resolve",
        "template_context",
        "variables_in_text",
    ),
    "zones": ("check_fit",),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}


def __getattr__(name: str):
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = sorted(_MODULE_OF)
