"""Every kind keeps the contract: its source goes to a folder and comes back
the same, a bad folder is refused with a message naming the file, and the
date reaches cache keys only when the source prints it."""

import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from assets import renditions
from assets.kinds import KINDS, SourceFolderError, keys_where, spec_for
from assets.models import AssetKind
from assets.rendering import Output, format_date
from assets.services import asset_version_create
from portal.landing import public, services
from tests.factories import DOCUMENT_TEMPLATE, AssetFactory, make_document, png_bytes
from tests.portal.landing.conftest import LANDING_TEMPLATE, make_landing_asset

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
TOMORROW = TODAY + datetime.timedelta(days=1)
ZONES = [
    {
        "type": "text",
        "box": {"x": 10, "y": 10, "width": 120, "height": 20},
        "content": "{partner.name}",
        "size": 12,
    }
]


def pdf_bytes(pages: int = 2) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    for number in range(1, pages + 1):
        canvas.drawString(72, 700, f"Page {number}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# One full source per kind (rows kinds have none).
SOURCES = {
    AssetKind.HTML_DOCUMENT: lambda: {
        "template": DOCUMENT_TEMPLATE,
        "stylesheet": "h1 { color: var(--x); }\n",
    },
    AssetKind.PDF_LAYOUT: lambda: {
        "source_file": SimpleUploadedFile("Spring brochure (final).pdf", pdf_bytes()),
        "layout": ZONES,
    },
    AssetKind.IMAGE_LAYOUT: lambda: {
        "source_file": SimpleUploadedFile("banner.png", png_bytes()),
        "layout": ZONES,
        "output_format": "jpeg",
    },
    AssetKind.EMAIL: lambda: {
        "template": "<p>Hello from {{ partner.name }}</p>",
        "subject": "News from {partner.name}",
    },
    AssetKind.LANDING_PAGE: lambda: {"template": LANDING_TEMPLATE, "stylesheet": ".x{}"},
    AssetKind.FILE: lambda: {
        "source_file": SimpleUploadedFile("data sheet.pdf", b"%PDF-1.4 data sheet")
    },
    AssetKind.GUIDELINE: lambda: None,
    AssetKind.TRAINING: lambda: None,
}


def test_every_kind_has_a_round_trip_source():
    assert set(SOURCES) == set(KINDS)


@pytest.mark.parametrize("key", list(KINDS))
def test_a_source_survives_export_and_import(key, tmp_path):
    spec = spec_for(key)
    asset = AssetFactory(kind=key)
    source = SOURCES[key]()
    version = None
    if source is not None:
        version = asset_version_create(asset=asset, **source)
    spec.export_source(version, tmp_path / "out")

    meta = json.loads((tmp_path / "out" / "source.json").read_text())
    assert meta["kind"] == key
    back = spec.import_source(tmp_path / "out")

    if version is None:
        assert spec.content_from_rows
        assert back == type(back)()  # nothing but the kind
        return
    assert back.template == version.template
    assert back.stylesheet == version.stylesheet
    assert back.subject == version.subject
    assert back.layout == version.layout
    assert back.output_format == version.output_format
    if version.source_file:
        with version.source_file.open("rb") as handle:
            assert back.file_data == handle.read()
        assert back.file_name == meta["file"]
    else:
        assert back.file_data is None
    # What came back makes the very same version again.
    upload = SimpleUploadedFile(back.file_name, back.file_data) if back.file_data else None
    again = asset_version_create(
        asset=asset,
        source_file=upload,
        template=back.template,
        stylesheet=back.stylesheet,
        subject=back.subject,
        layout=back.layout,
        output_format=back.output_format,
    )
    assert again.pk == version.pk


def test_exported_files_are_readable_and_safely_named(tmp_path):
    asset = AssetFactory(kind=AssetKind.PDF_LAYOUT)
    version = asset_version_create(asset=asset, **SOURCES[AssetKind.PDF_LAYOUT]())
    folder = tmp_path / "export"
    spec_for(AssetKind.PDF_LAYOUT).export_source(version, folder)
    names = sorted(path.name for path in folder.iterdir())
    assert names == ["Spring brochure -final-.pdf", "layout.json", "source.json"]
    assert json.loads((folder / "layout.json").read_text()) == ZONES

    email = AssetFactory(kind=AssetKind.EMAIL)
    email_version = asset_version_create(asset=email, **SOURCES[AssetKind.EMAIL]())
    spec_for(AssetKind.EMAIL).export_source(email_version, tmp_path / "email")
    assert (tmp_path / "email" / "subject.txt").read_text() == "News from {partner.name}\n"
    assert "{{ partner.name }}" in (tmp_path / "email" / "template.html").read_text()


def _exported(tmp_path, key):
    asset = AssetFactory(kind=key)
    version = asset_version_create(asset=asset, **SOURCES[key]())
    spec_for(key).export_source(version, tmp_path / "export")
    return tmp_path / "export"


@pytest.mark.parametrize(
    ("key", "spoil", "message"),
    [
        (AssetKind.HTML_DOCUMENT, lambda f: (f / "template.html").unlink(), "template.html:"),
        (AssetKind.HTML_DOCUMENT, lambda f: (f / "source.json").unlink(), "source.json:"),
        (
            AssetKind.HTML_DOCUMENT,
            lambda f: (f / "template.html").write_bytes(b"\xff\xfe bad"),
            "template.html: not UTF-8",
        ),
        (AssetKind.PDF_LAYOUT, lambda f: (f / "layout.json").write_text("[{"), "layout.json:"),
        (
            AssetKind.PDF_LAYOUT,
            lambda f: (f / "layout.json").write_text('{"zones": []}'),
            "layout.json: must hold a list",
        ),
        (
            AssetKind.PDF_LAYOUT,
            lambda f: (f / "layout.json").write_text('[{"type": "text"}]'),
            "layout.json:",
        ),
        (
            AssetKind.FILE,
            lambda f: (f / "data sheet.pdf").unlink(),
            "data sheet.pdf: the source file is missing",
        ),
        (
            AssetKind.FILE,
            lambda f: (f / "source.json").write_text(
                '{"kind": "file", "file": "../../etc/passwd"}'
            ),
            "source.json:",
        ),
        (
            AssetKind.IMAGE_LAYOUT,
            lambda f: (f / "source.json").write_text(
                '{"kind": "image_layout", "file": "banner.png", "output_format": "gif"}'
            ),
            "source.json: “gif” is not a format",
        ),
        (
            AssetKind.EMAIL,
            lambda f: (f / "subject.txt").write_text("one\ntwo\n"),
            "subject.txt: the subject must be one line",
        ),
    ],
)
def test_a_bad_folder_is_refused_naming_the_file(tmp_path, key, spoil, message):
    folder = _exported(tmp_path, key)
    spoil(folder)
    with pytest.raises(SourceFolderError) as caught:
        spec_for(key).import_source(folder)
    assert caught.value.message.startswith(message), caught.value.message


def test_a_folder_of_another_kind_is_refused(tmp_path):
    folder = _exported(tmp_path, AssetKind.EMAIL)
    with pytest.raises(SourceFolderError, match="source.json: this folder holds a “email”"):
        spec_for(AssetKind.HTML_DOCUMENT).import_source(folder)


def test_preview_pages_can_show_every_page():
    output = Output("doc.pdf", "application/pdf", pdf_bytes(pages=3))
    spec = spec_for(AssetKind.HTML_DOCUMENT)
    pages = spec.preview_pages(output, max_pages=5)
    assert len(pages) == 3 and all(page.startswith(b"\x89PNG") for page in pages)
    assert len(spec.preview_pages(output, max_pages=2)) == 2
    assert pages[0] != pages[1]


def test_query_helpers_follow_the_specs():
    assert set(keys_where("renderable")) == {"html_document", "pdf_layout", "image_layout", "email"}
    assert keys_where("content_rows", "lessons") == ["training"]
    assert set(keys_where("content_from_rows")) == {"guideline", "training"}
    assert keys_where("plain_download") == ["file"]


# --- the date in cache keys ---------------------------------------------------

DATED_TEMPLATE = DOCUMENT_TEMPLATE.replace("</body>", "<p>As of {{ today }}</p></body>")


def test_a_rendition_key_without_the_date_outlives_midnight(partner):
    asset = make_document()
    today = renditions.request_for_partner(asset=asset, partner=partner, today=TODAY)
    tomorrow = renditions.request_for_partner(asset=asset, partner=partner, today=TOMORROW)
    assert today.ctx.today is None
    assert today.key == tomorrow.key


def test_a_rendition_key_with_the_date_changes_at_midnight(partner):
    asset = make_document(template=DATED_TEMPLATE)
    today = renditions.request_for_partner(asset=asset, partner=partner, today=TODAY)
    tomorrow = renditions.request_for_partner(asset=asset, partner=partner, today=TOMORROW)
    assert today.ctx.today == TODAY
    assert today.key != tomorrow.key


def test_layout_keys_depend_on_the_date_only_when_a_zone_prints_it(partner):
    asset = AssetFactory(kind=AssetKind.PDF_LAYOUT)
    asset_version_create(asset=asset, **SOURCES[AssetKind.PDF_LAYOUT]())

    def key(day):
        return renditions.request_for_partner(asset=asset, partner=partner, today=day).key

    assert key(TODAY) == key(TOMORROW)
    dated = [{**ZONES[0], "content": "{partner.name}, {today}"}]
    asset_version_create(asset=asset, layout=dated)
    assert key(TODAY) != key(TOMORROW)


def test_sample_previews_leave_the_date_out_when_unused():
    asset = make_document()
    request = renditions.request_with_sample(asset=asset, today=TODAY)
    assert request.ctx.today is None
    assert request.key == renditions.request_with_sample(asset=asset, today=TOMORROW).key


def _page_for(partner, partner_user, template):
    asset = make_landing_asset(template=template)
    return services.landing_page_publish(
        organisation=partner, asset=asset, values={"headline": "Hello"}, by=partner_user
    )


def _landing_key(page, day):
    inputs = public.page_inputs(page)
    return public.content_key(page, inputs.brand, inputs.display, inputs.card, today=day)


def test_the_landing_key_holds_the_date_only_when_the_template_prints_it(
    partner, partner_user, client
):
    undated = _page_for(partner, partner_user, LANDING_TEMPLATE)
    assert _landing_key(undated, TODAY) == _landing_key(undated, TOMORROW)

    dated_template = LANDING_TEMPLATE.replace("</h1>", "</h1><p>Today: {{ today }}</p>", 1)
    assert dated_template != LANDING_TEMPLATE
    asset_version_create(asset=undated.asset, template=dated_template)
    undated.asset.refresh_from_db()
    assert _landing_key(undated, TODAY) != _landing_key(undated, TOMORROW)
    page = client.get(public.public_path(undated)).content.decode()
    assert f"Today: {format_date(TODAY)}" in page
