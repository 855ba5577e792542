"""Assets in the workspace: bulk upload with kinds proposed from the files'
content and thumbnails from the real files, and the asset page (a failed
save keeps the uploaded file; a changed source makes a new version;
editable fields and guideline rows are saved)."""

import io
import json
import re

import pytest
from django.urls import reverse
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from assets.models import (
    Asset,
    AssetKind,
    EditableField,
    GuidelineEntry,
    Kit,
    PendingUpload,
)
from assets.services import asset_version_create
from tests.factories import AssetFactory, KitFactory, make_document, png_bytes

pytestmark = pytest.mark.django_db

ZONES = [
    {
        "type": "text",
        "box": {"x": 10, "y": 10, "width": 120, "height": 20},
        "content": "{partner.name}",
        "size": 12,
    }
]

EMAIL_HTML = b"""<!doctype html>
<html><head><title>Spring offer from {{ partner.name }}</title></head>
<body>
<table role="presentation" width="100%"><tr><td>
  <table style="max-width: 600px"><tr><td>
    <h1 style="color: #102a5c">Spring offer</h1>
    <p>Call {{ partner.name }} today.</p>
    <p><a href="https://example.com/u">Unsubscribe</a></p>
  </td></tr></table>
</td></tr></table>
</body></html>"""


def multi_page_pdf(pages: int = 3) -> bytes:
    """A real PDF whose first page is mostly a red block."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    for number in range(1, pages + 1):
        if number == 1:
            canvas.setFillColorRGB(0.85, 0.1, 0.1)
            canvas.rect(40, 200, 500, 560, stroke=0, fill=1)
        canvas.setFillColorRGB(0, 0, 0)
        canvas.drawString(72, 100, f"Page {number}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _file(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def _picture(field_file) -> Image.Image:
    with field_file.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image.convert("RGB")


def _share(image: Image.Image, colour, tolerance=40) -> float:
    """The share of pixels close to `colour`."""
    pixels = [image.getpixel((x, y)) for y in range(image.height) for x in range(image.width)]
    close = sum(
        1
        for pixel in pixels
        if all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))
    )
    return close / len(pixels)


def _upload(ws_client, kit, name, data):
    return ws_client.post(
        reverse("workspace:asset_upload_file", args=[kit.pk]), {"file": _file(name, data)}
    )


def test_bulk_upload_proposes_kinds_from_content_and_makes_assets_with_real_thumbnails(
    ws_client, django_capture_on_commit_callbacks
):
    kit = KitFactory(status=Kit.Status.DRAFT)
    files = {
        "Spring brochure.pdf": multi_page_pdf(),
        "social_card.png": png_bytes(300, 200, (20, 160, 60, 255)),
        "newsletter.html": EMAIL_HTML,
        "intro.mp4": b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00" + bytes(range(256)) * 40,
    }
    answers = {}
    for name, data in files.items():
        response = _upload(ws_client, kit, name, data)
        assert response.status_code == 200, response.content
        answers[name] = response.json()
    kinds = {name: [k["key"] for k in answer["kinds"]] for name, answer in answers.items()}
    assert kinds["Spring brochure.pdf"][0] == "pdf_layout"
    assert "file" in kinds["Spring brochure.pdf"]  # a plain file is offered too
    assert kinds["social_card.png"][:2] == ["image_layout", "file"]
    assert kinds["newsletter.html"][0] == "email"
    assert kinds["intro.mp4"] == ["file"]

    # A damaged picture is refused with the reason; nothing of it is kept.
    broken = png_bytes(50, 50)[:60]
    response = _upload(ws_client, kit, "broken.png", broken)
    assert response.status_code == 400
    assert response.json()["ok"] is False and response.json()["error"]
    assert PendingUpload.objects.count() == 4

    chosen = {
        "Spring brochure.pdf": "pdf_layout",
        "social_card.png": "file",
        "newsletter.html": "email",
        "intro.mp4": "file",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = ws_client.post(
            reverse("workspace:asset_upload", args=[kit.pk]),
            {
                "token": [answers[name]["token"] for name in files],
                "kind": [chosen[name] for name in files],
                "title": [answers[name]["title"] for name in files],
            },
        )
    assert response.status_code == 302
    assets = {asset.title: asset for asset in kit.assets.all()}
    assert set(assets) == {"Spring brochure", "social card", "newsletter", "intro"}

    brochure = assets["Spring brochure"]
    assert brochure.kind == "pdf_layout"
    assert brochure.current_version is None  # a draft: it needs zones
    assert brochure.pending_uploads.count() == 1
    email = assets["newsletter"]
    assert email.kind == "email"
    assert email.current_version.number == 1
    assert "Unsubscribe" in email.current_version.template
    assert email.current_version.subject == "Spring offer from {partner.name}"
    assert assets["intro"].current_version.source_name == "intro.mp4"
    assert assets["social card"].current_version.source_sha256
    assert PendingUpload.objects.count() == 1  # only the draft's base waits

    # Thumbnails come from the real files.
    brochure.refresh_from_db()
    pdf_thumb = _picture(brochure.thumbnail)
    assert _share(pdf_thumb, (217, 25, 25)) > 0.3  # the first page's red block
    assets["social card"].refresh_from_db()
    card_thumb = _picture(assets["social card"].thumbnail)
    assert _share(card_thumb, (20, 160, 60), tolerance=8) > 0.95
    email.refresh_from_db()
    email_thumb = _picture(email.thumbnail)
    colours = email_thumb.getcolors(maxcolors=100_000) or []
    assert len(colours) > 10  # laid-out text, not a flat picture
    assets["intro"].refresh_from_db()
    assert assets["intro"].thumbnail  # the kind's icon

    response = ws_client.get(reverse("workspace:asset_thumbnail", args=[brochure.pk]))
    assert response.status_code == 200
    page = ws_client.get(reverse("workspace:asset_upload", args=[kit.pk])).content.decode()
    assert "Draft: source incomplete" in page
    assert reverse("workspace:asset_edit", args=[email.pk]) in page


def test_the_draft_pdf_gets_its_zones_on_its_page_without_a_new_upload(
    ws_client, django_capture_on_commit_callbacks
):
    kit = KitFactory()
    token = _upload(ws_client, kit, "flyer.pdf", multi_page_pdf()).json()["token"]
    ws_client.post(
        reverse("workspace:asset_upload", args=[kit.pk]),
        {"token": [token], "kind": ["pdf_layout"], "title": ["Flyer"]},
    )
    asset = kit.assets.get()
    page = ws_client.get(reverse("workspace:asset_edit", args=[asset.pk])).content.decode()
    assert "Kept from your last upload" in page and "flyer.pdf" in page
    kept_token = _token_in(page)
    with django_capture_on_commit_callbacks(execute=True):
        response = ws_client.post(
            reverse("workspace:asset_edit", args=[asset.pk]),
            _page_data(asset, layout=json.dumps(ZONES), source_upload_token=kept_token),
        )
    assert response.status_code == 302, _errors(response)
    asset.refresh_from_db()
    assert asset.current_version.number == 1
    assert asset.current_version.source_name == "flyer.pdf"
    assert asset.current_version.layout == ZONES
    assert PendingUpload.objects.count() == 0


def test_the_bulk_upload_works_without_the_script(ws_client):
    kit = KitFactory()
    response = ws_client.post(
        reverse("workspace:asset_upload", args=[kit.pk]),
        {"files": [_file("a.png", png_bytes()), _file("bad.pdf", b"%PDF-1.7 not really")]},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "a.png" in page and "Image with zones (proposed)" in page
    assert "bad.pdf</span>: not uploaded." in page
    assert PendingUpload.objects.count() == 1


def test_an_upload_of_someone_else_cannot_be_claimed(client, ws_client, marketing_admin):
    from tests.factories import make_marketing_admin

    kit = KitFactory()
    token = _upload(ws_client, kit, "a.png", png_bytes()).json()["token"]
    client.force_login(make_marketing_admin(email="other@northwind.example"))
    client.post(
        reverse("workspace:asset_upload", args=[kit.pk]),
        {"token": [token], "kind": ["file"], "title": ["Stolen"]},
    )
    assert not kit.assets.exists()


# --- the asset page ----------------------------------------------------------


def _management(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _page_data(asset: Asset, **values) -> dict:
    data = {"title": asset.title, "description": "", "position": "0"}
    data.update(_management("editable_fields"))
    data.update(values)
    return data


def _token_in(page: str) -> str:
    found = re.search(r'name="source_upload_token" value="([^"]+)"', page)
    assert found, "no kept upload token in the page"
    return found.group(1)


def _errors(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())[:3000]


def test_a_failed_save_keeps_the_uploaded_pdf_and_names_the_field(ws_client):
    asset = AssetFactory(kind=AssetKind.PDF_LAYOUT, title="Brochure")
    pdf = multi_page_pdf(2)
    bad_layout = [{**ZONES[0], "box": {"x": 10, "y": 10, "width": 120}}]
    response = ws_client.post(
        reverse("workspace:asset_edit", args=[asset.pk]),
        _page_data(asset, layout=json.dumps(bad_layout), source_upload=_file("brochure.pdf", pdf)),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was saved" in page
    assert re.search(r'<a href="#id_layout" class="alert-link">Layout</a>: ', page)
    assert "Kept from your last upload" in page and "brochure.pdf" in page
    asset.refresh_from_db()
    assert asset.current_version is None
    assert PendingUpload.objects.filter(asset=asset).count() == 1

    # The second save sends no file: the kept one is used.
    response = ws_client.post(
        reverse("workspace:asset_edit", args=[asset.pk]),
        _page_data(asset, layout=json.dumps(ZONES), source_upload_token=_token_in(page)),
    )
    assert response.status_code == 302, _errors(response)
    asset.refresh_from_db()
    version = asset.current_version
    assert version.number == 1 and version.source_name == "brochure.pdf"
    with version.source_file.open("rb") as handle:
        assert handle.read() == pdf
    assert PendingUpload.objects.count() == 0


def test_a_file_that_fails_its_own_check_is_not_kept(ws_client):
    asset = AssetFactory(kind=AssetKind.PDF_LAYOUT)
    response = ws_client.post(
        reverse("workspace:asset_edit", args=[asset.pk]),
        _page_data(asset, layout=json.dumps(ZONES), source_upload=_file("x.pdf", png_bytes())),
    )
    assert response.status_code == 200
    assert "Source file</a>: This file is not a PDF." in response.content.decode()
    assert PendingUpload.objects.count() == 0


def test_a_changed_template_makes_a_new_version(ws_client, django_capture_on_commit_callbacks):
    asset = make_document()
    fields = list(asset.editable_fields.all())
    data = _page_data(asset, template=asset.current_version.template + "<p>More</p>")
    data.update(_management("editable_fields", total=len(fields), initial=len(fields)))
    for i, field in enumerate(fields):
        data.update(
            {
                f"editable_fields-{i}-id": str(field.pk),
                f"editable_fields-{i}-name": field.name,
                f"editable_fields-{i}-label": field.label,
                f"editable_fields-{i}-field_type": field.field_type,
                f"editable_fields-{i}-max_length": str(field.max_length),
                f"editable_fields-{i}-default": field.default,
                f"editable_fields-{i}-position": str(field.position),
            }
        )
    with django_capture_on_commit_callbacks(execute=True):
        response = ws_client.post(reverse("workspace:asset_edit", args=[asset.pk]), data)
    assert response.status_code == 302, _errors(response)
    asset.refresh_from_db()
    assert asset.current_version.number == 2
    assert asset.current_version.template.endswith("<p>More</p>")
    assert asset.thumbnail  # made again from the new version

    # The same source again makes no version.
    ws_client.post(reverse("workspace:asset_edit", args=[asset.pk]), data)
    asset.refresh_from_db()
    assert asset.current_version.number == 2


def test_a_template_error_names_the_template_field(ws_client):
    asset = make_document()
    data = _page_data(asset, template="<p>{{ partner.nonsense }}</p>")
    response = ws_client.post(reverse("workspace:asset_edit", args=[asset.pk]), data)
    assert response.status_code == 200
    assert '<a href="#id_template" class="alert-link">Template</a>' in response.content.decode()
    asset.refresh_from_db()
    assert asset.current_version.number == 1


def test_editable_fields_are_added_edited_and_removed(ws_client):
    asset = make_document()
    headline = asset.editable_fields.get()
    data = _page_data(
        asset,
        template="<h1>{{ field.headline }}</h1><p>{{ field.region }}</p>",
    )
    data.update(_management("editable_fields", total=2, initial=1))
    data.update(
        {
            "editable_fields-0-id": str(headline.pk),
            "editable_fields-0-name": "headline",
            "editable_fields-0-label": "Headline text",
            "editable_fields-0-field_type": "text",
            "editable_fields-0-required": "on",
            "editable_fields-0-max_length": "60",
            "editable_fields-0-default": "Spring",
            "editable_fields-0-position": "0",
            "editable_fields-1-name": "region",
            "editable_fields-1-label": "Region",
            "editable_fields-1-field_type": "choice",
            "editable_fields-1-max_length": "120",
            "editable_fields-1-default": "North",
            "editable_fields-1-choices": "North\nSouth\n",
            "editable_fields-1-position": "1",
        }
    )
    response = ws_client.post(reverse("workspace:asset_edit", args=[asset.pk]), data)
    assert response.status_code == 302, _errors(response)
    headline.refresh_from_db()
    assert (headline.label, headline.required, headline.max_length) == ("Headline text", True, 60)
    region = asset.editable_fields.get(name="region")
    assert region.choices == ["North", "South"]
    assert region.field_type == EditableField.FieldType.CHOICE

    # Removing the field used by the template is refused, naming the template.
    data.update({"editable_fields-1-id": str(region.pk), "editable_fields-1-DELETE": "on"})
    data.update(_management("editable_fields", total=2, initial=2))
    response = ws_client.post(reverse("workspace:asset_edit", args=[asset.pk]), data)
    assert response.status_code == 200
    assert "id_template" in response.content.decode()
    assert asset.editable_fields.filter(name="region").exists()


def test_a_choice_field_needs_approved_values(ws_client):
    asset = AssetFactory(kind=AssetKind.FILE)
    asset_version_create(asset=asset, source_file=_file("a.zip", b"PK\x03\x04zip"))
    data = _page_data(asset)
    data.update(_management("editable_fields", total=1))
    data.update(
        {
            "editable_fields-0-name": "tier",
            "editable_fields-0-label": "Tier",
            "editable_fields-0-field_type": "choice",
            "editable_fields-0-max_length": "120",
            "editable_fields-0-position": "0",
        }
    )
    response = ws_client.post(reverse("workspace:asset_edit", args=[asset.pk]), data)
    assert response.status_code == 200
    assert "Row 1, Approved values</a>: A choice field needs" in response.content.decode()
    assert not asset.editable_fields.exists()


def test_guideline_entries_are_edited_on_the_page(ws_client):
    asset = AssetFactory(kind=AssetKind.GUIDELINE)
    entry = GuidelineEntry.objects.create(asset=asset, section="do", body="Say hello")
    page = ws_client.get(reverse("workspace:asset_edit", args=[asset.pk])).content.decode()
    assert "Say hello" in page and "Guideline entries" in page
    data = {"title": "Voice", "description": "", "position": "0"}
    data.update(_management("guideline_entries", total=2, initial=1))
    data.update(
        {
            "guideline_entries-0-id": str(entry.pk),
            "guideline_entries-0-section": "do",
            "guideline_entries-0-body": "Say hello warmly",
            "guideline_entries-0-position": "0",
            "guideline_entries-1-section": "legal",
            "guideline_entries-1-title": "Trademark",
            "guideline_entries-1-body": "Northwind is a trademark.",
            "guideline_entries-1-position": "1",
        }
    )
    response = ws_client.post(reverse("workspace:asset_edit", args=[asset.pk]), data)
    assert response.status_code == 302, _errors(response)
    assert list(asset.guideline_entries.values_list("body", flat=True)) == [
        "Say hello warmly",
        "Northwind is a trademark.",
    ]
    asset.refresh_from_db()
    assert asset.title == "Voice" and asset.current_version is None


def test_unclaimed_uploads_are_pruned_but_a_drafts_base_stays(
    ws_client, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from assets.pending_uploads import pending_uploads_prune

    kit = KitFactory()
    _upload(ws_client, kit, "left.png", png_bytes())
    token = _upload(ws_client, kit, "flyer.pdf", multi_page_pdf()).json()["token"]
    ws_client.post(
        reverse("workspace:asset_upload", args=[kit.pk]),
        {"token": [token], "kind": ["pdf_layout"], "title": ["Flyer"]},
    )
    left = PendingUpload.objects.get(asset__isnull=True)
    stored = left.file.path
    PendingUpload.objects.update(created_at=timezone.now() - timedelta(days=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert pending_uploads_prune() == 1
    assert list(PendingUpload.objects.values_list("original_name", flat=True)) == ["flyer.pdf"]
    import os

    assert not os.path.exists(stored)
