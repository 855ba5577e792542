import io

import pytest
from PIL import Image

from assets.rendering import (
    email_eml_output,
    email_html_output,
    preview_png,
    render_email,
    stamp_image,
    stamp_pdf,
)


def size_of(png: bytes) -> tuple[int, int]:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return image.size


def test_pdf_preview_is_first_page(base_pdf, ctx):
    output = stamp_pdf(base_pdf=base_pdf, zones=[], ctx=ctx, filename_stem="x")
    width, height = size_of(preview_png(output, max_width=600))
    assert width == 600 and abs(height / width - 297 / 210) < 0.01


def test_image_preview_is_resized(base_jpeg, ctx):
    output = stamp_image(base_image=base_jpeg, zones=[], ctx=ctx, fmt="jpeg", filename_stem="x")
    assert size_of(preview_png(output, max_width=300)) == (300, 158)


def red_pixels(png: bytes) -> int:
    """Pixels of the test logo's red square (nothing else in these previews is red)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=image.width * image.height)
    return sum(n for n, (r, g, b) in colours if r > 150 and g < 90 and b < 90)


def test_email_preview(ctx):
    rendered = render_email(
        template="<p>{{ partner.name }}</p><img src='{{ partner.logo }}'>", subject="x", ctx=ctx
    )
    png = preview_png(email_html_output(rendered, "x"))
    assert size_of(png)[0] == 900
    assert red_pixels(png) > 1000  # the logo is drawn, not just its empty box


def test_eml_preview_shows_its_inline_pictures(ctx):
    rendered = render_email(
        template="<p>{{ partner.name }}</p><img src='{{ partner.logo }}'>", subject="x", ctx=ctx
    )
    png = preview_png(email_eml_output(rendered, "x", "Acme <sales@acme.example>"))
    assert red_pixels(png) > 1000  # the cid: logo is drawn, not refused


def test_a_chosen_page_of_a_pdf_as_png():
    from assets.rendering import RenderError, pdf_page_png
    from tests.assets.rendering.conftest import make_base_pdf

    base = make_base_pdf(pages=3)
    image = Image.open(io.BytesIO(pdf_page_png(base, 3, max_width=300)))
    assert image.format == "PNG" and image.width == 300
    assert abs(image.height - round(300 * 297 / 210)) <= 1
    with pytest.raises(RenderError, match="no page 4"):
        pdf_page_png(base, 4, max_width=300)
    with pytest.raises(RenderError, match="cannot be read"):
        pdf_page_png(b"%PDF-1.4 nonsense", 1, max_width=300)
