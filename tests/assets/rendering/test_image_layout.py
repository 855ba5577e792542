import io

import pytest
from PIL import Image

from assets.rendering import Brand, LayoutRejected, RenderError, TextDoesNotFit, stamp_image
from tests.assets.rendering.conftest import context_for, image_bytes

BACKGROUND = (245, 245, 245)
NAME = {
    "type": "text",
    "box": {"x": 40, "y": 400, "width": 600, "height": 90},
    "content": "{partner.name} {partner.phone}",
    "size": 60,
    "min_size": 18,
    "color": "#000000",
}
LOGO = {"type": "logo", "box": {"x": 40, "y": 40, "width": 300, "height": 150}}
BADGE = {
    "type": "image",
    "resource": "badge",
    "box": {"x": 700, "y": 40, "width": 200, "height": 200},
}
GREEN = (0, 160, 0)


def ink_bbox(data: bytes):
    image = Image.open(io.BytesIO(data)).convert("RGB")
    background = Image.new("RGB", image.size, BACKGROUND)
    from PIL import ImageChops

    difference = ImageChops.difference(image, background).convert("L")
    return difference.point(lambda v: 255 if v > 40 else 0).getbbox()


def inside(bbox, box):
    left, top, right, bottom = bbox
    return (
        left >= box["x"]
        and top >= box["y"]
        and right <= box["x"] + box["width"]
        and bottom <= box["y"] + box["height"]
    )


@pytest.mark.parametrize("fmt", ["png", "jpeg"])
def test_formats(base_jpeg, ctx, fmt):
    output = stamp_image(
        base_image=base_jpeg, zones=[LOGO, NAME], ctx=ctx, fmt=fmt, filename_stem="Social card"
    )
    image = Image.open(io.BytesIO(output.data))
    assert image.size == (1200, 630)
    assert output.content_type == f"image/{fmt}"
    assert output.filename == ("Social-card.png" if fmt == "png" else "Social-card.jpg")
    assert not image.info.get("exif")


def test_text_shrinks_and_stays_in_its_box(base_jpeg, brand):
    longer = Brand(**{**brand.__dict__, "name": "Acme Resellers and Cloud Services Group"})
    data = image_bytes(Image.new("RGB", (1200, 630), BACKGROUND), "PNG")
    output = stamp_image(
        base_image=data, zones=[NAME], ctx=context_for(longer), fmt="png", filename_stem="x"
    )
    assert inside(ink_bbox(output.data), NAME["box"])


def test_logo_keeps_aspect_ratio_inside_its_box(ctx):
    data = image_bytes(Image.new("RGB", (1200, 630), BACKGROUND), "PNG")
    output = stamp_image(base_image=data, zones=[LOGO], ctx=ctx, fmt="png", filename_stem="x")
    bbox = ink_bbox(output.data)
    assert inside(bbox, LOGO["box"])
    width, height = bbox[2] - bbox[0], bbox[3] - bbox[1]
    assert width / height == pytest.approx(ctx.brand.logo.width / ctx.brand.logo.height, rel=0.03)


def test_too_long_text_is_refused_not_cut(base_jpeg, brand):
    huge = Brand(**{**brand.__dict__, "name": "Extraordinarily Long Company Name " * 10})
    with pytest.raises(TextDoesNotFit, match="company name"):
        stamp_image(
            base_image=base_jpeg, zones=[NAME], ctx=context_for(huge), fmt="png", filename_stem="x"
        )


def test_unknown_format_is_refused(base_jpeg, ctx):
    with pytest.raises(RenderError, match="png or jpeg"):
        stamp_image(base_image=base_jpeg, zones=[], ctx=ctx, fmt="gif", filename_stem="x")


def test_image_zone_shows_the_named_picture(ctx):
    badge = image_bytes(Image.new("RGB", (100, 100), GREEN), "PNG")
    data = image_bytes(Image.new("RGB", (1200, 630), BACKGROUND), "PNG")
    output = stamp_image(
        base_image=data,
        zones=[BADGE],
        ctx=ctx,
        fmt="png",
        filename_stem="x",
        resources={"other": image_bytes(Image.new("RGB", (10, 10), "red"), "PNG"), "badge": badge},
    )
    assert ink_bbox(output.data) == (700, 40, 900, 240)  # fills its square box
    image = Image.open(io.BytesIO(output.data)).convert("RGB")
    assert image.getpixel((800, 140)) == GREEN


@pytest.mark.parametrize("resources", [None, {"other": b"unused"}])
def test_image_zone_without_its_picture_is_refused(base_jpeg, ctx, resources):
    with pytest.raises(LayoutRejected, match="the picture “badge” is missing"):
        stamp_image(
            base_image=base_jpeg,
            zones=[BADGE],
            ctx=ctx,
            fmt="png",
            filename_stem="x",
            resources=resources,
        )
