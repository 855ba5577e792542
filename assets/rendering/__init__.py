"""Cobrand rendering library: plain inputs in, ``(filename, content_type, bytes)`` out.

No HTTP, no models, no database: the Django side builds a Brand and a
RenderContext and calls one of the renderers below.
"""

from assets.rendering.brand import Brand, Logo, RenderContext, sample_brand, sample_context
from assets.rendering.email import (
    RenderedEmail,
    email_eml_output,
    email_html_output,
    html_to_text,
    render_email,
)
from assets.rendering.errors import (
    ImageRejected,
    LayoutRejected,
    MissingBrandDetails,
    RenderError,
    RenderLimitExceeded,
    TemplateRejected,
    TextDoesNotFit,
)
from assets.rendering.html_pdf import (
    DEFAULT_LIMITS,
    RenderLimits,
    html_document_variables,
    render_html_document,
)
from assets.rendering.image_layout import stamp_image
from assets.rendering.images import (
    NormalisedLogo,
    detect_image_format,
    load_base_image,
    normalise_logo,
)
from assets.rendering.keys import RENDERER_VERSION, rendition_key
from assets.rendering.layout import layout_schema, layout_variables, validate_layout
from assets.rendering.output import Output, safe_filename
from assets.rendering.pdf_layout import BasePdfInfo, inspect_base_pdf, stamp_pdf
from assets.rendering.previews import preview_png
from assets.rendering.qr import qr_png
from assets.rendering.templating import check_template, render_template
from assets.rendering.variables import (
    RESOURCE_BASE,
    VARIABLES,
    missing_brand_details,
    required_brand_fields,
    resolve,
    template_context,
    variables_in_text,
)
from assets.rendering.zones import check_fit

__all__ = [
    "DEFAULT_LIMITS",
    "RENDERER_VERSION",
    "RESOURCE_BASE",
    "VARIABLES",
    "BasePdfInfo",
    "Brand",
    "ImageRejected",
    "LayoutRejected",
    "Logo",
    "MissingBrandDetails",
    "NormalisedLogo",
    "Output",
    "RenderContext",
    "RenderError",
    "RenderLimitExceeded",
    "RenderLimits",
    "RenderedEmail",
    "TemplateRejected",
    "TextDoesNotFit",
    "check_fit",
    "check_template",
    "detect_image_format",
    "email_eml_output",
    "email_html_output",
    "html_document_variables",
    "html_to_text",
    "inspect_base_pdf",
    "layout_schema",
    "layout_variables",
    "load_base_image",
    "missing_brand_details",
    "normalise_logo",
    "preview_png",
    "qr_png",
    "render_email",
    "render_html_document",
    "render_template",
    "rendition_key",
    "required_brand_fields",
    "resolve",
    "safe_filename",
    "sample_brand",
    "sample_context",
    "stamp_image",
    "stamp_pdf",
    "template_context",
    "validate_layout",
    "variables_in_text",
]
