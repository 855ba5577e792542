"""With Redis stopped the site still serves pages and downloads: the cache
and the render lock degrade to misses and renders without a lock, nothing
crashes, and a log line says the cache is unavailable.

The test runs a redis-server of its own on a free port and stops that one:
the machine's shared Redis is never touched."""

import logging

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from assets.models import Rendition
from portal.core.redis_cache import redis_cache_config
from tests.factories import KitFactory, make_document, make_file_asset
from tests.services.support import PrivateRedis

pytestmark = [pytest.mark.django_db, pytest.mark.redis]


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    yield server
    server.stop()


def test_pages_and_downloads_are_served_with_redis_stopped(
    private_redis, partner_user, client, caplog
):
    kit = KitFactory(title="Spring")
    document = make_document(kit, title="One pager")
    second = make_document(kit, title="Two pager", headline="Summer offer")
    sheet = make_file_asset(kit, title="Data sheet")
    config = redis_cache_config(private_redis.url, key_prefix="outage", timeout=0.5)
    with override_settings(CACHES={"default": config}):
        client.force_login(partner_user)
        pdf_url = reverse("assets:asset_render", args=[document.pk, "pdf"])
        first = client.get(pdf_url)
        assert first.status_code == 200
        pdf = b"".join(first.streaming_content)
        assert pdf.startswith(b"%PDF")
        assert cache.get("session-check") is None  # the cache answers ...
        cache.set("session-check", 1)
        assert cache.get("session-check") == 1  # ... and is this Redis

        private_redis.stop()
        with caplog.at_level(logging.WARNING):
            library = client.get(reverse("assets:library"))
            again = client.get(pdf_url)
            fresh = client.get(reverse("assets:asset_render", args=[second.pk, "pdf"]))
            plain = client.get(reverse("assets:asset_download", args=[sheet.pk]))

        assert library.status_code == 200 and b"One pager" in library.content
        assert again.status_code == 200 and b"".join(again.streaming_content) == pdf
        # A file never rendered before is rendered without the lock.
        assert fresh.status_code == 200
        assert b"".join(fresh.streaming_content).startswith(b"%PDF")
        assert plain.status_code == 200
        assert b"".join(plain.streaming_content) == b"%PDF-1.4 data sheet"
        assert Rendition.objects.filter(asset_version__asset=second).count() == 1
        messages = [r.getMessage() for r in caplog.records if r.name == "portal.cache"]
        assert messages and all("cache unavailable" in m for m in messages)
        assert any("render lock unavailable" in r.getMessage() for r in caplog.records)
