"""Faults the portal survives: a render worker killed mid-render, a
PostgreSQL restart under a running web process, and a crowd asking for one
file nobody has rendered yet. (Redis stopping: test_redis_outage.py.)"""

import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.urls import reverse

from assets import renditions
from assets.models import Rendition
from assets.rendering import POOL, RenderError
from tests.factories import KitFactory, MembershipFactory, make_document
from tests.services.support import (
    Gunicorn,
    PrivatePostgres,
    database_url,
    manage,
    need_postgres_test_database,
    need_shared_redis,
    portal_env,
    redis_forget,
)

# Long enough to be caught in the middle: a few hundred paragraphs, ~20 pages.
SLOW_TEMPLATE = (
    "{% for i in '"
    + "x" * 400
    + "' %}<p>{{ partner.name }}: paragraph {{ forloop.counter }}. "
    + "Co-branded copy that wraps over several lines of the page. " * 6
    + "</p>{% endfor %}"
)


def stored_files(media_root) -> list[Path]:
    root = Path(media_root) / "renditions"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.django_db
def test_a_render_worker_killed_mid_render_leaves_no_file_and_the_retry_renders(partner, settings):
    settings.RENDER_MAX_PAGES = 200
    document = make_document(KitFactory(), title="Price list", template=SLOW_TEMPLATE)
    request = renditions.request_for_partner(asset=document, partner=partner)
    POOL.shutdown()  # no idle worker: the one that appears is this render's
    killed: list[int] = []

    def kill_the_renderer():
        # The render runs in this test's thread (its database); this one only kills.
        deadline = time.monotonic() + 30
        while not POOL.pids() and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(0.3)  # well into the layout
        for pid in POOL.pids():
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    killer = threading.Thread(target=kill_the_renderer)
    killer.start()
    started = time.monotonic()
    with pytest.raises(RenderError):
        renditions.render_for_partner(asset=document, partner=partner)
    killer.join(timeout=30)
    assert len(killed) == 1 and time.monotonic() - started < 20

    assert not Rendition.objects.filter(key=request.key).exists()
    assert stored_files(settings.MEDIA_ROOT) == []  # nothing half-written anywhere
    assert cache.get(f"rendition-lock:{request.key}") is None  # the lock was given back

    # Tried again (the next request, or the task's retry), it renders.
    rendition = renditions.render_for_partner(asset=document, partner=partner)
    assert rendition.key == request.key
    assert rendition.file.read().startswith(b"%PDF")
    assert stored_files(settings.MEDIA_ROOT) == [Path(rendition.file.path)]


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """Collected static files, as the production settings need (manifest)."""
    root = tmp_path_factory.mktemp("static")
    manage(
        portal_env(database="sqlite:///:memory:", media_root=root / "media", static_root=root),
        "collectstatic",
        "--noinput",
        "-v0",
    )
    return root


LOGIN_AS_PARTNER = """
from django.test import Client
from portal.partners.models import BrandProfile, Membership, PartnerOrganisation, Region, Tier
from portal.accounts.models import User
org = PartnerOrganisation.objects.create(
    name="Acme Resellers", slug="acme", partner_type="reseller",
    tier=Tier.objects.create(name="Gold", rank=3), region=Region.objects.create(name="EMEA"))
BrandProfile.objects.create(organisation=org, phone="+44 20 7946 0123")
user = User.objects.create_user(email="anna@acme.example", password="not-used-here")
Membership.objects.create(user=user, organisation=org, role="admin")
client = Client()
client.force_login(user)
print(client.cookies["sessionid"].value)
"""


@pytest.mark.postgres
def test_a_postgresql_restart_is_survived_without_restarting_the_app(tmp_path, static_root):
    # Connections are kept (CONN_MAX_AGE) and checked before each request reuses one.
    assert django_settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    server = PrivatePostgres(tmp_path)
    web = None
    try:
        env = portal_env(
            database=server.url(),
            media_root=tmp_path / "media",
            static_root=static_root,
            DB_CONN_MAX_AGE="600",
        )
        manage(env, "migrate", "--noinput", "-v0")
        cookie = "sessionid=" + manage(env, code=LOGIN_AS_PARTNER).strip()
        web = Gunicorn(env, tmp_path / "web.log", workers=1, threads=1)
        for _ in range(3):  # one thread: the same kept connection every time
            assert web.get("/library/", cookie=cookie)[0] == 200, web.log()

        server.stop("fast")  # every connection is cut
        server.start()

        status, body = web.get("/library/", cookie=cookie)
        assert status == 200, web.log()
        assert b"Library" in body or b"library" in body
        status, body = web.get("/healthz")
        assert status == 200 and b'"database"' in body, body
        assert web.process.poll() is None  # the same process, never restarted
    finally:
        if web is not None:
            web.stop()
        server.destroy()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_200_concurrent_requests_for_one_uncached_asset_render_it_once(
    partner, client, settings, tmp_path, static_root
):
    database = need_postgres_test_database()
    need_shared_redis()
    user = MembershipFactory(organisation=partner).user
    client.force_login(user)  # the session is in the database the web process reads
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    document = make_document(KitFactory(), title="One pager")
    prefix = f"cobrand-test-crowd-{os.getpid()}"
    env = portal_env(
        database=database_url(database),
        media_root=settings.MEDIA_ROOT,
        static_root=static_root,
        REDIS_URL="redis://127.0.0.1:6379/13",
        CACHE_KEY_PREFIX=prefix,
        LOG_LEVEL="INFO",
        GUNICORN_ACCESS_LOG="",
    )
    web = Gunicorn(env, tmp_path / "web.log", workers=2, threads=4)
    path = reverse("assets:asset_render", args=[document.pk, "pdf"])
    start = threading.Barrier(200)

    def one(_):
        start.wait(timeout=60)
        return web.get(path, cookie=cookie, timeout=120)

    try:
        with ThreadPoolExecutor(max_workers=200) as pool:
            answers = list(pool.map(one, range(200)))
    finally:
        web.stop()
        redis_forget("redis://127.0.0.1:6379/13", prefix)

    assert [status for status, _ in answers] == [200] * 200, web.log()[-3000:]
    assert len({body for _, body in answers}) == 1  # everyone got the same file
    assert answers[0][1].startswith(b"%PDF")
    assert Rendition.objects.filter(asset_version__asset=document).count() == 1
    rendered = [line for line in web.log().splitlines() if "assets.renditions: rendered" in line]
    assert len(rendered) == 1, rendered
