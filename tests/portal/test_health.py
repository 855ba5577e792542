"""/healthz: 200 with every check when all answer, 503 naming the one that doesn't."""

import os
import runpy
import socket
import time
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def test_everything_answers(client):
    started = time.monotonic()
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and "failing" not in body
    assert set(body["checks"]) == {"database", "cache", "storage", "queue"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["queue"]["detail"] == "inline"
    assert "no-cache" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]
    assert time.monotonic() - started < 2


def test_storage_check_leaves_nothing_behind(client, settings):
    client.get(reverse("healthz"))
    leftovers = Path(settings.MEDIA_ROOT) / "healthz"
    assert not leftovers.exists() or list(leftovers.iterdir()) == []


def redis_cache(location, timeout):
    # A context manager, not the settings fixture: the cache must be good
    # again before the suite's own teardown clears it.
    return override_settings(
        CACHES={
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": location,
                "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": timeout, "SOCKET_TIMEOUT": timeout},
            }
        }
    )


def test_an_unreachable_cache_is_named(client):
    with redis_cache(UNREACHABLE_REDIS, 0.2):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing" and body["failing"] == ["cache"]
    assert "ConnectionError" in body["checks"]["cache"]["detail"]
    assert body["checks"]["database"]["ok"] and body["checks"]["storage"]["ok"]


def test_unwritable_storage_is_named(client, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocker / "media"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["failing"] == ["storage"]


def test_an_unreachable_broker_is_named(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = UNREACHABLE_REDIS
    settings.HEALTH_CHECK_TIMEOUT_SECONDS = 1
    started = time.monotonic()
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["failing"] == ["queue"]
    assert time.monotonic() - started < 5


def test_a_check_that_hangs_fails_at_the_timeout(client, settings, tmp_path):
    # A listener that accepts and never answers: the Redis client waits.
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    port = server.getsockname()[1]
    try:
        settings.HEALTH_CHECK_TIMEOUT_SECONDS = 0.5
        with redis_cache(f"redis://127.0.0.1:{port}/0", 5):
            started = time.monotonic()
            response = client.get(reverse("healthz"))
            elapsed = time.monotonic() - started
    finally:
        server.close()
    assert response.status_code == 503 and response.json()["failing"] == ["cache"]
    assert "no answer within 0.5 s" in response.json()["checks"]["cache"]["detail"]
    assert elapsed < 2


@pytest.mark.redis
@pytest.mark.skipif(not redis_answers(), reason="no Redis at 127.0.0.1:6379 to check against")
def test_a_real_broker_answers(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/14"
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["checks"]["queue"] == {
        "ok": True,
        "ms": response.json()["checks"]["queue"]["ms"],
        "detail": "redis",
    }


def test_healthz_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("accounts:login")).status_code == 301


def test_gunicorn_config_reads_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_TIMEOUT", "90")
    monkeypatch.setenv("LOG_FORMAT", "json")
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert config["workers"] == 3 and config["timeout"] == 90
    assert config["max_requests"] > 0 and config["max_requests_jitter"] > 0
    assert config["worker_tmp_dir"] in (None, config["SHM"])
    assert "%({x-request-id}o)s" in config["access_log_format"]
    assert config["access_log_format"].startswith("{")
    monkeypatch.delenv("WEB_CONCURRENCY")
    monkeypatch.setenv("LOG_FORMAT", "plain")
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert config["workers"] == (os.cpu_count() or 1) * 2 + 1
    assert not config["access_log_format"].startswith("{")
