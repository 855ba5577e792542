import io

import pypdfium2
import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream, NameObject, NumberObject

from assets.rendering import (
    Brand,
    LayoutRejected,
    MissingBrandDetails,
    TextDoesNotFit,
    inspect_base_pdf,
    stamp_pdf,
)
from assets.rendering.zones import MM
from tests.assets.rendering.conftest import (
    context_for,
    image_bytes,
    image_xobject_ids,
    make_base_pdf,
    pdf_text,
)

LOGO_ZONE = {"type": "logo", "page": "all", "box": {"x": 15, "y": 12, "width": 60, "height": 30}}
NAME_ZONE = {
    "type": "text",
    "page": "all",
    "box": {"x": 15, "y": 270, "width": 120, "height": 14},
    "content": "{partner.name} · {partner.phone}",
    "size": 14,
    "min_size": 7,
    "color": "primary",
}
A4_HEIGHT = 841.89
BADGE_ZONE = {
    "type": "image",
    "resource": "badge",
    "box": {"x": 120, "y": 20, "width": 40, "height": 40},
}


def _multiply(m, n):
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _painted_images(reader, contents, resources, ctm, found):
    """Follow q/Q/cm and form XObjects; record each image's unit square in page space."""
    stack = []
    xobjects = resources.get("/XObject", {}) if resources else {}
    xobjects = xobjects.get_object() if hasattr(xobjects, "get_object") else xobjects
    for operands, operator in ContentStream(contents, reader).operations:
        if operator == b"q":
            stack.append(ctm)
        elif operator == b"Q":
            ctm = stack.pop()
        elif operator == b"cm":
            ctm = _multiply(tuple(float(v) for v in operands), ctm)
        elif operator == b"Do":
            xobject = xobjects[operands[0]].get_object()
            if xobject["/Subtype"] == "/Image":
                a, b, c, d, e, f = ctm
                assert b == 0 and c == 0  # no rotation in these tests
                found.append((e, f, a, d))
            else:
                matrix = tuple(float(v) for v in xobject.get("/Matrix", (1, 0, 0, 1, 0, 0)))
                _painted_images(
                    reader, xobject, xobject.get("/Resources"), _multiply(matrix, ctm), found
                )


def picture_boxes(data: bytes, page_index: int = 0) -> list[tuple[float, float, float, float]]:
    """(x, y, width, height) in points, page space, of every picture painted."""
    reader = PdfReader(io.BytesIO(data))
    page = reader.pages[page_index]
    found: list = []
    _painted_images(reader, page.get_contents(), page.get("/Resources"), (1, 0, 0, 1, 0, 0), found)
    return found


def test_text_and_logo_on_every_page(base_pdf, ctx):
    output = stamp_pdf(
        base_pdf=base_pdf,
        zones=[LOGO_ZONE, NAME_ZONE],
        ctx=ctx,
        filename_stem="Spring flyer – Acme",
    )
    assert output.filename == "Spring-flyer-Acme.pdf"
    assert output.content_type == "application/pdf"
    pages = PdfReader(io.BytesIO(output.data)).pages
    assert len(pages) == 3
    for page in pages:
        text = page.extract_text()
        assert "Acme Resellers" in text and "+44 20 7946 0123" in text
        assert "Designed page" in text  # the base is kept under the overlay


def test_logo_is_embedded_once_for_all_pages(base_pdf, ctx):
    output = stamp_pdf(base_pdf=base_pdf, zones=[LOGO_ZONE, NAME_ZONE], ctx=ctx, filename_stem="x")
    assert len(image_xobject_ids(output.data)) == 1
    assert all(len(picture_boxes(output.data, i)) == 1 for i in range(3))
    # Size target: the stamped file is about base + logo, not base + 3 logos.
    assert len(output.data) < len(base_pdf) + 1.3 * len(ctx.brand.logo.data) + 20_000


def test_logo_fits_its_zone_and_keeps_aspect_ratio(base_pdf, ctx):
    output = stamp_pdf(base_pdf=base_pdf, zones=[LOGO_ZONE], ctx=ctx, filename_stem="x")
    [(x, y, width, height)] = picture_boxes(output.data)
    box = LOGO_ZONE["box"]
    left, right = box["x"] * MM, (box["x"] + box["width"]) * MM
    top, bottom = A4_HEIGHT - box["y"] * MM, A4_HEIGHT - (box["y"] + box["height"]) * MM
    eps = 0.01
    assert left - eps <= x and x + width <= right + eps
    assert bottom - eps <= y and y + height <= top + eps
    logo = ctx.brand.logo
    assert width / height == pytest.approx(logo.width / logo.height, rel=1e-3)
    # centred in its box by default, touching the box on the limiting side
    assert width == pytest.approx(right - left, rel=1e-3) or height == pytest.approx(
        top - bottom, rel=1e-3
    )


def ink_bbox(data: bytes, scale: float = 2.0):
    """Bounding box in points (from the top-left) of non-white pixels on page 1."""
    document = pypdfium2.PdfDocument(data)
    image = document[0].render(scale=scale).to_pil().convert("L")
    document.close()
    box = image.point(lambda v: 255 if v < 200 else 0).getbbox()
    return None if box is None else tuple(v / scale for v in box)


def test_long_name_shrinks_inside_its_zone(brand):
    longer = Brand(**{**brand.__dict__, "name": "Acme Resellers and Cloud Services Group"})
    zone = {**NAME_ZONE, "page": "first", "content": "{partner.name}", "size": 30, "min_size": 6}
    output = stamp_pdf(
        base_pdf=make_base_pdf(1, blank=True),
        zones=[zone],
        ctx=context_for(longer),
        filename_stem="x",
    )
    assert "Acme Resellers and Cloud Services Group" in " ".join(pdf_text(output.data).split())
    left, top, right, bottom = ink_bbox(output.data)
    box = zone["box"]
    assert left >= box["x"] * MM - 1 and right <= (box["x"] + box["width"]) * MM + 1
    assert top >= box["y"] * MM - 1 and bottom <= (box["y"] + box["height"]) * MM + 1


def test_name_too_long_even_at_min_size_is_a_clear_error(base_pdf, brand):
    huge = Brand(**{**brand.__dict__, "name": "Extraordinarily Long Company Name " * 12})
    with pytest.raises(TextDoesNotFit) as caught:
        stamp_pdf(base_pdf=base_pdf, zones=[NAME_ZONE], ctx=context_for(huge), filename_stem="x")
    assert "company name" in caught.value.message and "too long" in caught.value.message


def test_dark_logo_zone_falls_back_to_normal_logo(base_pdf, ctx, dark_logo, brand):
    zone = {**LOGO_ZONE, "variant": "dark"}
    without = stamp_pdf(base_pdf=base_pdf, zones=[zone], ctx=ctx, filename_stem="x")
    with_dark = stamp_pdf(
        base_pdf=base_pdf,
        zones=[zone, LOGO_ZONE],
        filename_stem="x",
        ctx=context_for(Brand(**{**brand.__dict__, "logo_dark": dark_logo})),
    )
    assert len(image_xobject_ids(without.data)) == 1
    assert len(image_xobject_ids(with_dark.data)) == 2


def test_qr_zone_and_specific_page(base_pdf, ctx):
    zones = [{"type": "qr", "page": 2, "box": {"x": 150, "y": 240, "width": 40, "height": 40}}]
    output = stamp_pdf(base_pdf=base_pdf, zones=zones, ctx=ctx, filename_stem="x")
    assert [len(picture_boxes(output.data, i)) for i in range(3)] == [0, 1, 0]


def test_a_zone_set_once_for_a_list_of_pages(base_pdf, ctx):
    zones = [{**NAME_ZONE, "page": [1, 3]}, {**LOGO_ZONE, "page": [3, 2]}]
    output = stamp_pdf(base_pdf=base_pdf, zones=zones, ctx=ctx, filename_stem="x")
    pages = PdfReader(io.BytesIO(output.data)).pages
    assert ["Acme Resellers" in page.extract_text() for page in pages] == [True, False, True]
    assert [len(picture_boxes(output.data, i)) for i in range(3)] == [0, 1, 1]


def test_partner_text_is_drawn_literally(base_pdf, brand):
    hostile = Brand(**{**brand.__dict__, "name": "<script>x</script> {{ a }} {% load b %}"})
    output = stamp_pdf(
        base_pdf=base_pdf, zones=[NAME_ZONE], ctx=context_for(hostile), filename_stem="x"
    )
    assert "<script>x</script> {{ a }} {% load b %}" in pdf_text(output.data)


def test_missing_brand_details_are_named(base_pdf, brand):
    bare = Brand(name="Bare", slug="bare")
    with pytest.raises(MissingBrandDetails) as caught:
        stamp_pdf(
            base_pdf=base_pdf,
            zones=[LOGO_ZONE, NAME_ZONE],
            ctx=context_for(bare),
            filename_stem="x",
        )
    assert caught.value.missing == ["phone", "logo"]
    assert str(caught.value) == "Add your phone number and logo to your brand profile."


def encrypted_pdf(base: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(base)))
    writer.encrypt(user_password="secret", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda base: encrypted_pdf(base), "password-protected"),
        (lambda base: base[: len(base) // 3], "damaged"),
        (lambda base: b"%PDF-1.4\n garbage", "damaged"),
        (lambda base: b"not a pdf at all", "not a PDF"),
        (lambda base: make_base_pdf(51, blank=True), "the limit is 50"),
    ],
    ids=["encrypted", "truncated", "garbage", "not-pdf", "too-many-pages"],
)
def test_untrusted_base_pdfs_are_refused(base_pdf, ctx, make, words):
    with pytest.raises(LayoutRejected, match=words):
        stamp_pdf(base_pdf=make(base_pdf), zones=[NAME_ZONE], ctx=ctx, filename_stem="x")


def test_invalid_layout_is_refused(base_pdf, ctx):
    with pytest.raises(LayoutRejected) as caught:
        stamp_pdf(base_pdf=base_pdf, zones=[{"type": "text"}], ctx=ctx, filename_stem="x")
    assert caught.value.errors


def test_inspect_base_pdf(base_pdf):
    info = inspect_base_pdf(base_pdf)
    assert info.page_count == 3
    assert info.page_sizes_mm[0] == pytest.approx((210, 297), abs=0.5)


def test_output_is_an_incremental_update_of_the_base(base_pdf, ctx):
    output = stamp_pdf(base_pdf=base_pdf, zones=[LOGO_ZONE, NAME_ZONE], ctx=ctx, filename_stem="x")
    assert output.data.startswith(base_pdf)  # the designer's bytes are untouched
    reader = PdfReader(io.BytesIO(output.data), strict=True)
    assert len(reader.pages) == 3


def test_base_with_cross_reference_stream(ctx):
    """WeasyPrint writes compressed cross-reference streams; stamp one."""
    import weasyprint

    base = weasyprint.HTML(
        string="<p>First</p><p style='break-before: page'>Second</p>"
    ).write_pdf()
    output = stamp_pdf(base_pdf=base, zones=[LOGO_ZONE, NAME_ZONE], ctx=ctx, filename_stem="x")
    reader = PdfReader(io.BytesIO(output.data), strict=True)
    assert [("Acme Resellers" in p.extract_text()) for p in reader.pages] == [True, True]
    assert "Second" in reader.pages[1].extract_text()
    assert len(image_xobject_ids(output.data)) == 1
    document = pypdfium2.PdfDocument(output.data)
    assert len(document) == 2
    document.close()


@pytest.mark.parametrize("rotation", [90, 180, 270, -90, "indirect"])
def test_rotated_pages_are_stamped_as_displayed(ctx, rotation):
    """Zones are placed on the page as a viewer shows it, whether /Rotate is
    negative or stored as a separate object (both are valid PDF)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_base_pdf(1, blank=True))))
    if rotation == "indirect":
        rotate = writer._add_object(NumberObject(90))
        writer.pages[0][NameObject("/Rotate")] = rotate
    else:
        writer.pages[0].rotate(rotation)
    buffer = io.BytesIO()
    writer.write(buffer)
    zone = {
        "type": "logo",
        "box": {"x": 10, "y": 10, "width": 40, "height": 20},
        "align": "left",
        "valign": "top",
    }
    output = stamp_pdf(base_pdf=buffer.getvalue(), zones=[zone], ctx=ctx, filename_stem="x")
    left, top, right, bottom = ink_bbox(output.data)
    assert left == pytest.approx(10 * MM, abs=2) and top == pytest.approx(10 * MM, abs=2)
    assert right <= 50 * MM + 2 and bottom <= 30 * MM + 2


def test_image_zone_shows_the_named_picture(ctx):
    badge = image_bytes(Image.new("RGB", (100, 100), (0, 160, 0)), "PNG")
    output = stamp_pdf(
        base_pdf=make_base_pdf(1, blank=True),
        zones=[BADGE_ZONE],
        ctx=ctx,
        filename_stem="x",
        resources={"badge": badge},
    )
    [(x, y, width, height)] = picture_boxes(output.data)
    box = BADGE_ZONE["box"]
    assert (x, A4_HEIGHT - y - height) == pytest.approx((box["x"] * MM, box["y"] * MM), abs=0.01)
    assert (width, height) == pytest.approx((box["width"] * MM, box["height"] * MM), abs=0.01)
    document = pypdfium2.PdfDocument(output.data)
    page = document[0].render(scale=1).to_pil().convert("RGB")
    document.close()
    centre = ((box["x"] + box["width"] / 2) * MM, (box["y"] + box["height"] / 2) * MM)
    assert page.getpixel(tuple(round(v) for v in centre)) == (0, 160, 0)


def test_image_zone_without_its_picture_is_refused(base_pdf, ctx):
    with pytest.raises(LayoutRejected, match="the picture “badge” is missing"):
        stamp_pdf(base_pdf=base_pdf, zones=[BADGE_ZONE], ctx=ctx, filename_stem="x", resources={})


def test_a_logo_encoded_at_upload_is_stamped_without_encoding_again(brand):
    from dataclasses import replace

    from assets.rendering import pdf_images

    packed = pdf_images.encode_image_packed(brand.logo.data)
    encoded = pdf_images.unpack_encoded(packed)
    assert encoded == pdf_images.encode_image(brand.logo.data)
    # A stored encoding that differs from what the worker would make shows in
    # the output: the stamp took the stored one and encoded nothing.
    marked = replace(encoded, alpha=None)
    logo = replace(brand.logo, pdf_image=pdf_images.pack_encoded(marked))
    pdf_images._encode_cached.cache_clear()
    ctx = context_for(replace(brand, logo=logo))
    out = stamp_pdf(base_pdf=make_base_pdf(1), zones=[LOGO_ZONE], ctx=ctx, filename_stem="b")
    assert pdf_images._encode_cached.cache_info().currsize == 0
    image = PdfReader(io.BytesIO(out.data)).pages[0].images[0]
    assert "/SMask" not in image.indirect_reference.get_object()
    # The stored form changes nothing the brand is compared or keyed by.
    assert logo == brand.logo and replace(brand, logo=logo).fingerprint() == brand.fingerprint()


@pytest.mark.parametrize(
    "damage", [lambda b: b[:-1], lambda b: b"x" + b, lambda b: b.replace(b'"width"', b'"wide"')]
)
def test_a_damaged_stored_encoding_is_ignored_and_the_logo_encoded(brand, damage):
    from dataclasses import replace

    from assets.rendering import pdf_images

    packed = pdf_images.encode_image_packed(brand.logo.data)
    assert pdf_images.unpack_encoded(damage(packed)) is None
    logo = replace(brand.logo, pdf_image=damage(packed))
    ctx = context_for(replace(brand, logo=logo))
    out = stamp_pdf(base_pdf=make_base_pdf(1), zones=[LOGO_ZONE], ctx=ctx, filename_stem="b")
    image = PdfReader(io.BytesIO(out.data)).pages[0].images[0]
    assert "/SMask" in image.indirect_reference.get_object()
