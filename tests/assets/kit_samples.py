"""A kit with one asset of every kind, pictures, editable fields, guideline
entries and lessons with files: what the export/import tests carry across."""

import io

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from assets.kinds import KINDS
from assets.models import AssetKind, EditableField, GuidelineEntry, Kit, Lesson
from assets.resources import pictures_from_uploads
from assets.services import asset_version_create
from tests.factories import (
    AssetFactory,
    KitFactory,
    RegionFactory,
    TagFactory,
    TierFactory,
    png_bytes,
)
from tests.portal.landing.conftest import make_landing_asset


def pdf_bytes(pages: int = 2, text: str = "Page") -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    for number in range(1, pages + 1):
        canvas.drawString(72, 700, f"{text} {number}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def jpeg_bytes(width=240, height=120) -> bytes:
    image = Image.new("RGB", (width, height))
    pixels = image.load()
    for x in range(width):
        for y in range(height):
            pixels[x, y] = (x % 256, (y * 3) % 256, (x * y) % 256)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def _pictures(*files):
    pictures, problems = pictures_from_uploads([SimpleUploadedFile(n, d) for n, d in files])
    assert problems == []
    return pictures


DOCUMENT = """<html><body>
<h1>{{ field.headline }}</h1>
<img src="resources/badge.png" alt="">
<p>Call {{ partner.name }} on {{ partner.phone }}</p>
</body></html>"""

PDF_ZONES = [
    {"type": "logo", "page": "all", "box": {"x": 10, "y": 10, "width": 50, "height": 20}},
    {
        "type": "text",
        "page": 2,
        "box": {"x": 10, "y": 40, "width": 120, "height": 20},
        "content": "{partner.name} · {field.offer}",
        "size": 12,
    },
    {"type": "image", "box": {"x": 100, "y": 10, "width": 30, "height": 30}, "resource": "seal"},
]
IMAGE_ZONES = [
    {"type": "logo", "box": {"x": 10, "y": 10, "width": 120, "height": 60}},
    {
        "type": "text",
        "box": {"x": 10, "y": 100, "width": 380, "height": 40},
        "content": "{partner.name}",
        "size": 20,
    },
    {"type": "image", "box": {"x": 200, "y": 10, "width": 120, "height": 60}, "resource": "photo"},
]


def make_kit_of_every_kind(*, title="Spring launch") -> Kit:
    gold, emea = TierFactory(name="Gold"), RegionFactory(name="EMEA")
    kit = KitFactory(title=title, summary="Everything for the spring launch.")
    kit.cover_image.save("cover.png", ContentFile(png_bytes(320, 180)), save=True)
    kit.tags.set([TagFactory(name="Spring", slug="spring"), TagFactory(name="Cloud", slug="cloud")])
    kit.audience_tiers.set([gold])
    kit.audience_regions.set([emea])
    kit.audience_types = ["reseller"]
    kit.save()

    document = AssetFactory(kit=kit, kind=AssetKind.HTML_DOCUMENT, title="Data sheet", position=0)
    EditableField.objects.create(
        asset=document, name="headline", label="Headline", default="Spring offer", max_length=60
    )
    asset_version_create(
        asset=document,
        template=DOCUMENT,
        stylesheet="h1 { color: #1F4E79; }\n",
        pictures=_pictures(("badge.png", png_bytes(120, 60, (10, 160, 90, 255)))),
    )

    brochure = AssetFactory(kit=kit, kind=AssetKind.PDF_LAYOUT, title="Brochure", position=1)
    EditableField.objects.create(
        asset=brochure,
        name="offer",
        label="Offer",
        field_type="choice",
        choices=["10% off", "Free trial"],
        default="Free trial",
    )
    asset_version_create(
        asset=brochure,
        source_file=SimpleUploadedFile("Brochure (final).pdf", pdf_bytes(3, "Brochure")),
        layout=PDF_ZONES,
        pictures=_pictures(("seal.png", png_bytes(80, 80, (200, 160, 20, 255)))),
    )

    banner = AssetFactory(kit=kit, kind=AssetKind.IMAGE_LAYOUT, title="Social card", position=2)
    asset_version_create(
        asset=banner,
        source_file=SimpleUploadedFile("card.png", png_bytes(400, 200)),
        layout=IMAGE_ZONES,
        output_format="jpeg",
        pictures=_pictures(("photo.jpg", jpeg_bytes())),
    )

    email = AssetFactory(kit=kit, kind=AssetKind.EMAIL, title="Invitation e-mail", position=3)
    asset_version_create(
        asset=email,
        template="<p>Hello from {{ partner.name }}</p><p>{{ partner.phone }}</p>",
        stylesheet="p { color: #333; }",
        subject="News from {partner.name}",
    )

    landing = make_landing_asset(kit, title="Demo page")
    landing.position = 4
    landing.save()

    plain = AssetFactory(kit=kit, kind=AssetKind.FILE, title="Price list", position=5)
    asset_version_create(
        asset=plain, source_file=SimpleUploadedFile("price list.pdf", pdf_bytes(1, "Prices"))
    )

    guideline = AssetFactory(kit=kit, kind=AssetKind.GUIDELINE, title="How to say it", position=6)
    GuidelineEntry.objects.create(
        asset=guideline, section="boilerplate", title="About us", body="Northwind.", position=0
    )
    GuidelineEntry.objects.create(
        asset=guideline, section="dont", body="Don't call it a platform.", position=1
    )

    course = AssetFactory(kit=kit, kind=AssetKind.TRAINING, title="Sales course", position=7)
    first = Lesson(asset=course, title="Pitch", body="Read this.", position=0)
    first.attachment.save("pitch.pdf", ContentFile(pdf_bytes(1, "Pitch")), save=False)
    first.attachment_name = "Pitch deck.pdf"
    first.save()
    Lesson.objects.create(asset=course, title="Objections", body="Listen first.", position=1)

    assert {a.kind for a in kit.assets.all()} == set(KINDS)
    return kit
