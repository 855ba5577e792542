"""How permission-checked files travel: streamed, by nginx (X-Accel-Redirect)
or by a redirect to a signed storage URL; always after the check."""

import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from assets.models import DownloadEvent
from tests.factories import KitFactory, make_document, make_file_asset
from tests.signing_storage import BASE

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def signed_urls(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "tests.signing_storage.SigningStorage",
            "OPTIONS": {"location": str(tmp_path / "bucket")},
        },
    }
    settings.DOWNLOAD_DELIVERY = "redirect"
    settings.DOWNLOAD_URL_SECONDS = 45


def test_redirect_sends_a_signed_url_with_the_file_name(signed_urls, partner_client):
    asset = make_file_asset(title="Technical data sheet", content=b"%PDF-1.4 sheet")
    response = partner_client.get(reverse("assets:asset_download", args=[asset.pk]))
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert response["Location"].startswith(BASE + "sources/")
    query = parse_qs(url.query)
    assert query["X-Amz-Expires"] == ["45"]
    assert query["response-content-disposition"] == [
        'attachment; filename="technical-data-sheet.pdf"'
    ]
    assert query["response-content-type"] == ["application/pdf"]
    assert "X-Amz-Signature" in query
    assert response["Cache-Control"] == "private, no-store"
    assert DownloadEvent.objects.filter(asset=asset).count() == 1


def test_redirect_comes_only_after_the_permission_check(signed_urls, client, other_user):
    hidden = make_file_asset(KitFactory(status="draft"), title="Unreleased sheet")
    visible = make_file_asset(title="Public sheet")
    anonymous = client.get(reverse("assets:asset_download", args=[visible.pk]))
    assert anonymous.status_code == 302 and not anonymous["Location"].startswith(BASE)
    assert "/accounts/login/" in anonymous["Location"]
    client.force_login(other_user)
    refused = client.get(reverse("assets:asset_download", args=[hidden.pk]))
    assert refused.status_code == 404 and "Location" not in refused
    assert not DownloadEvent.objects.exists()


def test_redirect_for_a_cobranded_file_and_its_repeat(signed_urls, partner_client):
    asset = make_document(title="Cloud backup one-pager")
    url = reverse("assets:asset_render", args=[asset.pk, "pdf"])
    first, repeat = partner_client.get(url), partner_client.get(url)
    for response in (first, repeat):
        assert response.status_code == 302
        assert response["Location"].startswith(BASE + "renditions/")
        disposition = parse_qs(urlsplit(response["Location"]).query)[
            "response-content-disposition"
        ][0]
        assert disposition.startswith("attachment; filename=") and ".pdf" in disposition
    assert DownloadEvent.objects.filter(asset=asset).count() == 2


def test_x_accel_hands_the_stored_name_to_nginx(settings, partner_client):
    settings.DOWNLOAD_DELIVERY = "x-accel"
    settings.X_ACCEL_REDIRECT_PREFIX = "/protected/"
    asset = make_file_asset(title="Technical data sheet")
    response = partner_client.get(reverse("assets:asset_download", args=[asset.pk]))
    assert response.status_code == 200
    stored = asset.current_version.source_file.name
    assert response["X-Accel-Redirect"] == f"/protected/{stored}"
    assert response["Content-Disposition"] == 'attachment; filename="technical-data-sheet.pdf"'
    assert response.content == b""


def test_stream_is_the_default(partner_client):
    asset = make_file_asset(content=b"%PDF-1.4 streamed")
    response = partner_client.get(reverse("assets:asset_download", args=[asset.pk]))
    assert b"".join(response.streaming_content) == b"%PDF-1.4 streamed"
    assert "X-Accel-Redirect" not in response


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DOWNLOAD_DELIVERY": "carrier-pigeon"}, "DOWNLOAD_DELIVERY must be"),
        ({"DOWNLOAD_DELIVERY": "x-accel"}, "needs X_ACCEL_REDIRECT_PREFIX"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT must be"),
    ],
)
def test_bad_settings_are_refused_at_start(env, message):
    result = subprocess.run(
        [sys.executable, "-c", "import portal.settings"],
        cwd=ROOT,
        env={"SECRET_KEY": "x", "PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and message in result.stderr
