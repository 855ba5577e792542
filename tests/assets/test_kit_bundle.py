"""Kit ZIPs from stored renditions: warm ones at once, cold ones built in the
background with their progress shown, a README saying what is missing, and
downloads recorded when the partner takes the ZIP."""

import io
import zipfile

import pytest
from django.urls import reverse

from assets import lifecycle
from assets.models import DownloadEvent, Kit, KitBundle, Rendition
from portal.celery import app
from portal.partners.models import BrandProfile
from tests.conftest import give_logo
from tests.factories import KitFactory, make_document, make_file_asset, make_guideline

pytestmark = pytest.mark.django_db

TOO_LONG = "{% for i in '" + "x" * 300 + "' %}<p>{{ partner.name }}</p>{% endfor %}"


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def unzip(response) -> zipfile.ZipFile:
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(content(response)))


@pytest.fixture
def kit(partner):
    kit = KitFactory(title="Spring", status=Kit.Status.DRAFT)
    make_document(kit, title="One pager", position=1)
    make_file_asset(kit, title="Data sheet", content=b"%PDF-1.4 plain", position=2)
    make_guideline(kit, title="Messaging", position=3)
    return kit


@pytest.fixture
def with_a_broker():
    """Tasks are queued for a worker instead of running inline; the test
    runs what was queued itself (`run_queued`)."""
    conf = app.conf
    inline = conf.get("task_always_eager")  # resolves the lazy configuration
    conf.task_always_eager = False

    def run_queued(callbacks):
        conf.task_always_eager = True
        try:
            for send in callbacks:
                send()
        finally:
            conf.task_always_eager = False

    yield run_queued
    conf.task_always_eager = inline


def test_a_cold_zip_is_built_in_the_background_shown_then_offered(
    kit, partner_client, settings, with_a_broker, django_capture_on_commit_callbacks
):
    settings.RENDER_MAX_PAGES = 2
    make_document(kit, title="Price list", template=TOO_LONG, position=4)
    kit.status = Kit.Status.PUBLISHED
    kit.save()
    download_url = reverse("assets:kit_download", args=[kit.pk])
    status_url = reverse("assets:kit_zip_status", args=[kit.pk])

    with django_capture_on_commit_callbacks() as queued:
        response = partner_client.get(download_url)
    assert response.status_code == 302
    assert response["Location"] == reverse("assets:kit_detail", args=[kit.pk]) + "#kit-zip"
    assert len(queued) == 1  # the build, for a worker
    bundle = KitBundle.objects.get()
    assert (bundle.status, bundle.done, bundle.total) == ("pending", 0, 4)

    page = partner_client.get(reverse("assets:kit_detail", args=[kit.pk])).content.decode()
    assert "Preparing your ZIP: 0 of 4 items done." in page
    assert f'hx-get="{status_url}"' in page and "htmx-2.min.js" in page
    assert 'role="status"' in page

    # Asking again while it is under way queues nothing more.
    with django_capture_on_commit_callbacks() as again:
        assert partner_client.get(download_url).status_code == 302
    assert again == []

    with_a_broker(queued)  # the worker builds it
    bundle.refresh_from_db()
    assert (bundle.status, bundle.done) == ("ready", 4)
    assert not DownloadEvent.objects.exists()  # built, not taken

    fragment = partner_client.get(status_url).content.decode()
    assert "Your ZIP is ready." in fragment and download_url in fragment
    assert "hx-get" not in fragment  # the polling stops
    assert "Price list" in fragment and "page" in fragment.lower()

    rendered = Rendition.objects.count()
    archive = unzip(partner_client.get(download_url))
    assert archive.namelist() == [
        "01-One-pager.pdf",
        "02-data-sheet.pdf",
        "03-messaging.txt",
        "README.txt",
    ]
    readme = archive.read("README.txt").decode()
    assert "- 01-One-pager.pdf: One pager" in readme
    assert "Missing from this ZIP:" in readme
    assert "- Price list:" in readme and "page" in readme.split("Missing from this ZIP:")[1]
    assert Rendition.objects.count() == rendered  # sent from the built file
    assert sorted(DownloadEvent.objects.values_list("file_name", flat=True)) == [
        "One-pager.pdf",
        "data-sheet.pdf",
    ]
    # Each take is recorded once.
    unzip(partner_client.get(download_url))
    assert DownloadEvent.objects.count() == 4


def test_a_warm_zip_is_streamed_at_once_without_rendering(
    kit, partner_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.kit_publish(kit=kit)  # pre-renders the kit for its audience
    rendered = Rendition.objects.count()
    assert rendered == 1

    with django_capture_on_commit_callbacks() as queued:
        archive = unzip(partner_client.get(reverse("assets:kit_download", args=[kit.pk])))
    assert queued == []
    assert archive.namelist()[:3] == ["01-One-pager.pdf", "02-data-sheet.pdf", "03-messaging.txt"]
    assert "Missing from this ZIP" not in archive.read("README.txt").decode()
    assert Rendition.objects.count() == rendered  # nothing rendered
    assert not KitBundle.objects.exists()  # nothing built
    assert DownloadEvent.objects.count() == 2
    # Compressed formats go in as they are; text is deflated. Every file reads back whole.
    kinds = {info.filename: info.compress_type for info in archive.infolist()}
    assert kinds["01-One-pager.pdf"] == kinds["02-data-sheet.pdf"] == zipfile.ZIP_STORED
    assert kinds["03-messaging.txt"] == kinds["README.txt"] == zipfile.ZIP_DEFLATED
    assert archive.testzip() is None
    assert archive.read("02-data-sheet.pdf") == b"%PDF-1.4 plain"


def test_a_changed_logo_makes_another_zip(
    kit, partner, partner_client, with_a_broker, django_capture_on_commit_callbacks
):
    kit.status = Kit.Status.PUBLISHED
    kit.save()
    url = reverse("assets:kit_download", args=[kit.pk])
    with django_capture_on_commit_callbacks() as queued:
        partner_client.get(url)
    with_a_broker(queued)
    first = KitBundle.objects.get()
    unzip(partner_client.get(url))  # the built one

    give_logo(BrandProfile.objects.get(organisation=partner), colour=(0, 0, 255, 255))
    with django_capture_on_commit_callbacks() as queued:
        assert partner_client.get(url).status_code == 302
    second = KitBundle.objects.exclude(pk=first.pk).get()
    assert second.content_key != first.content_key and second.status == "pending"


def test_without_a_broker_the_cold_zip_is_built_in_the_request(kit, partner_client):
    kit.status = Kit.Status.PUBLISHED
    kit.save()
    archive = unzip(partner_client.get(reverse("assets:kit_download", args=[kit.pk])))
    assert "01-One-pager.pdf" in archive.namelist()
    assert KitBundle.objects.get().status == "ready"
    assert DownloadEvent.objects.count() == 2


def test_missing_brand_details_are_asked_for_before_anything_is_built(kit, partner, partner_client):
    kit.status = Kit.Status.PUBLISHED
    kit.save()
    BrandProfile.objects.filter(organisation=partner).update(phone="")
    response = partner_client.get(reverse("assets:kit_download", args=[kit.pk]))
    assert response.status_code == 409 and "phone number" in response.content.decode()
    assert not KitBundle.objects.exists() and not Rendition.objects.exists()
    assert not DownloadEvent.objects.exists()


def test_the_zip_status_is_only_for_those_who_see_the_kit(kit, other_user, client):
    kit.status = Kit.Status.PUBLISHED
    kit.audience_types = ["reseller"]  # Globex is an agency
    kit.save()
    client.force_login(other_user)
    assert client.get(reverse("assets:kit_zip_status", args=[kit.pk])).status_code == 404
    assert client.get(reverse("assets:kit_download", args=[kit.pk])).status_code == 404
    assert not KitBundle.objects.exists()


def test_old_built_zips_are_pruned_with_their_files(kit, partner_client):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    kit.status = Kit.Status.PUBLISHED
    kit.save()
    unzip(partner_client.get(reverse("assets:kit_download", args=[kit.pk])))  # built inline
    bundle = KitBundle.objects.get()
    storage, name = bundle.file.storage, bundle.file.name
    assert storage.exists(name)
    call_command("prune_renditions", "--days", "3", stdout=io.StringIO())
    assert KitBundle.objects.exists()  # still fresh
    KitBundle.objects.update(updated_at=timezone.now() - timedelta(days=4))
    out = io.StringIO()
    call_command("prune_renditions", "--days", "3", stdout=out)
    assert "Removed 1 kit ZIP(s), 1 file(s)" in out.getvalue()
    assert not KitBundle.objects.exists() and not storage.exists(name)
