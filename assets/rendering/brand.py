"""Plain, immutable inputs of every render: the partner's brand and the
context of one rendering. Built by the Django side from its models; nothing
here knows about models."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from functools import lru_cache
from types import MappingProxyType

from PIL import Image, ImageDraw, ImageFont

DEFAULT_PRIMARY = "#1f4e79"
DEFAULT_SECONDARY = "#f2a900"
_HEX = re.compile(r"#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def normalise_color(value: object, default: str) -> str:
    """'#abc', 'ABCDEF' or '#AbCdEf' -> '#aabbcc' / '#abcdef'; anything else
    (names, rgb(), injected CSS) -> ``default``. The result is always safe to
    put inside CSS or an attribute."""
    if isinstance(value, str) and (match := _HEX.fullmatch(value.strip())):
        digits = match.group(1).lower()
        if len(digits) == 3:
            digits = "".join(ch * 2 for ch in digits)
        return f"#{digits}"
    return default


@dataclass(frozen=True)
class Logo:
    """A normalised logo (RGBA PNG) with its content hash and pixel size.

    ``pdf_image`` optionally holds the logo already encoded for PDF
    (``pdf_images.pack_encoded``, made once when the logo was uploaded), so
    a stamp never encodes it; it is derived from ``data`` and so takes no
    part in equality or fingerprints."""

    data: bytes = field(repr=False)
    sha256: str
    width: int
    height: int
    pdf_image: bytes | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_png(cls, data: bytes, *, pdf_image: bytes | None = None) -> Logo:
        """Wrap already normalised PNG bytes (reads only the header)."""
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
        return cls(
            data=data,
            sha256=hashlib.sha256(data).hexdigest(),
            width=width,
            height=height,
            pdf_image=pdf_image,
        )


@dataclass(frozen=True)
class Brand:
    """A partner's brand profile as plain values."""

    name: str
    slug: str
    phone: str = ""
    email: str = ""
    website: str = ""
    address_lines: tuple[str, ...] = ()
    tagline: str = ""
    referral_url: str = ""
    primary_color: str = DEFAULT_PRIMARY
    secondary_color: str = DEFAULT_SECONDARY
    logo: Logo | None = None
    logo_dark: Logo | None = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        for name in ("name", "slug", "phone", "email", "website", "tagline", "referral_url"):
            set_(self, name, str(getattr(self, name) or "").strip())
        lines = tuple(str(line).strip() for line in (self.address_lines or ()))
        set_(self, "address_lines", tuple(line for line in lines if line))
        set_(self, "primary_color", normalise_color(self.primary_color, DEFAULT_PRIMARY))
        set_(self, "secondary_color", normalise_color(self.secondary_color, DEFAULT_SECONDARY))

    def fingerprint(self) -> str:
        """sha256 over every field (logos by their hash): changes whenever
        anything that could show in an output changes."""
        payload = {}
        for f in fields(self):
            value = getattr(self, f.name)
            payload[f.name] = value.sha256 if isinstance(value, Logo) else value
        encoded = json.dumps(payload, sort_keys=True, ensure_ascii=True, default=list)
        return hashlib.sha256(encoded.encode()).hexdigest()


@dataclass(frozen=True)
class RenderContext:
    """Everything one render may show: the brand, the partner's values for
    the asset's editable fields, the vendor and the date.

    ``today`` is None for a source that never prints the date: the context,
    and so the rendition key, then stays the same across midnight.
    ``legal_lines`` are the legal lines the vendor's messaging rules require
    on this output (``legal.lines``), empty when the source does not print
    them."""

    brand: Brand
    fields: Mapping[str, str]
    vendor_name: str
    today: datetime.date | None
    landing_url: str = ""
    legal_lines: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        frozen = MappingProxyType({str(k): str(v) for k, v in dict(self.fields or {}).items()})
        object.__setattr__(self, "fields", frozen)
        lines = tuple(str(line).strip() for line in (self.legal_lines or ()))
        object.__setattr__(self, "legal_lines", tuple(line for line in lines if line))

    @property
    def qr_target(self) -> str:
        """Where the QR code points: the landing page, else the referral link."""
        return self.landing_url or self.brand.referral_url


@lru_cache(maxsize=1)
def _sample_logo() -> Logo:
    from assets.rendering.fonts import font_path

    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 20, 160, 180), radius=30, fill=(31, 78, 121, 255))
    draw.ellipse((40, 60, 120, 140), fill=(242, 169, 0, 255))
    font = ImageFont.truetype(str(font_path("sans-bold")), 96)
    draw.text((185, 100), "ACME", font=font, fill=(31, 78, 121, 255), anchor="lm")
    image = image.crop(image.getbbox())
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return Logo.from_png(buffer.getvalue())


def sample_brand() -> Brand:
    """A complete, fictitious brand for admin previews."""
    return Brand(
        name="Acme Partners Ltd",
        slug="acme-partners",
        phone="+44 20 7946 0000",
        email="hello@acme-partners.example",
        website="https://acme-partners.example",
        address_lines=("1 Sample Street", "London EC1A 1AA"),
        tagline="Your local cloud experts",
        referral_url="https://acme-partners.example/r/northwind",
        logo=_sample_logo(),
        logo_dark=None,
    )


def sample_context(
    field_defaults: Mapping[str, str] | None = None,
    *,
    vendor_name: str = "Northwind Cloud",
    today: datetime.date | None = None,
    legal_lines: tuple[str, ...] = (),
) -> RenderContext:
    """A context with the sample brand; fields take their defaults, or a
    'Sample …' value when a field has no default."""
    values = {
        name: (value if value else f"Sample {name.replace('_', ' ')}")
        for name, value in (field_defaults or {}).items()
    }
    return RenderContext(
        brand=sample_brand(),
        fields=values,
        vendor_name=vendor_name,
        today=today or datetime.date.today(),
        legal_lines=legal_lines,
    )
