"""Marketing admins manage assets in the Django admin."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from assets.models import Asset, AssetVersion
from assets.roles import MARKETING_ADMINS
from tests.factories import KitFactory, PartnerFactory, UserFactory, make_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = UserFactory(is_staff=True)
    staff.groups.add(Group.objects.get(name=MARKETING_ADMINS))
    client.force_login(staff)
    return client


def _form(kit, kind, **extra):
    data = {
        "kit": kit.pk,
        "kind": kind,
        "title": "New asset",
        "description": "",
        "position": 0,
        "template": "",
        "stylesheet": "",
        "subject": "",
        "layout": "[]",
        "output_format": "",
        "editable_fields-TOTAL_FORMS": 0,
        "editable_fields-INITIAL_FORMS": 0,
        "versions-TOTAL_FORMS": 0,
        "versions-INITIAL_FORMS": 0,
    }
    data.update(extra)
    return data


def _errors(response) -> str:
    form = response.context["adminform"].form
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@pytest.mark.parametrize(
    "template, expected",
    [
        ("<p>{{ partner.fax }}</p>", "unknown variable"),
        ("<p>{% load static %}</p>", "load"),
        ("<p>{% include 'base.html' %}</p>", "include"),
        ("<p>{% if %}</p>", "Line 1"),
        ("<p>{{ field.colour }}</p>", "unknown variable"),
    ],
)
def test_template_problems_are_shown_on_save(staff_client, template, expected):
    kit = KitFactory()
    response = staff_client.post(
        reverse("admin:assets_asset_add"), _form(kit, "html_document", template=template)
    )
    assert response.status_code == 200 and expected in _errors(response)
    assert not Asset.objects.exists()


@pytest.mark.parametrize(
    "subject, expected",
    [
        ("News from {partner.fax}", "unknown placeholder {partner.fax}"),
        ("News from {{ partner.name }}", "not template tags"),
        ("Scan {partner.qr}", "is a picture"),
    ],
)
def test_subject_problems_are_shown_on_save(staff_client, subject, expected):
    data = _form(KitFactory(), "email", template="<p>{{ partner.name }}</p>", subject=subject)
    response = staff_client.post(reverse("admin:assets_asset_add"), data)
    assert response.status_code == 200 and expected in _errors(response)
    assert not Asset.objects.exists()


def test_declared_fields_may_be_used_in_the_same_save(staff_client):
    kit = KitFactory()
    data = _form(
        kit,
        "html_document",
        template="<h1>{{ field.headline }} {{ partner.name }}</h1>",
        **{
            "editable_fields-TOTAL_FORMS": 1,
            "editable_fields-0-name": "headline",
            "editable_fields-0-label": "Headline",
            "editable_fields-0-field_type": "text",
            "editable_fields-0-max_length": 60,
            "editable_fields-0-position": 0,
            "editable_fields-0-choices": "[]",
        },
    )
    response = staff_client.post(reverse("admin:assets_asset_add"), data)
    assert response.status_code == 302, _errors(response)
    asset = Asset.objects.get()
    assert asset.current_version.number == 1 and asset.editable_fields.get().name == "headline"


def test_layout_schema_errors_are_shown_on_save(staff_client):
    kit = KitFactory()
    pdf = SimpleUploadedFile("base.pdf", _pdf_bytes())
    layout = (
        '[{"type": "text", "box": {"x": 1, "y": 1, "width": 10}, '
        '"content": "{partner.name}", "size": 12}]'
    )
    response = staff_client.post(
        reverse("admin:assets_asset_add"),
        _form(kit, "pdf_layout", layout=layout, source_upload=pdf),
    )
    assert response.status_code == 200 and "height" in _errors(response)
    assert not Asset.objects.exists()


def test_a_file_that_is_not_a_pdf_is_refused_for_a_pdf_layout(staff_client):
    kit = KitFactory()
    fake = SimpleUploadedFile("base.pdf", b"GIF89a not a pdf")
    layout = '[{"type": "logo", "box": {"x": 1, "y": 1, "width": 10, "height": 10}}]'
    response = staff_client.post(
        reverse("admin:assets_asset_add"),
        _form(kit, "pdf_layout", layout=layout, source_upload=fake),
    )
    assert "not a PDF" in _errors(response)


def test_saving_an_unchanged_source_makes_no_new_version(staff_client):
    asset = make_document()
    url = reverse("admin:assets_asset_change", args=[asset.pk])
    form = staff_client.get(url).context["adminform"].form
    data = _form(
        asset.kit,
        "html_document",
        title=asset.title,
        template=form.initial["template"],
        **{
            "editable_fields-TOTAL_FORMS": 1,
            "editable_fields-INITIAL_FORMS": 1,
            "editable_fields-0-id": asset.editable_fields.get().pk,
            "editable_fields-0-asset": asset.pk,
            "editable_fields-0-name": "headline",
            "editable_fields-0-label": "Headline",
            "editable_fields-0-field_type": "text",
            "editable_fields-0-max_length": 60,
            "editable_fields-0-position": 0,
            "editable_fields-0-choices": "[]",
            "editable_fields-0-default": "Spring offer",
            "versions-TOTAL_FORMS": 1,
            "versions-INITIAL_FORMS": 1,
            "versions-0-id": asset.current_version.pk,
            "versions-0-asset": asset.pk,
        },
    )
    assert staff_client.post(url, data).status_code == 302
    assert AssetVersion.objects.filter(asset=asset).count() == 1
    data["template"] = form.initial["template"] + "<p>More</p>"
    assert staff_client.post(url, data).status_code == 302
    assert AssetVersion.objects.filter(asset=asset).count() == 2


def test_preview_as_partner_and_with_sample_values(staff_client, partner):
    asset = make_document()
    page = staff_client.get(
        reverse("admin:assets_asset_preview", args=[asset.pk]) + f"?partner={partner.pk}"
    )
    assert page.status_code == 200 and page.context["problem"] == ""
    png = staff_client.get(
        reverse("admin:assets_asset_preview_file", args=[asset.pk, partner.pk, "preview"])
    )
    assert b"".join(png.streaming_content).startswith(b"\x89PNG")
    sample = staff_client.get(
        reverse("admin:assets_asset_preview_file", args=[asset.pk, "sample", "pdf"])
    )
    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(b"".join(sample.streaming_content))).pages[0].extract_text()
    assert "Acme Partners Ltd" in text and "Spring offer" in text


def test_preview_names_what_a_partner_lacks(staff_client):
    asset = make_document()
    bare = PartnerFactory(name="Bare Ltd")
    page = staff_client.get(
        reverse("admin:assets_asset_preview", args=[asset.pk]) + f"?partner={bare.pk}"
    )
    assert "Add your" in page.context["problem"]


def test_partner_users_cannot_reach_the_admin_preview(partner_client):
    asset = make_document()
    response = partner_client.get(reverse("admin:assets_asset_preview", args=[asset.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_without_permission_get_403(client):
    client.force_login(UserFactory(is_staff=True))
    asset = make_document()
    assert client.get(reverse("admin:assets_asset_preview", args=[asset.pk])).status_code == 403


def _pdf_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (200, 280), "white").save(buffer, "PDF")
    return buffer.getvalue()


def _stored_source(asset) -> bytes:
    with asset.current_version.source_file.open("rb") as handle:
        return handle.read()


def test_active_content_is_removed_from_an_uploaded_base_pdf(staff_client, partner):
    from assets.renditions import render_for_partner
    from tests.assets.rendering.hostile_pdf import MARKER, active_content, hostile_pdf

    kit = KitFactory()
    layout = '[{"type": "logo", "box": {"x": 10, "y": 10, "width": 40, "height": 20}}]'
    response = staff_client.post(
        reverse("admin:assets_asset_add"),
        _form(
            kit,
            "pdf_layout",
            layout=layout,
            source_upload=SimpleUploadedFile("base.pdf", hostile_pdf()),
        ),
        follow=True,
    )
    assert response.status_code == 200
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "Removed from base.pdf before saving it:" in shown
    assert "JavaScript" in shown and "embedded files" in shown
    asset = Asset.objects.get()
    stored = _stored_source(asset)
    assert active_content(stored) == set() and MARKER.encode() not in stored
    assert asset.current_version.source_size == len(stored)
    rendition = render_for_partner(asset=asset, partner=partner)
    with rendition.file.open("rb") as handle:
        stamped = handle.read()
    assert active_content(stamped) == set() and MARKER.encode() not in stamped


def test_active_content_is_removed_from_a_plain_pdf_download(staff_client):
    from tests.assets.rendering.hostile_pdf import MARKER, active_content, hostile_pdf

    kit = KitFactory()
    response = staff_client.post(
        reverse("admin:assets_asset_add"),
        # A PDF whatever its name says.
        _form(kit, "file", source_upload=SimpleUploadedFile("sheet.bin", hostile_pdf())),
    )
    assert response.status_code == 302
    stored = _stored_source(Asset.objects.get())
    assert active_content(stored) == set() and MARKER.encode() not in stored


def test_a_damaged_pdf_download_is_refused(staff_client):
    kit = KitFactory()
    response = staff_client.post(
        reverse("admin:assets_asset_add"),
        _form(kit, "file", source_upload=SimpleUploadedFile("x.pdf", b"%PDF-1.4\n\x00junk")),
    )
    assert response.status_code == 200 and "damaged" in _errors(response)
    assert not Asset.objects.exists()


def test_active_content_is_removed_from_a_lesson_attachment():
    from assets.admin import LessonAdminForm
    from tests.assets.rendering.hostile_pdf import MARKER, active_content, hostile_pdf
    from tests.factories import make_course

    lesson = make_course(lessons=1).lessons.get()
    form = LessonAdminForm(
        {"title": "Lesson", "position": 0, "body": "Read this", "attachment_name": ""},
        {"attachment": SimpleUploadedFile("guide.pdf", hostile_pdf())},
        instance=lesson,
    )
    assert form.is_valid(), form.errors
    assert "JavaScript" in form.pdf_removed
    form.save()
    lesson.refresh_from_db()
    with lesson.attachment.open("rb") as handle:
        stored = handle.read()
    assert active_content(stored) == set() and MARKER.encode() not in stored
