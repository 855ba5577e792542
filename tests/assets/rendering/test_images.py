import io

import pytest
from PIL import Image, ImageDraw

from assets.rendering import ImageRejected, detect_image_format, load_base_image, normalise_logo
from tests.assets.rendering.conftest import image_bytes, make_logo_png, png_with_declared_size


def open_png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image


def test_logo_is_trimmed_rgba_png_without_metadata():
    result = normalise_logo(make_logo_png(600, 200))
    image = open_png(result.png)
    assert image.mode == "RGBA"
    assert (result.width, result.height) == image.size == (601, 201)  # transparent margin gone
    assert not {"exif", "icc_profile", "dpi"} & set(image.info)
    assert result.warnings == []
    assert len(result.sha256) == 64


def test_near_white_border_is_trimmed():
    image = Image.new("RGB", (800, 800), "white")
    ImageDraw.Draw(image).rectangle((100, 200, 499, 399), fill=(0, 0, 200))
    result = normalise_logo(image_bytes(image, "JPEG", quality=95))
    assert abs(result.width - 400) <= 4 and abs(result.height - 200) <= 4


def test_large_logo_is_bounded_and_small_logo_warned():
    big = normalise_logo(image_bytes(Image.new("RGB", (3000, 1000), "navy"), "PNG"), max_side=1200)
    assert (big.width, big.height) == (1200, 400)
    small = normalise_logo(image_bytes(Image.new("RGB", (120, 60), "navy"), "PNG"))
    assert any("blurry" in warning for warning in small.warnings)


def test_exif_orientation_is_applied():
    image = Image.new("RGB", (600, 300), "blue")
    exif = image.getexif()
    exif[0x0112] = 6  # rotate 90 degrees when displayed
    result = normalise_logo(image_bytes(image, "JPEG", exif=exif.tobytes()))
    assert (result.width, result.height) == (300, 600)
    assert "exif" not in open_png(result.png).info


def test_cmyk_jpeg_is_converted():
    image = Image.new("CMYK", (400, 200), (0, 255, 255, 0))  # pure red in CMYK
    result = normalise_logo(image_bytes(image, "JPEG"))
    red, green, blue, alpha = open_png(result.png).getpixel((200, 100))
    assert red > 200 and green < 60 and blue < 60 and alpha == 255


def test_sixteen_bit_png_is_scaled_not_clipped():
    image = Image.new("I;16", (400, 300), 40000)
    result = normalise_logo(image_bytes(image, "PNG"))
    assert open_png(result.png).getpixel((10, 10))[:3] == (156, 156, 156)


def test_palette_and_grey_alpha_become_rgba():
    palette = Image.new("P", (400, 200), 3)
    assert open_png(normalise_logo(image_bytes(palette, "PNG")).png).mode == "RGBA"
    grey_alpha = Image.new("LA", (400, 200), (90, 255))
    assert open_png(normalise_logo(image_bytes(grey_alpha, "PNG")).png).mode == "RGBA"


def test_animated_gif_uses_first_frame():
    frames = []
    for colour in ("red", "green", "blue"):
        frame = Image.new("RGB", (400, 100), "white")
        ImageDraw.Draw(frame).rectangle((10, 10, 390, 90), fill=colour)
        frames.append(frame)
    data = image_bytes(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=50)
    result = normalise_logo(data)
    assert any("first frame" in warning for warning in result.warnings)
    red, green, blue, _ = open_png(result.png).getpixel((result.width // 2, result.height // 2))
    assert red > 200 and green < 50 and blue < 50


def test_webp_is_accepted():
    assert normalise_logo(image_bytes(Image.new("RGB", (400, 200), "teal"), "WEBP")).width == 400


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (png_with_declared_size(100_000, 100_000), "too large"),
        (png_with_declared_size(9_000, 9_000), "too large"),
        (b"just some text, saved as logo.png", "not an image"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "SVG"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>x</script></svg>", "SVG"),
        (image_bytes(Image.new("RGB", (10, 10)), "BMP"), "BMP images are not supported"),
        (image_bytes(Image.new("RGB", (500, 500), "red"), "PNG")[:120], "damaged"),
        (b"", "not an image"),
    ],
    ids=["bomb", "bomb-just-over", "text", "svg", "svg-script", "bmp", "truncated", "empty"],
)
def test_unsafe_or_unsupported_files_are_rejected(data, words):
    with pytest.raises(ImageRejected) as caught:
        normalise_logo(data)
    assert words in str(caught.value)
    assert caught.value.message == str(caught.value)


def test_fully_transparent_logo_is_rejected():
    with pytest.raises(ImageRejected, match="empty"):
        normalise_logo(image_bytes(Image.new("RGBA", (50, 50), (0, 0, 0, 0)), "PNG"))


def test_detect_image_format_by_content():
    assert detect_image_format(make_logo_png()) == "png"
    assert detect_image_format(image_bytes(Image.new("RGB", (4, 4)), "JPEG")) == "jpeg"
    assert detect_image_format(image_bytes(Image.new("RGB", (4, 4)), "WEBP")) == "webp"
    assert detect_image_format(b"<svg></svg>") == "svg"
    assert detect_image_format(b"hello") is None


def test_load_base_image_applies_same_safety():
    assert load_base_image(image_bytes(Image.new("RGB", (64, 32), "red"), "PNG")).size == (64, 32)
    with pytest.raises(ImageRejected, match="too large"):
        load_base_image(png_with_declared_size(50_000, 50_000))
