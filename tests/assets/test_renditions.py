"""Co-branded downloads through the site: real renders, real files."""

import email
import email.policy
import io
import os
import threading
import time
import zipfile

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from assets import renditions
from assets.models import AssetKind, DownloadEvent, EditableField, FieldValues, Rendition
from assets.services import asset_version_create
from portal.partners.models import BrandProfile
from tests.factories import (
    AssetFactory,
    KitFactory,
    make_document,
    make_file_asset,
    make_guideline,
)

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def rendition_files(settings):
    root = settings.MEDIA_ROOT / "renditions"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_partner_downloads_a_pdf_with_its_details(partner_client, partner, partner_user):
    asset = make_document()
    response = partner_client.get(reverse("assets:asset_render", args=[asset.pk, "pdf"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    body = content(response)
    text = pdf_text(body)
    assert "Acme Resellers" in text and "+44 20 7946 0000" in text and "Spring offer" in text
    assert response["Content-Disposition"].startswith("attachment;")
    event = DownloadEvent.objects.get()
    assert (event.organisation, event.user, event.asset_version) == (
        partner,
        partner_user,
        asset.current_version,
    )
    # The second download is served from the stored rendition.
    again = partner_client.get(reverse("assets:asset_render", args=[asset.pk, "pdf"]))
    assert content(again) == body
    assert Rendition.objects.count() == 1 and DownloadEvent.objects.count() == 2
    rendition = Rendition.objects.get()
    assert rendition.size == len(body) and rendition.render_ms >= 1


def test_choice_date_and_required_fields_are_validated_and_rendered(partner_client, partner):
    asset = make_document(template="<p>{{ field.offer }} until {{ field.ends }}</p>")
    EditableField.objects.create(
        asset=asset,
        name="offer",
        label="Offer",
        field_type="choice",
        choices=["10% off", "Free setup"],
        required=True,
        position=1,
    )
    EditableField.objects.create(asset=asset, name="ends", label="Ends", field_type="date")
    url = reverse("assets:asset_fields", args=[asset.pk])
    refused = partner_client.post(url, {"headline": "x", "offer": "50% off", "ends": "soon"})
    assert refused.status_code == 400 and not FieldValues.objects.exists()
    missing = partner_client.post(url, {"headline": "x", "offer": "", "ends": ""})
    assert missing.status_code == 400 and "This field is required" in missing.content.decode()
    saved = partner_client.post(url, {"headline": "x", "offer": "Free setup", "ends": "2026-12-31"})
    assert saved.status_code == 302
    assert FieldValues.objects.get(organisation=partner).values == {
        "headline": "x",
        "offer": "Free setup",
        "ends": "2026-12-31",
    }
    text = pdf_text(
        content(partner_client.get(reverse("assets:asset_render", args=[asset.pk, "pdf"])))
    )
    assert "Free setup until 31 December 2026" in text


def test_emails_download_as_html_and_eml(partner_client):
    asset = AssetFactory(kind=AssetKind.EMAIL, title="Launch mail")
    asset_version_create(
        asset=asset,
        template="<html><body><p>Call {{ partner.name }} on {{ partner.phone }}</p></body></html>",
        subject="News from {partner.name}",
    )
    html = partner_client.get(reverse("assets:asset_render", args=[asset.pk, "html"]))
    assert html.status_code == 200 and html["Content-Type"].startswith("text/html")
    assert "Call Acme Resellers on +44 20 7946 0000" in content(html).decode()
    eml = partner_client.get(reverse("assets:asset_render", args=[asset.pk, "eml"]))
    message = email.message_from_bytes(content(eml), policy=email.policy.default)
    assert message["Subject"] == "News from Acme Resellers"
    assert "Acme Resellers" in message.get_body(("plain",)).get_content()
    assert DownloadEvent.objects.count() == 2


def test_profile_change_gives_a_new_rendition_and_never_the_old_one(partner_client, partner):
    asset = make_document()
    url = reverse("assets:asset_render", args=[asset.pk, "pdf"])
    first = content(partner_client.get(url))
    profile = BrandProfile.objects.get(organisation=partner)
    profile.phone = "+44 11 1111 1111"
    profile.save()
    second = content(partner_client.get(url))
    assert "+44 11 1111 1111" in pdf_text(second) and "7946" not in pdf_text(second)
    assert first != second and Rendition.objects.count() == 2


def test_template_change_makes_a_new_version_and_rendition(partner_client):
    asset = make_document()
    url = reverse("assets:asset_render", args=[asset.pk, "pdf"])
    partner_client.get(url)
    asset_version_create(asset=asset, template="<p>New text for {{ partner.name }}</p>")
    text = pdf_text(content(partner_client.get(url)))
    assert "New text for Acme Resellers" in text
    assert asset.current_version.number == 2 and Rendition.objects.count() == 2


def test_asset_page_previews_and_offers_downloads(partner_client):
    asset = make_document()
    html = partner_client.get(reverse("assets:asset_detail", args=[asset.pk])).content.decode()
    assert reverse("assets:asset_preview", args=[asset.pk]) in html
    assert reverse("assets:asset_render", args=[asset.pk, "pdf"]) in html
    preview = partner_client.get(reverse("assets:asset_preview", args=[asset.pk]))
    assert preview.status_code == 200 and content(preview).startswith(b"\x89PNG")


def test_missing_profile_details_are_named_and_nothing_is_handed_out(
    partner_client, partner, settings
):
    BrandProfile.objects.filter(organisation=partner).update(phone="")
    asset = make_document()
    html = partner_client.get(reverse("assets:asset_detail", args=[asset.pk])).content.decode()
    assert "your phone number" in html and reverse("partners:brand_profile") in html
    assert reverse("assets:asset_render", args=[asset.pk, "pdf"]) not in html
    response = partner_client.get(reverse("assets:asset_render", args=[asset.pk, "pdf"]))
    assert response.status_code == 409 and "phone number" in response.content.decode()
    assert not Rendition.objects.exists() and not DownloadEvent.objects.exists()
    assert rendition_files(settings) == []


def test_field_values_are_validated_remembered_and_rendered(partner_client, partner):
    asset = make_document()
    url = reverse("assets:asset_fields", args=[asset.pk])
    too_long = partner_client.post(url, {"headline": "x" * 61})
    assert too_long.status_code == 400 and "at most 60" in too_long.content.decode()
    assert not FieldValues.objects.exists()
    assert partner_client.post(url, {"headline": "Winter <deal> & more"}).status_code == 302
    assert FieldValues.objects.get(organisation=partner).values == {
        "headline": "Winter <deal> & more"
    }
    text = pdf_text(
        content(partner_client.get(reverse("assets:asset_render", args=[asset.pk, "pdf"])))
    )
    assert "Winter <deal> & more" in text


def test_a_render_over_the_page_limit_fails_cleanly(partner_client, settings):
    settings.RENDER_MAX_PAGES = 2
    asset = make_document(
        template="{% for i in '" + "x" * 300 + "' %}<p>{{ partner.name }}</p>{% endfor %}"
    )
    response = partner_client.get(reverse("assets:asset_render", args=[asset.pk, "pdf"]))
    assert response.status_code == 409 and "page" in response.content.decode().lower()
    assert not Rendition.objects.exists() and rendition_files(settings) == []


def test_unknown_format_is_404(partner_client):
    asset = make_document()
    assert (
        partner_client.get(reverse("assets:asset_render", args=[asset.pk, "exe"])).status_code
        == 404
    )


def test_kit_zip_holds_every_asset_for_this_partner(partner_client):
    kit = KitFactory(title="Spring")
    make_document(kit, title="One pager")
    make_file_asset(kit, title="Data sheet", content=b"%PDF-1.4 plain")
    make_guideline(kit, title="Messaging")
    response = partner_client.get(reverse("assets:kit_download", args=[kit.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(content(response)))
    names = archive.namelist()
    assert names == ["01-One-pager.pdf", "02-data-sheet.pdf", "03-messaging.txt", "README.txt"]
    assert "Acme Resellers" in pdf_text(archive.read(names[0]))
    assert archive.read(names[1]) == b"%PDF-1.4 plain"
    assert "Northwind makes clouds simple." in archive.read(names[2]).decode()
    assert DownloadEvent.objects.count() == 2


def test_a_kit_zip_with_a_lost_file_carries_the_rest_and_says_why(partner_client):
    """One asset that cannot be included no longer sinks the ZIP: the rest
    is delivered, the README says what is missing, and only what was taken
    is recorded."""
    kit = KitFactory()
    make_document(kit, title="One pager", position=1)
    lost = make_file_asset(kit, title="Data sheet", position=2)
    version = lost.current_version
    version.source_file.storage.delete(version.source_file.name)
    response = partner_client.get(reverse("assets:kit_download", args=[kit.pk]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(content(response)))
    assert archive.namelist() == ["01-One-pager.pdf", "README.txt"]
    readme = archive.read("README.txt").decode()
    assert "Missing from this ZIP:" in readme
    assert "- Data sheet: The file is not available right now." in readme
    assert list(DownloadEvent.objects.values_list("file_name", flat=True)) == ["One-pager.pdf"]


def test_kit_zip_refused_when_profile_is_incomplete(partner_client, partner):
    kit = KitFactory()
    make_document(kit)
    BrandProfile.objects.filter(organisation=partner).update(phone="")
    response = partner_client.get(reverse("assets:kit_download", args=[kit.pk]))
    assert response.status_code == 409 and "phone number" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_concurrent_identical_requests_render_once(partner, settings):
    asset = make_document()
    produced = []
    original = renditions._produce

    def counting(request):
        produced.append(request.key)
        return original(request)

    renditions._produce = counting
    results, errors = [], []

    def worker():
        try:
            results.append(renditions.render_for_partner(asset=asset, partner=partner).pk)
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    try:
        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        renditions._produce = original
    assert errors == []
    assert len(produced) == 1 and len(set(results)) == 1 and len(results) == 4
    assert Rendition.objects.count() == 1
    assert len(rendition_files(settings)) == 1  # no temporary file left behind


def test_prune_dry_run_reports_and_removes_nothing(partner, settings):
    asset = make_document()
    old = renditions.render_for_partner(asset=asset, partner=partner)
    asset_version_create(asset=asset, template="<p>{{ partner.name }} v2</p>")
    out = io.StringIO()
    call_command("prune_renditions", "--dry-run", stdout=out)
    assert out.getvalue().startswith(f"Would remove 1 rendition(s), 1 file(s), {old.size} bytes")
    assert Rendition.objects.filter(pk=old.pk).exists()
    assert old.file.storage.exists(old.file.name)


def test_prune_removes_old_versions_and_orphans(partner, settings):
    asset = make_document()
    old = renditions.render_for_partner(asset=asset, partner=partner)
    asset_version_create(asset=asset, template="<p>{{ partner.name }} v2</p>")
    current = renditions.render_for_partner(asset=asset, partner=partner)
    orphan = settings.MEDIA_ROOT / "renditions" / "zz" / "orphan.pdf"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"left by a crash")
    young = orphan.with_name("young.pdf")
    young.write_bytes(b"a render finishing now")
    two_hours_ago = time.time() - 7200
    os.utime(orphan, (two_hours_ago, two_hours_ago))
    call_command("prune_renditions")
    assert list(Rendition.objects.values_list("pk", flat=True)) == [current.pk]
    assert not old.file.storage.exists(old.file.name) and not orphan.exists()
    assert current.file.storage.exists(current.file.name)
    assert young.exists()  # may belong to a render finishing right now
