"""Safe loading of uploaded pictures (partner logos, base images of layouts).

Uploads are untrusted. The format is decided by the file's content, never
its name; only PNG, JPEG, WebP and (first frame of) GIF are decoded; the pixel
count is checked from the header before any pixel is decoded; EXIF
orientation is applied and every piece of metadata is dropped.
"""

from __future__ import annotations

import hashlib
import io
import threading
import warnings
from dataclasses import dataclass, field

from PIL import Image, ImageChops, ImageFile, ImageOps, UnidentifiedImageError

from assets.rendering.errors import ImageRejected

#: Largest picture we agree to decode (width x height). 40 Mpx is a 8000x5000
#: photo; anything bigger is refused before decoding.
MAX_PIXELS = 40_000_000
#: Largest upload we parse at all.
MAX_BYTES = 25 * 1024 * 1024
#: Logos narrower than this are likely to look blurry in print.
MIN_PRINT_WIDTH = 300

ALLOWED_FORMATS = ("PNG", "JPEG", "WEBP", "GIF")

# WeasyPrint sets ImageFile.LOAD_TRUNCATED_IMAGES = True for the whole
# process when imported; uploads must still be refused when truncated, so it
# is switched off around our own decoding.
_TRUNCATION_LOCK = threading.Lock()

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"BM", "bmp"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"%PDF", "pdf"),
    (b"\x00\x00\x01\x00", "ico"),
    (b"8BPS", "psd"),
)


@dataclass(frozen=True)
class NormalisedLogo:
    """A logo ready to store: RGBA PNG bytes with its size and content hash."""

    png: bytes
    width: int
    height: int
    sha256: str
    warnings: list[str] = field(default_factory=list)


def detect_image_format(data: bytes) -> str | None:
    """Name the picture format from the first bytes ('png', 'jpeg', 'webp',
    'gif', 'svg', or another recognisable but unsupported one), else None."""
    head = bytes(data[:512])
    for signature, name in _SIGNATURES:
        if head.startswith(signature):
            return name
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:12] in (b"ftypavif", b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "heic" if b"hei" in head[8:12] else "avif"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<?xml", b"<svg", b"<!doctype svg", b"<!--")) and b"<svg" in (
        bytes(data[:4096]).lower()
    ):
        return "svg"
    return None


def open_checked(data: bytes, *, what: str) -> Image.Image:
    """Open ``data`` as a picture, refusing anything unsafe before decoding."""
    if len(data) > MAX_BYTES:
        raise ImageRejected(f"The {what} file is too large (over {MAX_BYTES // 2**20} MB).")
    kind = detect_image_format(data)
    if kind == "svg":
        raise ImageRejected(
            f"SVG files are not accepted for the {what}. Export it as a PNG "
            "(with a transparent background) and upload that instead."
        )
    if kind is None:
        raise ImageRejected(f"The {what} file is not an image. Upload a PNG, JPEG or WebP file.")
    if kind not in ("png", "jpeg", "webp", "gif"):
        raise ImageRejected(
            f"{kind.upper()} images are not supported for the {what}. "
            "Upload a PNG, JPEG or WebP file."
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(ALLOWED_FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_large(what) from exc
    except UnidentifiedImageError as exc:
        raise ImageRejected(f"The {what} file is damaged or not a real image.") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise ImageRejected(f"The {what} file is damaged or incomplete.") from exc
    width, height = image.size
    if width < 1 or height < 1 or width * height > MAX_PIXELS:
        raise _too_large(what)
    return image


def _too_large(what: str) -> ImageRejected:
    return ImageRejected(
        f"The {what} image is too large (more than {MAX_PIXELS // 1_000_000} million pixels). "
        "Upload a smaller version."
    )


def _decode(image: Image.Image, *, what: str, warn: list[str]) -> Image.Image:
    """Decode the first frame, apply EXIF orientation, return RGB or RGBA
    without any metadata."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            if getattr(image, "is_animated", False):  # n_frames would walk every GIF frame
                warn.append("Only the first frame of the animation is used.")
                image.seek(0)
            with _TRUNCATION_LOCK:
                previous, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
                try:
                    image.load()
                finally:
                    ImageFile.LOAD_TRUNCATED_IMAGES = previous
            oriented = ImageOps.exif_transpose(image)
            converted = _to_rgb_or_rgba(oriented)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_large(what) from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise ImageRejected(f"The {what} file is damaged or incomplete.") from exc
    converted.info = {}
    return converted


def _to_rgb_or_rgba(image: Image.Image) -> Image.Image:
    mode = image.mode
    if mode.startswith("I;16") or mode in ("I", "F"):
        # 16-bit/32-bit greyscale: scale down to 8 bits instead of clipping.
        scale = 1 / 256 if mode.startswith("I;16") or image.getextrema()[1] > 255 else 1
        image = image.convert("I").point(lambda v: v * scale).convert("L")
        mode = "L"
    if mode == "CMYK":
        image = _cmyk_to_rgb(image)
        mode = "RGB"
    has_alpha = mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
        mode in ("P", "L", "RGB", "1") and "transparency" in image.info
    )
    return image.convert("RGBA" if has_alpha else "RGB")  # always a new image


def _cmyk_to_rgb(image: Image.Image) -> Image.Image:
    """CMYK to sRGB through the embedded ICC profile when there is one."""
    icc = image.info.get("icc_profile")
    if icc:
        try:
            from PIL import ImageCms

            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            target = ImageCms.createProfile("sRGB")
            converted = ImageCms.profileToProfile(image, source, target, outputMode="RGB")
            if converted is not None:
                return converted
        except (ImportError, OSError, ValueError, ImageCms.PyCMSError):
            pass
    return image.convert("RGB")


def _content_box(image: Image.Image) -> tuple[int, int, int, int] | None:
    """The box inside transparent borders, and inside near-white uniform
    borders for opaque pictures. None when nothing is visible."""
    rgba = image.convert("RGBA")
    alpha = rgba.getchannel("A").point(lambda a: 255 if a > 8 else 0)
    box = alpha.getbbox()
    if box is None:
        return None
    cropped = rgba.crop(box)
    w, h = cropped.size
    corners = [cropped.getpixel(p) for p in ((0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1))]
    if all(c[3] == 255 and min(c[:3]) >= 240 for c in corners):
        background = Image.new("RGB", cropped.size, (255, 255, 255))
        diff = ImageChops.difference(cropped.convert("RGB"), background).convert("L")
        inner = diff.point(lambda v: 255 if v > 24 else 0).getbbox()
        if inner is not None:
            left, top = box[0], box[1]
            box = (left + inner[0], top + inner[1], left + inner[2], top + inner[3])
    return box


def normalise_logo(data: bytes, *, max_side: int = 1200) -> NormalisedLogo:
    """Turn an uploaded logo into a trimmed, size-bounded RGBA PNG.

    Raises ImageRejected naming the problem (not an image, unsupported
    format, SVG, too large, damaged). Soft problems, such as a logo too small
    to print sharply, are returned in ``warnings``.
    """
    notes: list[str] = []
    image = _decode(open_checked(data, what="logo"), what="logo", warn=notes)
    box = _content_box(image)
    if box is None:
        raise ImageRejected("The logo is empty: every pixel is transparent.")
    image = image.crop(box).convert("RGBA")
    if max(image.size) > max_side:
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    width, height = image.size
    if width < MIN_PRINT_WIDTH:
        notes.append(
            f"The logo is only {width} px wide and may print blurry; "
            f"upload one at least {MIN_PRINT_WIDTH} px wide if you can."
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    png = buffer.getvalue()
    return NormalisedLogo(
        png=png,
        width=width,
        height=height,
        sha256=hashlib.sha256(png).hexdigest(),
        warnings=notes,
    )


def load_base_image(data: bytes) -> Image.Image:
    """Decode the base picture of an image layout (RGB or RGBA, first frame,
    orientation applied, metadata dropped) with the same safety checks."""
    return _decode(open_checked(data, what="base image"), what="base image", warn=[])


#: Formats accepted for an asset's own pictures (GIF and others are refused).
PICTURE_FORMATS = ("png", "jpeg", "webp")


@dataclass(frozen=True)
class NormalisedPicture:
    """An asset picture ready to store: PNG (or JPEG, for photos uploaded as
    JPEG) with orientation applied and no metadata."""

    data: bytes
    format: str  # "png" or "jpeg"
    width: int
    height: int
    sha256: str

    @property
    def content_type(self) -> str:
        return f"image/{self.format}"


def normalise_picture(data: bytes, *, max_side: int = 4000) -> NormalisedPicture:
    """Turn an uploaded picture (PNG, JPEG or WebP) into stored form: the same
    checks as logos (size, type by content, decompression bombs, damage),
    EXIF orientation applied, metadata dropped, at most ``max_side`` pixels
    on the longer side. JPEG photos stay JPEG; everything else becomes PNG.
    Raises ImageRejected naming the problem."""
    kind = detect_image_format(data[:4096])
    if kind is not None and kind not in PICTURE_FORMATS and kind != "svg":
        raise ImageRejected(
            f"{kind.upper()} images are not supported for pictures. "
            "Upload a PNG, JPEG or WebP file."
        )
    image = _decode(open_checked(data, what="picture"), what="picture", warn=[])
    if max(image.size) > max_side:
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    if kind == "jpeg" and image.mode == "RGB":
        fmt = "jpeg"
        image.save(buffer, format="JPEG", quality=92, optimize=True)
    else:
        fmt = "png"
        image.save(buffer, format="PNG", optimize=True)
    stored = buffer.getvalue()
    return NormalisedPicture(
        data=stored,
        format=fmt,
        width=image.width,
        height=image.height,
        sha256=hashlib.sha256(stored).hexdigest(),
    )
