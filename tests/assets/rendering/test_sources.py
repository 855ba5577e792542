"""An asset's stylesheet and its own pictures reach every output that uses them."""

import io

import pypdfium2
import pytest
from PIL import Image
from pypdf import PdfReader

from assets.rendering import ImageRejected, render_email, render_html_document
from assets.rendering.fonts import font_path
from assets.rendering.images import normalise_picture
from assets.rendering.resources import picture_paths, resource_problems, resource_references
from assets.rendering.zones import MM
from tests.assets.rendering.conftest import (
    image_bytes,
    image_xobject_ids,
    pdf_text,
    png_with_declared_size,
)
from tests.assets.rendering.test_html_pdf import font_names

GREEN = (0, 160, 0)
A4_MM = (210, 297)
A5_MM = (148, 210)


def render(template, ctx, **kwargs):
    return render_html_document(template=template, ctx=ctx, filename_stem="doc", **kwargs)


def page_size_mm(data: bytes) -> tuple[int, int]:
    page = PdfReader(io.BytesIO(data)).pages[0]
    return round(float(page.mediabox.width) / MM), round(float(page.mediabox.height) / MM)


def page_pixels(data: bytes) -> Image.Image:
    document = pypdfium2.PdfDocument(data)
    try:
        return document[0].render(scale=1).to_pil().convert("RGB")
    finally:
        document.close()


def test_the_stylesheet_changes_the_pdf(ctx):
    template = "<h1>{{ partner.name }}</h1>"
    plain = render(template, ctx)
    styled = render(template, ctx, stylesheet="@page { size: A5 } h1::after { content: ' CSS' }")
    assert page_size_mm(plain.data) == A4_MM
    assert page_size_mm(styled.data) == A5_MM
    assert "Acme Resellers CSS" in pdf_text(styled.data)
    assert plain.data != styled.data


def test_the_templates_own_style_wins_over_the_stylesheet(ctx):
    output = render(
        "<style>@page { size: A5 }</style><p>x</p>", ctx, stylesheet="@page { size: A4 }"
    )
    assert page_size_mm(output.data) == A5_MM


def test_the_stylesheet_reaches_no_file_and_no_network(ctx, spy_server, tmp_path):
    server, hits = spy_server
    secret = tmp_path / "leak.css"
    secret.write_text('body::before { content: "LEAKEDCSS" }')
    red = tmp_path / "red.png"
    red.write_bytes(image_bytes(Image.new("RGB", (40, 40), "red"), "PNG"))
    stylesheet = (
        f"@import url({secret.as_uri()}); @import url('{server}/import.css');"
        "@import url(file:///etc/passwd);"
        f"body {{ background: url({red.as_uri()}) }} p {{ background: url({server}/bg.png) }}"
        "h1 { background: url(https://cobrand.invalid/../../etc/passwd) }"
    )
    output = render("<h1>Title</h1><p>{{ partner.name }}</p>", ctx, stylesheet=stylesheet)
    text = pdf_text(output.data)
    assert "Acme Resellers" in text and "LEAKEDCSS" not in text and "root:" not in text
    assert image_xobject_ids(output.data) == []
    assert hits == []


def test_a_stylesheet_font_face_is_used_and_not_kept(ctx):
    font = (font_path("serif").read_bytes(), "font/ttf")
    styled = render(
        "<p>{{ partner.name }}</p>",
        ctx,
        stylesheet="@font-face { font-family: Brand; src: url(static/brand.ttf) } "
        "p { font-family: Brand }",
        resources={"static/brand.ttf": font},
    )
    assert any(name.endswith("+Brand") for name in font_names(styled.data))
    # A later document in the same worker does not see that font face.
    plain = render("<p style='font-family: Brand'>{{ partner.name }}</p>", ctx)
    assert not any(name.endswith("+Brand") for name in font_names(plain.data))


def test_a_picture_is_served_at_its_resource_address(ctx):
    badge = image_bytes(Image.new("RGB", (100, 100), GREEN), "PNG")
    template = (
        "<style>@page { size: 100mm 100mm; margin: 0 } body { margin: 0 }</style>"
        '<img src="resources/badge.png" style="display:block; width: 40mm; height: 40mm">'
    )
    output = render(template, ctx, pictures={"badge": badge, "unused": badge})
    assert len(image_xobject_ids(output.data)) == 1
    assert page_pixels(output.data).getpixel((round(20 * MM), round(20 * MM))) == GREEN
    without = render(template, ctx)
    assert image_xobject_ids(without.data) == []


def test_the_stylesheet_can_use_pictures(ctx):
    badge = image_bytes(Image.new("RGB", (40, 40), GREEN), "JPEG", quality=95)
    output = render(
        '<div class="band"></div>',
        ctx,
        stylesheet="@page { size: 100mm 100mm; margin: 0 } body { margin: 0 }"
        ".band { height: 50mm; background: url(resources/band.jpg) }",
        pictures={"band": badge},
    )
    pixel = page_pixels(output.data).getpixel((round(50 * MM), round(25 * MM)))
    assert all(abs(a - b) <= 8 for a, b in zip(pixel, GREEN, strict=True))


EMAIL = """<!DOCTYPE html><html><head><style>.cta { font-weight: bold }</style></head>
<body><p class="cta">Hello from {{ partner.name }}</p><p class="plain">Bye</p></body></html>"""


def test_the_stylesheet_is_inlined_into_the_email(ctx):
    plain = render_email(template=EMAIL, subject="Hi", ctx=ctx)
    styled = render_email(
        template=EMAIL,
        subject="Hi",
        ctx=ctx,
        stylesheet="p { color: #aa0000 } .cta { font-weight: normal } .plain { margin: 0 }",
    )
    assert "#aa0000" not in plain.html
    assert "<style" not in styled.html
    assert 'class="plain" style="color: #aa0000;margin: 0;"' in styled.html
    # the template's own rule comes later and wins
    assert 'class="cta" style="color: #aa0000;font-weight: bold;"' in styled.html
    assert styled.html.startswith("<!DOCTYPE html>")


def test_an_email_stylesheet_fetches_nothing_and_cannot_close_its_element(ctx, spy_server):
    server, hits = spy_server
    rendered = render_email(
        template="<p>{{ partner.name }}</p>",
        subject="Hi",
        ctx=ctx,
        stylesheet=f"@import url({server}/x.css); @import url(file:///etc/passwd);"
        "p { color: red } </style><script>alert(1)</script>",
    )
    assert hits == []
    assert "root:" not in rendered.html and "<script>" not in rendered.html


def test_normalised_picture_keeps_format_and_drops_metadata():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    photo = image_bytes(Image.new("RGB", (300, 200), "navy"), "JPEG", exif=exif)
    picture = normalise_picture(photo)
    stored = Image.open(io.BytesIO(picture.data))
    assert (picture.format, stored.format) == ("jpeg", "JPEG")
    assert (picture.width, picture.height) == stored.size == (200, 300)
    assert not stored.getexif()
    transparent = image_bytes(Image.new("RGBA", (50, 40), (0, 0, 0, 0)), "WEBP")
    picture = normalise_picture(transparent)
    assert picture.format == "png" and picture.content_type == "image/png"
    assert Image.open(io.BytesIO(picture.data)).mode == "RGBA"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "SVG files are not accepted"),
        (b"hello", "not an image"),
        (image_bytes(Image.new("RGB", (10, 10)), "GIF"), "GIF images are not supported"),
        (png_with_declared_size(30000, 30000), "too large"),
        (image_bytes(Image.new("RGB", (300, 300), "red"), "PNG")[:300], "damaged"),
    ],
)
def test_unusable_pictures_are_refused(data, words):
    with pytest.raises(ImageRejected, match=words):
        normalise_picture(data)


def test_resource_addresses_and_references():
    png = image_bytes(Image.new("RGB", (4, 4)), "PNG")
    served = picture_paths({"badge": png})
    assert served["resources/badge.png"] == (png, "image/png")
    assert {"resources/badge", "resources/badge.jpg"} <= set(served)
    text = '<img src="resources/badge.png"> url(/resources/band) myresources/no.png'
    assert resource_references(text) == {("badge", "png"), ("band", "")}
    problems = resource_problems([text, "url(resources/badge.gif)"], {"badge"})
    assert problems == [
        "Use resources/badge.png for the picture “badge”, not .gif.",
        "There is no picture called “band” (resources/band): upload it under Pictures "
        "or correct the name.",
    ]
