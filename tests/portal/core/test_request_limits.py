"""Oversized request bodies are refused by their declared length, unread."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HUNDRED_MB = 100 * 1024 * 1024


class RecordingInput:
    """A request body that records whether anyone read it."""

    def __init__(self):
        self.read_calls = 0

    def read(self, size=-1):
        self.read_calls += 1
        return b""

    def readline(self, size=-1):
        return self.read(size)


def post_declaring(client, url, length):
    body = RecordingInput()
    response = client.generic(
        "POST",
        url,
        b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": body},
    )
    return response, body


def test_a_huge_logo_upload_is_refused_unread(admin_client_partner):
    response, body = post_declaring(
        admin_client_partner, reverse("partners:brand_profile"), HUNDRED_MB
    )
    assert response.status_code == 413 and "the limit is" in response.content.decode()
    assert body.read_calls == 0


def test_anonymous_posts_are_capped_at_the_form_limit(client, settings):
    for url in (reverse("accounts:login"), "/p/acme/offer/"):
        response, body = post_declaring(client, url, settings.DATA_UPLOAD_MAX_MEMORY_SIZE * 2)
        assert response.status_code == 413 and body.read_calls == 0


def test_staff_may_send_asset_sources_to_the_admin_and_workspace_only(client, settings):
    settings.ASSET_MAX_UPLOAD_BYTES = 200 * 1024 * 1024
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    admin_upload, _ = post_declaring(client, reverse("admin:assets_asset_add"), HUNDRED_MB)
    assert admin_upload.status_code != 413
    too_big, body = post_declaring(client, reverse("admin:assets_asset_add"), 300 * 1024 * 1024)
    assert too_big.status_code == 413 and body.read_calls == 0
    workspace_upload, _ = post_declaring(client, reverse("workspace:kit_list"), HUNDRED_MB)
    assert workspace_upload.status_code != 413
    elsewhere, body = post_declaring(client, reverse("partners:brand_profile"), HUNDRED_MB)
    assert elsewhere.status_code == 413 and body.read_calls == 0


def test_ordinary_requests_pass(admin_client_partner):
    assert admin_client_partner.get(reverse("partners:brand_profile")).status_code == 200


def test_small_requests_do_not_load_the_user(admin_client_partner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        admin_client_partner.get("/healthz")
    assert [q["sql"] for q in queries] == ["SELECT 1"]
