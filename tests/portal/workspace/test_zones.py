"""The zone editor: pages rendered on the server, the schema served to the
browser, layouts saved as new versions (or refused, naming the zone)."""

import io
import json
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image

import assets.rendering
from assets.models import EditableField
from tests.factories import make_document, make_file_asset
from tests.portal.workspace.zone_support import (
    LOGO,
    make_image_layout_asset,
    make_pdf_layout_asset,
)

pytestmark = pytest.mark.django_db

SCHEMA_FILE = Path(assets.rendering.__file__).with_name("schemas") / "layout.schema.json"

NAME = {
    "type": "text",
    "label": "Partner name",
    "page": [1, 3],
    "box": {"x": 20, "y": 250, "width": 120, "height": 15},
    "content": "{partner.name} · {field.headline}",
    "size": 12,
    "min_size": 8,
    "color": "primary",
    "align": "center",
}


def editor_url(asset):
    return reverse("workspace:zone_editor", kwargs={"pk": asset.pk})


def page_url(asset, page, **query):
    url = reverse("workspace:zone_page_image", kwargs={"pk": asset.pk, "page": page})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def save(client, asset, layout, **extra):
    return client.post(
        editor_url(asset), json.dumps({"layout": layout, **extra}), content_type="application/json"
    )


def editor_data(response):
    html = response.content.decode()
    start = html.index('<script id="zone-editor-data" type="application/json">')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])


def test_the_editor_shows_every_page_with_its_size(ws_client):
    asset = make_pdf_layout_asset(pages=3)
    EditableField.objects.create(asset=asset, name="headline", label="Headline", default="Spring")
    response = ws_client.get(editor_url(asset))
    assert response.status_code == 200
    data = editor_data(response)
    assert data["unit"] == "mm"
    sizes = [(p["width"], p["height"]) for p in data["pages"]]
    assert sizes == [(210.0, 297.0), (297.0, 210.0), (210.0, 297.0)]
    assert data["layout"] == [LOGO]
    assert data["version"] == 1
    # Each variable with its label and sample, and the asset's fields.
    by_name = {v["name"]: v for v in data["variables"]}
    assert by_name["partner.name"] == {
        "name": "partner.name",
        "label": "Company name",
        "sample": "Acme Partners Ltd",
    }
    assert by_name["field.headline"]["sample"] == "Spring"
    assert "partner.logo" not in by_name  # pictures go in logo zones
    html = response.content.decode()
    assert html.count('class="ze-strip-page') == 3  # the page strip
    assert "zone-editor.js" in html and "<script>" not in html and " style=" not in html


def test_every_page_is_a_png_of_the_base(ws_client):
    asset = make_pdf_layout_asset(pages=3)
    data = editor_data(ws_client.get(editor_url(asset)))
    pictures = []
    for page in data["pages"]:
        response = ws_client.get(page["src"])
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert "max-age" in response["Cache-Control"]  # the URL carries the base's hash
        pictures.append(Image.open(io.BytesIO(response.content)))
    assert [p.format for p in pictures] == ["PNG"] * 3
    assert [p.width for p in pictures] == [1200] * 3
    assert pictures[1].height < pictures[1].width  # the landscape page
    thumb = Image.open(io.BytesIO(ws_client.get(data["pages"][0]["thumb"]).content))
    assert thumb.width == 160
    assert ws_client.get(page_url(asset, 4)).status_code == 404
    assert ws_client.get(page_url(asset, 1, size="huge")).status_code == 404
    # Without the hash the browser asks again each time.
    assert ws_client.get(page_url(asset, 1))["Cache-Control"] == "private, no-cache"


def test_page_pictures_are_cached_by_the_base_hash(ws_client):
    asset = make_pdf_layout_asset(pages=2)
    first = ws_client.get(page_url(asset, 2)).content
    version = asset.versions.get()
    version.source_file.storage.delete(version.source_file.name)  # the cache answers alone
    assert ws_client.get(page_url(asset, 2)).content == first


def test_an_image_is_its_only_page(ws_client):
    asset = make_image_layout_asset(width=900, height=600)
    data = editor_data(ws_client.get(editor_url(asset)))
    assert data["unit"] == "px"
    assert [(p["width"], p["height"]) for p in data["pages"]] == [(900.0, 600.0)]
    picture = Image.open(io.BytesIO(ws_client.get(page_url(asset, 1)).content))
    assert picture.format == "PNG" and picture.size == (900, 600)
    assert ws_client.get(page_url(asset, 2)).status_code == 404


def test_the_schema_served_is_the_servers_own(ws_client):
    response = ws_client.get(reverse("workspace:layout_schema"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == json.loads(SCHEMA_FILE.read_text())


def test_a_valid_layout_becomes_a_new_version_with_the_same_base(ws_client, marketing_admin):
    asset = make_pdf_layout_asset(pages=3)
    EditableField.objects.create(asset=asset, name="headline", label="Headline")
    before = asset.current_version
    response = save(ws_client, asset, [LOGO, NAME], version=1)
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    asset.refresh_from_db()
    version = asset.current_version
    assert version.number == 2 and version.layout == [LOGO, NAME]
    assert version.source_file.name == before.source_file.name
    assert version.source_sha256 == before.source_sha256
    assert version.created_by == marketing_admin


@pytest.mark.parametrize(
    ("layout", "zone", "words"),
    [
        ([LOGO, {**NAME, "size": 1}], 1, "Zone 2 (text), size"),
        ([LOGO, {**NAME, "content": "{partner.fax}"}], 1, "unknown placeholder {partner.fax}"),
        ([LOGO, {**NAME, "page": [2, 9]}], 1, "page 9 does not exist (the PDF has 3)"),
        (
            [{**LOGO, "box": {"x": 200, "y": 10, "width": 50, "height": 20}}],
            0,
            "Zone 1 (logo): the box reaches 250 mm from the left edge, but page 1 is 210 mm wide.",
        ),
        (
            [LOGO, {**NAME, "page": "all", "box": {**NAME["box"], "y": 200}}],
            1,
            "the box reaches 215 mm from the top edge, but page 2 is 210 mm tall.",
        ),
        ([{"type": "image", "resource": "badge", "box": LOGO["box"]}], 0, "no picture called"),
    ],
)
def test_an_invalid_layout_is_refused_naming_the_zone(ws_client, layout, zone, words):
    asset = make_pdf_layout_asset(pages=3)
    EditableField.objects.create(asset=asset, name="headline", label="Headline")
    before = asset.current_version
    response = save(ws_client, asset, layout)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert any(e["zone"] == zone and words in e["message"] for e in errors), errors
    asset.refresh_from_db()
    assert asset.versions.count() == 1  # nothing saved
    assert asset.current_version == before and asset.current_version.layout == [LOGO]
    assert asset.current_version.source_file.name == before.source_file.name  # the base is kept


def test_a_zone_outside_the_image_is_refused(ws_client):
    asset = make_image_layout_asset(width=900, height=600)
    outside = [{"type": "logo", "box": {"x": 800, "y": 500, "width": 150, "height": 50}}]
    response = save(ws_client, asset, outside)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "zone": 0,
            "message": "Zone 1 (logo): the box reaches 950 px from the left edge, "
            "but the image is 900 px wide.",
        }
    ]
    assert asset.versions.count() == 1
    inside = [{"type": "logo", "box": {"x": 750, "y": 500, "width": 150, "height": 100}}]
    assert save(ws_client, asset, inside).status_code == 200
    assert asset.versions.count() == 2


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("not json", "Send the zones as JSON"),
        (json.dumps([LOGO]), "Send the zones as JSON"),
        (json.dumps({"layout": []}), "Add at least one zone"),
        (json.dumps({"layout": {"zones": []}}), "Add at least one zone"),
        (json.dumps({"layout": [LOGO], "version": "1"}), "whole number"),
    ],
)
def test_a_malformed_save_is_refused(ws_client, body, message):
    asset = make_pdf_layout_asset(pages=1)
    response = ws_client.post(editor_url(asset), body, content_type="application/json")
    assert response.status_code == 400
    assert message in response.json()["errors"][0]["message"]
    assert asset.versions.count() == 1


def test_a_newer_version_is_not_overwritten(ws_client):
    asset = make_pdf_layout_asset(pages=1)
    changed = {**NAME, "page": "first", "content": "{partner.name}"}
    assert save(ws_client, asset, [LOGO, changed], version=1).status_code == 200
    response = save(ws_client, asset, [LOGO], version=1)
    assert response.status_code == 409
    assert "changed since you opened the editor" in response.json()["errors"][0]["message"]
    assert asset.versions.count() == 2


def test_assets_without_a_layout_have_no_zone_editor(ws_client):
    for asset in (make_document(), make_file_asset()):
        assert ws_client.get(editor_url(asset)).status_code == 404
        assert ws_client.get(page_url(asset, 1)).status_code == 404
        assert save(ws_client, asset, [LOGO]).status_code == 404
    assert ws_client.get(reverse("workspace:zone_editor", kwargs={"pk": 999999})).status_code == 404
