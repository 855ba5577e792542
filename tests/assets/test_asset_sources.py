"""An asset's source in the admin: each kind shows the fields it uses, the
stylesheet reaches the output, and versions carry named pictures."""

import hashlib
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from assets.models import Asset, AssetKind, AssetResource, AssetVersion
from assets.renditions import render_for_partner
from assets.roles import MARKETING_ADMINS
from assets.services import asset_version_create, source_content_hash
from assets.source_fields import SOURCE_FIELDS_BY_KIND
from tests.assets.rendering.conftest import image_xobject_ids, make_base_pdf
from tests.factories import AssetFactory, KitFactory, UserFactory, make_file_asset

pytestmark = pytest.mark.django_db

SOURCE_FIELDS = {"source_upload", "template", "stylesheet", "subject", "layout", "output_format"}
BADGE_ZONE = {
    "type": "image",
    "resource": "badge",
    "box": {"x": 10, "y": 10, "width": 40, "height": 40},
}


@pytest.fixture
def staff_client(client):
    staff = UserFactory(is_staff=True)
    staff.groups.add(Group.objects.get(name=MARKETING_ADMINS))
    client.force_login(staff)
    return client


def picture(name="badge.png", colour=(0, 160, 0), fmt="PNG", size=(60, 60)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue())


def change_url(asset) -> str:
    return reverse("admin:assets_asset_change", args=[asset.pk])


def post_change(client, asset, **values):
    """Save an asset's page as an admin would: its current source plus ``values``."""
    version = asset.current_version
    data = {
        "kit": asset.kit_id,
        "title": asset.title,
        "description": asset.description,
        "position": asset.position,
        "template": version.template,
        "stylesheet": version.stylesheet,
        "subject": version.subject,
        "layout": json.dumps(version.layout),
        "output_format": version.output_format,
        "editable_fields-TOTAL_FORMS": 0,
        "editable_fields-INITIAL_FORMS": 0,
        "versions-TOTAL_FORMS": 0,
        "versions-INITIAL_FORMS": 0,
    }
    data.update(values)
    return client.post(change_url(asset), data)


def add_data(kit, kind, **values):
    data = {
        "kit": kit.pk,
        "kind": kind,
        "title": "New asset",
        "description": "",
        "position": 0,
        "layout": "[]",
        "editable_fields-TOTAL_FORMS": 0,
        "editable_fields-INITIAL_FORMS": 0,
        "versions-TOTAL_FORMS": 0,
        "versions-INITIAL_FORMS": 0,
    }
    data.update(values)
    return data


def errors_of(response) -> str:
    form = response.context["adminform"].form
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def document(template="<p>{{ partner.name }}</p>", **source) -> Asset:
    asset = AssetFactory(kind=AssetKind.HTML_DOCUMENT, title="Flyer")
    asset_version_create(asset=asset, template=template, **source)
    return asset


def pdf_of(asset, partner) -> bytes:
    rendition = render_for_partner(asset=asset, partner=partner)
    with rendition.file.open("rb") as handle:
        return handle.read()


def page_size_mm(data: bytes) -> tuple[int, int]:
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    return round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)


def stored_files(folder: str) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / folder
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# Fields per kind


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda: document(), AssetKind.HTML_DOCUMENT),
        (lambda: make_file_asset(), AssetKind.FILE),
        (lambda: AssetFactory(kind=AssetKind.GUIDELINE), AssetKind.GUIDELINE),
    ],
)
def test_an_assets_page_shows_only_the_source_fields_its_kind_uses(staff_client, make, kind):
    asset = make()
    response = staff_client.get(change_url(asset))
    fields = set(response.context["adminform"].form.fields)
    used = set(SOURCE_FIELDS_BY_KIND[kind])
    assert fields & SOURCE_FIELDS == used & SOURCE_FIELDS
    assert ("pictures" in fields) == ("pictures" in used)
    html = response.content.decode()
    for name in SOURCE_FIELDS - used:
        assert f'name="{name}"' not in html
    for name in used & SOURCE_FIELDS:
        assert f'name="{name}"' in html


def test_the_add_page_shows_every_source_field_and_who_uses_it(staff_client):
    response = staff_client.get(reverse("admin:assets_asset_add"))
    form = response.context["adminform"].form
    assert SOURCE_FIELDS | {"pictures"} <= set(form.fields)
    assert "Used by: E-mail template." in form.fields["subject"].help_text
    assert "Designed PDF with zones" in form.fields["pictures"].help_text


def test_values_posted_for_unused_fields_are_not_stored_or_hashed(staff_client):
    asset = document()
    first = asset.current_version
    response = post_change(
        staff_client,
        asset,
        subject="Ignored {partner.name}",
        layout=json.dumps([BADGE_ZONE]),
        output_format="jpeg",
    )
    assert response.status_code == 302
    assert list(AssetVersion.objects.filter(asset=asset)) == [first]

    kit = KitFactory()
    upload = SimpleUploadedFile("sheet.csv", b"name,phone\nAcme,1\n")
    response = staff_client.post(
        reverse("admin:assets_asset_add"),
        add_data(kit, "file", source_upload=upload, template="<p>x</p>", stylesheet="p {}"),
    )
    assert response.status_code == 302, errors_of(response)
    version = Asset.objects.get(kit=kit).current_version
    assert (version.template, version.stylesheet) == ("", "")
    sha = hashlib.sha256(b"name,phone\nAcme,1\n").hexdigest()
    assert version.content_hash == source_content_hash(kind="file", file_sha256=sha)


def test_the_kind_is_fixed_once_created(staff_client):
    asset = document()
    assert post_change(staff_client, asset, kind="file").status_code == 302
    asset.refresh_from_db()
    assert asset.kind == AssetKind.HTML_DOCUMENT


# Stylesheet


def test_a_changed_stylesheet_changes_the_pdf(staff_client, partner):
    asset = document("<h1>{{ partner.name }}</h1>")
    before = pdf_of(asset, partner)
    response = post_change(staff_client, asset, stylesheet="@page { size: A5 }")
    assert response.status_code == 302, errors_of(response)
    asset.refresh_from_db()
    assert asset.current_version.number == 2
    after = pdf_of(asset, partner)
    assert page_size_mm(before) == (210, 297) and page_size_mm(after) == (148, 210)


def test_an_emails_stylesheet_is_inlined(partner):
    asset = AssetFactory(kind=AssetKind.EMAIL)
    asset_version_create(
        asset=asset,
        template="<p class='cta'>Call {{ partner.name }}</p>",
        stylesheet=".cta { color: #aa0000 }",
        subject="Hi",
    )
    rendition = render_for_partner(asset=asset, partner=partner, output_format="html")
    with rendition.file.open("rb") as handle:
        html = handle.read().decode()
    assert 'style="color: #aa0000;"' in html and "<style" not in html


# Pictures


def test_an_uploaded_picture_makes_a_new_version_used_by_the_pdf(staff_client, partner):
    asset = document()
    template = '<p>{{ partner.name }}</p><img src="resources/badge.png" style="width: 3cm">'
    response = post_change(staff_client, asset, template=template, pictures=[picture()])
    assert response.status_code == 302, errors_of(response)
    asset.refresh_from_db()
    version = asset.current_version
    assert version.number == 2
    badge = version.resources.get()
    assert (badge.name, badge.content_type, badge.width, badge.height) == (
        "badge",
        "image/png",
        60,
        60,
    )
    assert badge.file.name.startswith("resources/") and "badge" not in badge.file.name
    assert not AssetVersion.objects.get(asset=asset, number=1).resources.exists()
    assert len(image_xobject_ids(pdf_of(asset, partner))) == 1  # the badge

    # Another change carries the picture over, sharing the stored file.
    post_change(staff_client, asset, stylesheet="p { color: red }")
    asset.refresh_from_db()
    assert asset.current_version.number == 3
    assert asset.current_version.resources.get().file.name == badge.file.name

    # The same picture again changes nothing; a different one is a new version.
    post_change(staff_client, asset, pictures=[picture()])
    asset.refresh_from_db()
    assert asset.current_version.number == 3
    post_change(staff_client, asset, pictures=[picture(colour=(0, 0, 200))])
    asset.refresh_from_db()
    assert asset.current_version.number == 4
    assert asset.current_version.resources.get().sha256 != badge.sha256


def test_a_picture_still_in_use_cannot_be_removed(staff_client):
    asset = document('<img src="resources/badge.png">')
    response = post_change(staff_client, asset, pictures=[picture()])
    assert response.status_code == 302, errors_of(response)
    asset.refresh_from_db()
    response = post_change(staff_client, asset, remove_pictures=["badge"])
    assert response.status_code == 200
    assert "no picture called “badge”" in errors_of(response)
    response = post_change(staff_client, asset, template="<p>x</p>", remove_pictures=["badge"])
    assert response.status_code == 302, errors_of(response)
    asset.refresh_from_db()
    assert asset.current_version.number == 3 and not asset.current_version.resources.exists()
    assert AssetResource.objects.filter(version__asset=asset).count() == 1  # v2 keeps its own


@pytest.mark.parametrize(
    ("upload", "words"),
    [
        (SimpleUploadedFile("notes.png", b"just some text"), "“notes.png”: The picture file"),
        (SimpleUploadedFile("drawing.svg", b"<svg xmlns='x'></svg>"), "“drawing.svg”: SVG files"),
        (picture("anim.gif", fmt="GIF"), "“anim.gif”: GIF images are not supported"),
        (picture("---.png"), "“---.png”: the file name must contain letters"),
    ],
)
def test_a_bad_picture_is_a_form_error_naming_the_file(staff_client, upload, words):
    asset = document()
    response = post_change(staff_client, asset, pictures=[picture("good.png"), upload])
    assert response.status_code == 200 and words in errors_of(response)
    assert AssetVersion.objects.filter(asset=asset).count() == 1
    assert not AssetResource.objects.exists()
    assert stored_files("resources") == []


def test_a_picture_too_large_is_refused_before_it_is_read(staff_client, monkeypatch):
    monkeypatch.setattr("assets.resources.PICTURE_MAX_BYTES", 100)
    response = post_change(staff_client, document(), pictures=[picture()])
    assert "“badge.png” is" in errors_of(response) and "at most 100" in errors_of(response)
    assert not AssetResource.objects.exists()


def test_a_template_naming_a_missing_picture_is_refused(staff_client):
    kit = KitFactory()
    response = staff_client.post(
        reverse("admin:assets_asset_add"),
        add_data(kit, "html_document", template='<img src="resources/logo-big.png">'),
    )
    assert response.status_code == 200
    assert "no picture called “logo-big”" in errors_of(response)
    assert not Asset.objects.exists()


def test_an_image_zone_naming_an_uploaded_picture_saves_and_stamps(staff_client, partner):
    kit = KitFactory()
    base = SimpleUploadedFile("base.pdf", make_base_pdf(1, blank=True))
    response = staff_client.post(
        reverse("admin:assets_asset_add"),
        add_data(
            kit,
            "pdf_layout",
            source_upload=base,
            layout=json.dumps([BADGE_ZONE]),
            pictures=[picture()],
        ),
    )
    assert response.status_code == 302, errors_of(response)
    asset = Asset.objects.get(kit=kit)
    assert asset.current_version.number == 1
    assert list(asset.current_version.resources.values_list("name", flat=True)) == ["badge"]
    assert len(image_xobject_ids(pdf_of(asset, partner))) == 1


def test_an_image_zone_naming_a_missing_picture_is_refused(staff_client):
    kit = KitFactory()
    base = SimpleUploadedFile("base.pdf", make_base_pdf(1, blank=True))
    response = staff_client.post(
        reverse("admin:assets_asset_add"),
        add_data(kit, "pdf_layout", source_upload=base, layout=json.dumps([BADGE_ZONE])),
    )
    assert response.status_code == 200
    assert "Zone 1 (image): there is no picture called “badge”" in errors_of(response)
    assert not Asset.objects.exists()


def test_an_image_layout_stamps_its_picture(staff_client, partner):
    kit = KitFactory()
    base = picture("card.png", colour=(250, 250, 250), size=(400, 200))
    zone = {**BADGE_ZONE, "box": {"x": 20, "y": 20, "width": 100, "height": 100}}
    response = staff_client.post(
        reverse("admin:assets_asset_add"),
        add_data(
            kit,
            "image_layout",
            source_upload=base,
            layout=json.dumps([zone]),
            pictures=[picture(colour=(0, 160, 0))],
        ),
    )
    assert response.status_code == 302, errors_of(response)
    rendition = render_for_partner(asset=Asset.objects.get(kit=kit), partner=partner)
    with rendition.file.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read())).convert("RGB")
    assert image.getpixel((70, 70)) == (0, 160, 0)
    assert image.getpixel((300, 150)) == (250, 250, 250)
