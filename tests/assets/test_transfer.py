"""Kits leave as a ZIP and come back whole: every kind's source, pictures,
editable fields, guideline entries and lessons, rendering the same for the
same partner. A bad ZIP is refused with every problem named by file and
field, and nothing at all is stored."""

import io
import json
import stat
import time
import warnings
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DatabaseError, connection
from pypdf import PdfReader

from assets import renditions
from assets.models import (
    Asset,
    AssetResource,
    AssetVersion,
    EditableField,
    GuidelineEntry,
    Kit,
    Lesson,
)
from assets.rendering import render_email, sanitise_pdf
from assets.transfer import KitImportRefused, kit_export, kit_import
from tests.assets.kit_samples import make_kit_of_every_kind, pdf_bytes
from tests.assets.rendering.hostile_pdf import MARKER, active_content, hostile_pdf
from tests.conftest import give_logo
from tests.factories import BrandProfileFactory, PartnerFactory

pytestmark = pytest.mark.django_db


# --- helpers -------------------------------------------------------------------------


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def edit_json(files: dict[str, bytes], name: str, change) -> None:
    value = json.loads(files[name])
    change(value)
    files[name] = json.dumps(value).encode()


def media_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Kit, Asset, AssetVersion, AssetResource, EditableField, Lesson)
    } | {"GuidelineEntry": GuidelineEntry.objects.count(), "files": media_files()}


def refused(data: bytes) -> list[str]:
    before = counts()
    with pytest.raises(KitImportRefused) as caught:
        kit_import(zip_file=io.BytesIO(data))
    assert counts() == before, "something was stored"
    return [str(problem) for problem in caught.value.problems]


def stored_bytes(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def by_title(kit) -> dict[str, Asset]:
    return {asset.title: asset for asset in kit.assets.all()}


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def rendered(asset, partner, output_format=None) -> bytes:
    rendition = renditions.render_for_partner(
        asset=asset, partner=partner, output_format=output_format
    )
    return stored_bytes(rendition.file)


@pytest.fixture
def kit(partner):
    return make_kit_of_every_kind()


@pytest.fixture
def exported(kit):
    return unzip(kit_export(kit=kit))


# --- the round trip ------------------------------------------------------------------------


def test_the_zip_is_laid_out_as_documented(kit, exported):
    manifest = json.loads(exported["manifest.json"])
    assert manifest["format"] == "cobrand-kit" and manifest["format_version"] == 1
    assert manifest["kit"]["title"] == "Spring launch"
    assert manifest["kit"]["cover"] == "cover.png" and "cover.png" in exported
    assert "status" not in manifest["kit"]
    assert manifest["audience"] == {
        "tiers": ["Gold"],
        "partner_types": ["reseller"],
        "regions": ["EMEA"],
        "partners": [],
    }
    assert manifest["assets"][:2] == ["assets/01-data-sheet", "assets/02-brochure"]
    assert "assets/01-data-sheet/source/pictures/badge.png" in exported
    assert "assets/02-brochure/source/Brochure -final-.pdf" in exported
    assert "assets/03-social-card/source/pictures/photo.jpg" in exported
    assert "assets/08-sales-course/source/lessons/01-Pitch deck.pdf" in exported
    entries = json.loads(exported["assets/07-how-to-say-it/source/entries.json"])
    assert [e["section"] for e in entries] == ["boilerplate", "dont"]
    asset_json = json.loads(exported["assets/02-brochure/asset.json"])
    assert asset_json["kind"] == "pdf_layout"
    assert asset_json["editable_fields"][0]["choices"] == ["10% off", "Free trial"]


def test_a_kit_comes_back_whole_as_a_draft(kit, exported):
    new = kit_import(zip_file=io.BytesIO(rezip(exported)))
    assert new.pk != kit.pk
    assert new.status == Kit.Status.DRAFT
    assert (new.title, new.summary) == (kit.title, kit.summary)
    assert (new.publish_at, new.expires_at) == (kit.publish_at, kit.expires_at)
    assert stored_bytes(new.cover_image) == stored_bytes(kit.cover_image)
    assert {t.name for t in new.tags.all()} == {"Spring", "Cloud"}
    assert [t.name for t in new.audience_tiers.all()] == ["Gold"]
    assert [r.name for r in new.audience_regions.all()] == ["EMEA"]
    assert new.audience_types == ["reseller"]

    old_assets, new_assets = by_title(kit), by_title(new)
    assert set(old_assets) == set(new_assets)
    for title, old in old_assets.items():
        fresh = new_assets[title]
        assert (fresh.kind, fresh.description, fresh.position) == (
            old.kind,
            old.description,
            old.position,
        )
        fields = ("name", "label", "field_type", "required", "default", "choices", "max_length")
        assert list(fresh.editable_fields.values(*fields)) == list(
            old.editable_fields.values(*fields)
        )
        if old.current_version is None:
            assert fresh.current_version is None
            continue
        old_v, new_v = old.current_version, fresh.current_version
        # The same source, pictures included, hashes to the same content.
        assert new_v.content_hash == old_v.content_hash, title
        assert dict(new_v.resources.values_list("name", "sha256")) == dict(
            old_v.resources.values_list("name", "sha256")
        )
        if old_v.source_file:
            assert stored_bytes(new_v.source_file) == stored_bytes(old_v.source_file)

    guideline = new_assets["How to say it"]
    assert list(guideline.guideline_entries.values_list("section", "title", "body")) == [
        ("boilerplate", "About us", "Northwind."),
        ("dont", "", "Don't call it a platform."),
    ]
    lessons = list(new_assets["Sales course"].lessons.all())
    assert [lesson.title for lesson in lessons] == ["Pitch", "Objections"]
    assert lessons[0].attachment_name == "Pitch deck.pdf"
    old_lesson = old_assets["Sales course"].lessons.first()
    assert stored_bytes(lessons[0].attachment) == stored_bytes(old_lesson.attachment)
    assert not lessons[1].attachment


def test_an_imported_kit_renders_the_same_for_the_same_partner(kit, exported, partner):
    new = kit_import(zip_file=io.BytesIO(rezip(exported)))
    old_assets, new_assets = by_title(kit), by_title(new)
    # Designed PDFs and images: byte for byte.
    for title, output_format in (("Brochure", "pdf"), ("Social card", "jpeg")):
        before = rendered(old_assets[title], partner, output_format)
        after = rendered(new_assets[title], partner, output_format)
        assert before == after, title
    brochure = pdf_text(rendered(new_assets["Brochure"], partner))
    assert "Acme Resellers · Free trial" in brochure
    # HTML documents and e-mails: the same text.
    assert pdf_text(rendered(old_assets["Data sheet"], partner)) == pdf_text(
        rendered(new_assets["Data sheet"], partner)
    )
    assert "Acme Resellers" in pdf_text(rendered(new_assets["Data sheet"], partner))
    email_old, email_new = old_assets["Invitation e-mail"], new_assets["Invitation e-mail"]
    assert rendered(email_old, partner, "html") == rendered(email_new, partner, "html")
    assert email_text(email_old, partner) == email_text(email_new, partner)
    assert "News from Acme Resellers" in email_text(email_new, partner)[0]


def email_text(asset, partner) -> tuple[str, str]:
    """The subject and plain text of the partner's e-mail (the .eml adds a
    date and message id of its own)."""
    request = renditions.request_for_partner(asset=asset, partner=partner)
    version = asset.current_version
    email = render_email(
        template=version.template,
        subject=version.subject,
        stylesheet=version.stylesheet,
        ctx=request.ctx,
    )
    return email.subject, email.text


def test_importing_twice_makes_two_independent_kits(exported):
    data = rezip(exported)
    first = kit_import(zip_file=io.BytesIO(data))
    second = kit_import(zip_file=io.BytesIO(data))
    assert first.pk != second.pk
    assert first.assets.count() == second.assets.count() == 8


def test_an_exported_kit_round_trips_from_a_file_path(kit, tmp_path):
    path = tmp_path / "kit.zip"
    path.write_bytes(kit_export(kit=kit))
    assert kit_import(zip_file=str(path)).title == "Spring launch"


def test_a_pdf_in_the_zip_loses_its_active_content(exported):
    exported["assets/06-price-list/source/price list.pdf"] = hostile_pdf()
    exported["assets/08-sales-course/source/lessons/01-Pitch deck.pdf"] = hostile_pdf()
    new = kit_import(zip_file=io.BytesIO(rezip(exported)))
    price_list = by_title(new)["Price list"].current_version.source_file
    lesson = by_title(new)["Sales course"].lessons.first().attachment
    for field in (price_list, lesson):
        data = stored_bytes(field)
        assert active_content(data) == set()
        assert MARKER.encode() not in data


# --- refusals --------------------------------------------------------------------------------


def test_every_problem_is_listed_with_its_file_and_field_and_nothing_is_stored(exported):
    def audience(manifest):
        manifest["audience"]["tiers"] = ["Gold", "Diamond"]
        manifest["audience"]["regions"] = ["Atlantis"]
        manifest["audience"]["partners"] = ["nobody-here"]
        manifest["audience"]["partner_types"] = ["reseller"]
        manifest["kit"]["expires_at"] = "2020-01-01T00:00:00+00:00"
        manifest["kit"]["publish_at"] = "2021-01-01T00:00:00+00:00"

    edit_json(exported, "manifest.json", audience)
    exported["assets/01-data-sheet/source/template.html"] = b"<p>{% load static %}{{ partner.nme }}"
    edit_json(
        exported,
        "assets/02-brochure/source/layout.json",
        lambda zones: zones[1].update(content="{partner.shoe_size}"),
    )
    exported["assets/03-social-card/source/pictures/photo.jpg"] = b"not a picture at all"
    edit_json(exported, "assets/04-invitation-e-mail/asset.json", lambda a: a.update(kind="fax"))
    edit_json(
        exported,
        "assets/05-demo-page/asset.json",
        lambda a: a["editable_fields"].append({"name": "bad name!", "label": ""}),
    )
    exported["assets/06-price-list/source/price list.pdf"] = b"%PDF-1.4 broken beyond repair"
    edit_json(
        exported,
        "assets/07-how-to-say-it/source/entries.json",
        lambda entries: entries[0].update(section="gossip"),
    )
    problems = refused(rezip(exported))
    text = "\n".join(problems)
    expected = [
        "manifest.json (audience.tiers): there is no tier “Diamond”",
        "manifest.json (audience.regions): there is no region “Atlantis”",
        "manifest.json (audience.partners): there is no partner organisation “nobody-here”",
        "manifest.json (kit.expires_at): the kit must expire after it is published",
        "assets/01-data-sheet/source/template.html (template):",
        "assets/02-brochure/source/layout.json: Zone 2 (text): unknown placeholder "
        "{partner.shoe_size}",
        "assets/03-social-card/source/pictures/photo.jpg (pictures):",
        "assets/04-invitation-e-mail/asset.json (kind): “fax” is not a kind of asset",
        "assets/05-demo-page/asset.json (editable_fields.",
        "assets/06-price-list/source/price list.pdf",
        "assets/07-how-to-say-it/source/entries.json (entry 1.section)",
    ]
    for fragment in expected:
        assert fragment in text, f"{fragment!r} missing from:\n{text}"


def test_bad_json_and_schema_violations_name_the_file_and_place(exported):
    exported["assets/01-data-sheet/asset.json"] = b'{"kind": "html_document", "title": '
    edit_json(exported, "assets/02-brochure/asset.json", lambda a: a.update(position=-1, x=1))
    edit_json(exported, "manifest.json", lambda m: m["kit"].update(title=""))
    problems = refused(rezip(exported))
    text = "\n".join(problems)
    assert "assets/01-data-sheet/asset.json (line 1): not valid JSON" in text
    assert "assets/02-brochure/asset.json (position):" in text
    assert "assets/02-brochure/asset.json ((top level)): Additional properties" in text
    assert "manifest.json (kit.title):" in text


def test_an_unknown_format_version_and_stray_files_are_refused(exported):
    edit_json(exported, "manifest.json", lambda m: m.update(format_version=2))
    exported["notes/readme.txt"] = b"hello"
    assert any("manifest.json (format_version)" in p for p in refused(rezip(exported)))
    edit_json(exported, "manifest.json", lambda m: m.update(format_version=1))
    assert refused(rezip(exported)) == [
        "notes/readme.txt: not part of the kit: manifest.json does not list its folder."
    ]


def test_messaging_rules_and_a_minimum_tier_are_refused_not_dropped(exported):
    edit_json(
        exported,
        "manifest.json",
        lambda m: (
            m.update(rules=[{"type": "legal_line", "text": "© Northwind"}])
            or m["audience"].update(min_tier="Gold")
        ),
    )
    text = "\n".join(refused(rezip(exported)))
    assert "manifest.json (rules):" in text
    assert "manifest.json (audience.min_tier):" in text
    # Absent or empty, they change nothing.
    edit_json(
        exported, "manifest.json", lambda m: m.update(rules=[]) or m["audience"].pop("min_tier")
    )
    assert kit_import(zip_file=io.BytesIO(rezip(exported))).assets.count() == 8


def test_not_a_zip_is_refused():
    assert refused(b"PK\x03\x04 but not really") == [
        "(the ZIP file): not a ZIP file (File is not a zip file)."
    ]


def test_a_zip_bomb_is_refused_by_ratio(exported):
    exported["assets/01-data-sheet/source/style.css"] = b" " * (5 * 1024 * 1024)
    problems = [p.replace("\xa0", " ") for p in refused(rezip(exported))]
    assert problems == [
        "assets/01-data-sheet/source/style.css: compressed more than 100 to 1 "
        "(5.0 MB unpacked): refused as a ZIP bomb."
    ]


def test_a_zip_bomb_is_refused_by_total_size_and_entry_count(exported, settings):
    settings.KIT_IMPORT_MAX_UNCOMPRESSED_BYTES = 10_000
    assert any("it unpacks to" in p for p in refused(rezip(exported)))
    settings.KIT_IMPORT_MAX_UNCOMPRESSED_BYTES = 10**9
    settings.KIT_IMPORT_MAX_ENTRIES = 10
    assert refused(rezip(exported)) == [
        f"(the ZIP file): it holds {len(exported)} entries; the limit is 10."
    ]
    settings.KIT_IMPORT_MAX_ENTRIES = 2000
    settings.KIT_IMPORT_MAX_BYTES = 1000
    assert "the limit is 1000" in refused(rezip(exported))[0]


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("../evil.txt", "“..”"),
        ("assets/../../evil.txt", "“..”"),
        ("/etc/evil.txt", "absolute path"),
        ("C:/evil.txt", "absolute path"),
        ("assets\\evil.txt", "backslash"),
    ],
)
def test_path_traversal_is_refused(exported, name, words, tmp_path):
    exported[name] = b"evil"
    problems = refused(rezip(exported))
    assert len(problems) == 1 and problems[0].startswith(name + ":") and words in problems[0]
    assert not (tmp_path / "evil.txt").exists()


def test_symlinks_and_duplicate_names_are_refused(exported):
    buffer = io.BytesIO(rezip(exported))
    with zipfile.ZipFile(buffer, "a") as archive:
        link = zipfile.ZipInfo("assets/01-data-sheet/source/link")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            archive.writestr("manifest.json", b"{}")
            archive.writestr("COVER.PNG", b"x")
    problems = refused(buffer.getvalue())
    assert "assets/01-data-sheet/source/link: a symbolic link" in problems[0]
    assert "manifest.json: a second entry named like “manifest.json”." in problems
    assert "COVER.PNG: a second entry named like “cover.png”." in problems


def _refuse_lesson_rows():
    """Make the database itself refuse new lesson rows, as a full disk or a
    lost connection would half-way through an import."""
    table = Lesson._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse_row() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'the database went away'; END; $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER refuse BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_row()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER refuse BEFORE INSERT ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'the database went away'); END"
            )


def test_a_failed_store_leaves_no_rows_and_no_files(exported):
    data = rezip(exported)
    before = counts()
    # A database failure half-way through: the cover, sources and pictures
    # stored before it must go too.
    _refuse_lesson_rows()
    with pytest.raises(DatabaseError):
        kit_import(zip_file=io.BytesIO(data))
    assert counts() == before


def test_the_round_trip_of_a_demo_like_kit_is_quick(kit, partner, capsys):
    started = time.perf_counter()
    data = kit_export(kit=kit)
    exported_at = time.perf_counter()
    new = kit_import(zip_file=io.BytesIO(data))
    imported_at = time.perf_counter()
    for asset in new.assets.all():
        if asset.kind_spec.renderable:
            renditions.render_for_partner(asset=asset, partner=partner)
    done = time.perf_counter()
    with capsys.disabled():
        print(
            f"\nkit round trip: export {exported_at - started:.2f}s, "
            f"import {imported_at - exported_at:.2f}s, render {done - imported_at:.2f}s, "
            f"{len(data)} bytes"
        )
    assert done - started < 60


def test_a_second_partner_renders_with_its_own_details(exported):
    other = PartnerFactory(name="Globex Agency", slug="globex")
    new = kit_import(zip_file=io.BytesIO(rezip(exported)))
    give_logo(BrandProfileFactory(organisation=other), colour=(20, 120, 40, 255))
    text = pdf_text(rendered(by_title(new)["Brochure"], other))
    assert "Globex Agency" in text


def test_reportlab_pdfs_pass_untouched():
    data = pdf_bytes(2)
    assert sanitise_pdf(data).data == data
