"""Assets of every co-branded kind for the workspace's tests."""

from django.core.files.uploadedfile import SimpleUploadedFile

from assets.models import AssetKind
from assets.services import asset_version_create
from tests.assets.rendering.conftest import make_base_pdf
from tests.factories import AssetFactory, KitFactory

NAME_ZONE = {
    "type": "text",
    "label": "Company",
    "box": {"x": 20, "y": 150, "width": 120, "height": 20},
    "content": "{partner.name}",
    "size": 12,
    "min_size": 9,
}


def make_pdf_layout(kit=None, *, pages=3, zones=None, base=None, title="Brochure"):
    asset = AssetFactory(kit=kit or KitFactory(), kind=AssetKind.PDF_LAYOUT, title=title)
    asset_version_create(
        asset=asset,
        source_file=SimpleUploadedFile("brochure.pdf", base or make_base_pdf(pages)),
        layout=zones if zones is not None else [NAME_ZONE],
    )
    return asset


def make_email(kit=None, *, subject="News from {partner.name}", template=None):
    asset = AssetFactory(kit=kit or KitFactory(), kind=AssetKind.EMAIL, title="Launch mail")
    asset_version_create(
        asset=asset,
        template=template or "<p>Hello from {{ partner.name }}, call {{ partner.phone }}.</p>",
        subject=subject,
    )
    return asset
