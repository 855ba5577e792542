"""Inputs shared by the rendering benchmarks, generated in code: a logo, a
'designed' three-page A4 brochure as a PDF (photo band, headings, body text
in an embedded font) and the same brochure as an HTML document."""

from __future__ import annotations

import base64
import datetime
import io
import random
import textwrap
from functools import cache
from pathlib import Path

import reportlab
from PIL import Image, ImageDraw, ImageFilter
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from assets.rendering import Brand, Logo, RenderContext, normalise_logo
from portal.demo import artwork

PARAGRAPH = (
    "Northwind Cloud keeps your business running: managed backups, monitoring around the "
    "clock and a support team that answers. Our partners install, configure and look after "
    "it for you, close to where you work, with the same service levels everywhere. "
)
PAGES = 3
MARKS = ("circle", "triangle", "waves", "star")  # the demo's logo shapes


@cache
def photo_jpeg() -> bytes:
    """A photo-like picture (noise plus shapes, blurred) as a JPEG."""
    rng = random.Random(7)
    image = Image.effect_noise((1240, 500), 60).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = rng.randrange(1240), rng.randrange(500)
        r = rng.randrange(20, 120)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in "rgb"))
    image = image.filter(ImageFilter.GaussianBlur(3))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


@cache
def logo(seed: int = 0) -> Logo:
    """A partner logo drawn as the demo draws its own (with a bundled font, so
    the bytes do not depend on Pillow's default font); one per seed."""
    rng = random.Random(seed)
    colour = "#" + "".join(f"{rng.randrange(200):02x}" for _ in "rgb")
    png = artwork.logo_png(f"Partner {seed}", MARKS[seed % len(MARKS)], colour)
    return Logo.from_png(normalise_logo(png).png)


def brand(seed: int = 0) -> Brand:
    return Brand(
        name=f"Partner Number {seed} Ltd",
        slug=f"partner-{seed}",
        phone=f"+44 20 7946 {seed:04d}",
        email=f"hello@partner{seed}.example",
        website=f"https://partner{seed}.example",
        referral_url=f"https://partner{seed}.example/r/1",
        logo=logo(seed),
    )


def context(seed: int = 0) -> RenderContext:
    return RenderContext(
        brand=brand(seed),
        fields={"headline": "Spring offer"},
        vendor_name="Northwind Cloud",
        today=datetime.date(2026, 3, 14),
    )


@cache
def designed_pdf() -> bytes:
    """The brochure as a designer would deliver it: photo, text, fonts embedded."""
    # The designer's own fonts (Bitstream Vera, shipped with reportlab), embedded.
    fonts = Path(reportlab.__file__).with_name("fonts")
    for name, file in (("Body", "Vera.ttf"), ("Heading", "VeraBd.ttf")):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(fonts / file)))
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    width, height = A4
    photo = ImageReader(io.BytesIO(photo_jpeg()))
    for page in range(1, PAGES + 1):
        canvas.drawImage(photo, 0, height - 300, width, 300)
        canvas.setFont("Heading", 26)
        canvas.drawString(56, height - 350, f"Cloud that just works — part {page}")
        text = canvas.beginText(56, height - 390)
        text.setFont("Body", 10.5, leading=15)
        for line in textwrap.wrap(PARAGRAPH * 6, 95):
            text.textLine(line)
        canvas.drawText(text)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def brochure_html(*, logo_src: str, name: str, phone: str) -> str:
    """The same brochure as HTML, with the partner's logo and details on every page."""
    photo = "data:image/jpeg;base64," + base64.b64encode(photo_jpeg()).decode()
    page = (
        '<section><img class="photo" src="{photo}"><img class="logo" src="{logo}">'
        "<h1>Cloud that just works — part {n}</h1>{body}"
        '<p class="contact">{name} · {phone}</p></section>'
    )
    body = "".join(f"<p>{PARAGRAPH * 2}</p>" for _ in range(3))
    sections = "".join(
        page.format(photo=photo, logo=logo_src, n=n, body=body, name=name, phone=phone)
        for n in range(1, PAGES + 1)
    )
    return (
        "<html><head><style>@page { size: A4; margin: 0 } body { font-family: sans-serif; "
        "font-size: 10.5pt; line-height: 1.45; margin: 0 } section { page-break-after: always; "
        "height: 297mm; position: relative } .photo { width: 210mm; height: 106mm; "
        "display: block } .logo { position: absolute; top: 12mm; left: 15mm; width: 60mm } "
        "h1 { font-family: serif; margin: 12mm 20mm 6mm; font-size: 26pt } "
        "p { margin: 0 20mm 4mm } .contact { position: absolute; bottom: 14mm; left: 0; "
        "color: #1f4e79; font-size: 14pt }</style></head><body>" + sections + "</body></html>"
    )


STAMP_ZONES = [
    {"type": "logo", "page": "all", "box": {"x": 15, "y": 12, "width": 60, "height": 30}},
    {
        "type": "text",
        "page": "all",
        "box": {"x": 20, "y": 275, "width": 150, "height": 10},
        "content": "{partner.name} · {partner.phone}",
        "size": 14,
        "min_size": 8,
        "color": "primary",
    },
]


DOCUMENT = """<html><head><style>
@page { size: A4; margin: 0 } body { font-family: sans-serif; font-size: 10.5pt; margin: 0 }
section { page-break-after: always; height: 297mm; position: relative }
.photo { width: 210mm; height: 106mm; display: block }
.logo { position: absolute; top: 12mm; left: 15mm; width: 60mm }
h1 { font-family: serif; margin: 12mm 20mm 6mm; font-size: 26pt } p { margin: 0 20mm 4mm }
.contact { position: absolute; bottom: 14mm; left: 0; color: #1f4e79; font-size: 14pt }
</style></head><body>
{% for part in "123" %}<section><img class="photo" src="resources/photo.jpg">
{% if partner.logo %}<img class="logo" src="{{ partner.logo }}">{% endif %}
<h1>{{ field.headline }}: part {{ part }}</h1>
{% for n in "123" %}<p>Cloud backup that just works. Your data is kept in two regions, checked
every night and restored in minutes when you need it; our partners install, configure and look
after it for you, close to where you work, with the same service levels everywhere. Cloud backup
that just works. Your data is kept in two regions, checked every night and restored in minutes.
</p>{% endfor %}
<p class="contact">{{ partner.name }} · {{ partner.phone }}</p></section>{% endfor %}
</body></html>"""


def add_cobranded_assets(kit, *, documents: int, brochures: int) -> None:
    """Co-branded assets like a campaign's: HTML documents (three A4 pages
    with a photo, the partner's logo and details) rendered by WeasyPrint,
    and designed PDFs the partner's logo and details are stamped on."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assets.models import Asset, AssetKind, EditableField
    from assets.resources import pictures_from_uploads
    from assets.services import asset_version_create

    photo = photo_jpeg()
    for position in range(documents):
        asset = Asset.objects.create(
            kit=kit, kind=AssetKind.HTML_DOCUMENT, title=f"Guide {position}", position=position
        )
        EditableField.objects.create(
            asset=asset, name="headline", label="Headline", default="Backups", max_length=60
        )
        pictures, problems = pictures_from_uploads([SimpleUploadedFile("photo.jpg", photo)])
        assert not problems, problems
        asset_version_create(asset=asset, template=DOCUMENT, pictures=pictures)
    for position in range(documents, documents + brochures):
        asset = Asset.objects.create(
            kit=kit, kind=AssetKind.PDF_LAYOUT, title=f"Brochure {position}", position=position
        )
        asset_version_create(
            asset=asset,
            source_file=SimpleUploadedFile("brochure.pdf", designed_pdf()),
            layout=STAMP_ZONES,
        )


def add_branded_partner(n: int, *, tier, region):
    """Partner number `n`: a reseller with a complete brand profile and a logo
    of its own (drawn, so every partner's renders differ)."""
    from portal.partners.models import BrandProfile, PartnerOrganisation
    from portal.partners.services import brand_logo_store

    org = PartnerOrganisation.objects.create(
        name=f"Partner {n}", slug=f"partner-{n}", partner_type="reseller", tier=tier, region=region
    )
    profile = BrandProfile.objects.create(
        organisation=org,
        display_name=f"Partner Number {n} Ltd",
        phone=f"+44 20 7946 {n:04d}",
        email=f"hello@partner{n}.example",
        website=f"https://partner{n}.example",
        referral_url=f"https://partner{n}.example/r/1",
    )
    png = artwork.logo_png(f"Partner {n}", MARKS[n % len(MARKS)], "#1f4e79")
    brand_logo_store(profile=profile, logo=normalise_logo(png))
    return org
