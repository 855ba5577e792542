"""Kits out of and into the workspace: an Export download, and an import
page that lists every problem or lands on the kit list with the new draft."""

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assets.models import Asset, Kit
from tests.assets.kit_samples import make_kit_of_every_kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def kit(partner):
    return make_kit_of_every_kind()


def export(ws_client, kit) -> bytes:
    response = ws_client.get(reverse("workspace:kit_export", kwargs={"pk": kit.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        f'attachment; filename="kit-{kit.pk}-spring-launch.zip"'
    )
    return response.content


def test_the_kit_list_links_to_export_and_import(ws_client, kit):
    page = ws_client.get(reverse("workspace:kit_list")).content.decode()
    assert reverse("workspace:kit_export", kwargs={"pk": kit.pk}) in page
    assert reverse("workspace:kit_import") in page


def test_an_exported_kit_imports_as_a_draft_and_lands_on_the_kit_list(ws_client, kit):
    data = export(ws_client, kit)
    assert "manifest.json" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    page = ws_client.get(reverse("workspace:kit_import"))
    assert page.status_code == 200 and b'type="file"' in page.content

    response = ws_client.post(
        reverse("workspace:kit_import"),
        {"zip_file": SimpleUploadedFile("spring.zip", data, "application/zip")},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("workspace:kit_list"), 302)]
    assert "Imported “Spring launch” as a draft with 8 assets." in response.content.decode()
    new = Kit.objects.exclude(pk=kit.pk).get()
    assert new.status == Kit.Status.DRAFT and new.assets.count() == 8


def test_a_bad_zip_shows_every_problem_and_stores_nothing(ws_client, kit, marketing_admin):
    files = {}
    with zipfile.ZipFile(io.BytesIO(export(ws_client, kit))) as archive:
        for name in archive.namelist():
            files[name] = archive.read(name)
    manifest = json.loads(files["manifest.json"])
    manifest["audience"]["regions"] = ["Atlantis"]
    files["manifest.json"] = json.dumps(manifest).encode()
    files["assets/01-data-sheet/source/template.html"] = b"{{ partner.nme }}"
    files["../escape.txt"] = b"x"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    counts = (Kit.objects.count(), Asset.objects.count())

    response = ws_client.post(
        reverse("workspace:kit_import"),
        {"zip_file": SimpleUploadedFile("bad.zip", buffer.getvalue())},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The kit was not imported: 1 problem to fix. Nothing was stored." in page
    assert "../escape.txt" in page  # the archive is refused before anything is read

    del files["../escape.txt"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    response = ws_client.post(
        reverse("workspace:kit_import"),
        {"zip_file": SimpleUploadedFile("bad.zip", buffer.getvalue())},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "2 problems to fix" in page
    assert "there is no region “Atlantis” here." in page
    assert "assets/01-data-sheet/source/template.html" in page
    assert (Kit.objects.count(), Asset.objects.count()) == counts


def test_posting_no_file_is_a_form_error(ws_client):
    response = ws_client.post(reverse("workspace:kit_import"), {})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_an_unknown_kit_has_no_export(ws_client):
    assert ws_client.get(reverse("workspace:kit_export", kwargs={"pk": 99999})).status_code == 404
