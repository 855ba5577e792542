"""S3 storage against a local S3-compatible server (moto in server mode,
started by the test): a logo and an asset are uploaded, a PDF is rendered,
and downloads work both as redirects to signed URLs (fetched from the
server, byte for byte) and streamed through the portal."""

import urllib.request

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from assets.models import Rendition
from portal.partners.models import BrandProfile
from tests.conftest import give_logo
from tests.factories import (
    BrandProfileFactory,
    KitFactory,
    MembershipFactory,
    PartnerFactory,
    make_document,
    make_file_asset,
)
from tests.services.support import LocalS3

pytestmark = pytest.mark.django_db


@pytest.fixture
def s3():
    server = LocalS3()
    yield server
    server.stop()


def fetch(url: str) -> tuple[int, bytes]:
    assert url.startswith("http://127.0.0.1:")  # the local server, nothing else
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
        return response.status, response.read()


def test_uploads_renders_and_downloads_go_through_s3(s3, client):
    with override_settings(STORAGES=s3.storages(settings.STORAGES), DOWNLOAD_DELIVERY="redirect"):
        org = PartnerFactory(name="Acme Resellers", slug="acme")
        give_logo(BrandProfileFactory(organisation=org))
        client.force_login(MembershipFactory(organisation=org).user)
        kit = KitFactory(title="Spring")
        document = make_document(kit, title="One pager")
        sheet = make_file_asset(kit, title="Data sheet", content=b"%PDF-1.4 sheet bytes")

        logo = BrandProfile.objects.get(organisation=org).logo.name
        assert logo in s3.names()  # the logo went to the bucket

        response = client.get(reverse("assets:asset_render", args=[document.pk, "pdf"]))
        assert response.status_code == 302
        assert "Signature=" in response["Location"]  # signed, short-lived
        assert response["Cache-Control"] == "private, no-store"
        rendition = Rendition.objects.get(asset_version__asset=document, output_format="pdf")
        assert rendition.file.name in s3.names()
        status, pdf = fetch(response["Location"])
        assert status == 200 and pdf.startswith(b"%PDF")
        assert pdf == s3.object_bytes(rendition.file.name)
        # The name to save under travels in the signed URL (moto does not echo it back).
        assert "response-content-disposition=attachment" in response["Location"]

        response = client.get(reverse("assets:asset_download", args=[sheet.pk]))
        assert response.status_code == 302
        assert fetch(response["Location"])[1] == b"%PDF-1.4 sheet bytes"

        with override_settings(DOWNLOAD_DELIVERY="stream"):
            streamed = client.get(reverse("assets:asset_render", args=[document.pk, "pdf"]))
            assert streamed.status_code == 200
            assert b"".join(streamed.streaming_content) == pdf
            plain = client.get(reverse("assets:asset_download", args=[sheet.pk]))
            assert b"".join(plain.streaming_content) == b"%PDF-1.4 sheet bytes"
        assert Rendition.objects.filter(asset_version__asset=document).count() == 1
