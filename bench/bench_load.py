"""A load test: 50 simulated partners for 60 s against the production shape.

gunicorn (deploy/gunicorn.conf.py, 3 workers x 4 threads) on a throwaway
PostgreSQL database, Redis as cache, lock and broker (a key prefix and a
queue of the run's own) and a Celery worker, all on loopback. The data is
made through the services: partners with logos, a kit of co-branded assets
that is pre-rendered when it goes live, a published landing page per
partner. After a warm-up pass (each partner asks for everything once, its
kit ZIP until it is ready), every partner loops for BENCH_LOAD_SECONDS
(default 60) over a mix of library browsing and search, kit pages, previews,
downloads, kit ZIPs, landing-page views and lead posts. Zero errors and
p95 ≤ 10× p50 are gated; p50, p95 and the throughput are printed.
Skipped, with a message, when PostgreSQL or Redis does not answer."""

from __future__ import annotations

import http.client
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

from bench.common import Result
from bench.server import ROOT, Portal, free_port, portal_env

PARTNERS = 50
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
REDIS_URL = "redis://127.0.0.1:6379/14"  # a database number of the benchmark's own
PRERENDER_WAIT = 300
ZIP_WAIT = 180

SEED = """
import json, os
from pathlib import Path
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
import io
from assets.lifecycle import kit_publish
from assets.models import Asset, AssetKind, EditableField, Kit
from assets.rendering import normalise_logo
from assets.services import asset_version_create
from portal.accounts.models import User
from portal.landing import services as landing
from portal.partners.models import BrandProfile, Membership, PartnerOrganisation, Region, Tier
from portal.partners.services import brand_logo_store

DOCUMENT = '''<html><body><h1>{{ field.headline }}</h1>
<p>Call {{ partner.name }} on {{ partner.phone }} for a backup plan that fits.</p>
{% if partner.logo %}<img src="{{ partner.logo }}" style="width: 40mm">{% endif %}
</body></html>'''

def logo(n):
    buffer = io.BytesIO()
    Image.new("RGBA", (600, 200), (n * 5 % 256, 90, 160, 255)).save(buffer, "PNG")
    return normalise_logo(buffer.getvalue())

kit = Kit.objects.create(title="Cloud backup launch", summary="Backups for every customer.")
doc = Asset.objects.create(kit=kit, kind=AssetKind.HTML_DOCUMENT, title="Backup one pager",
                           description="A one-page summary of the backup offer.", position=1)
EditableField.objects.create(asset=doc, name="headline", label="Headline", default="Backups")
asset_version_create(asset=doc, template=DOCUMENT)
email = Asset.objects.create(kit=kit, kind=AssetKind.EMAIL, title="Backup invitation", position=2)
asset_version_create(asset=email, template="<p>Hello from {{ partner.name }}, call {{ partner.phone }}</p>",
                     subject="Backups from {{ partner.name }}")
sheet = Asset.objects.create(kit=kit, kind=AssetKind.FILE, title="Backup datasheet", position=3)
asset_version_create(asset=sheet, source_file=SimpleUploadedFile("datasheet.pdf", b"%PDF-1.4 datasheet" * 200))
page_asset = Asset.objects.create(kit=kit, kind=AssetKind.LANDING_PAGE, title="Sign-up page", position=4)
EditableField.objects.create(asset=page_asset, name="headline", label="Headline", default="See it live")
asset_version_create(asset=page_asset, template=Path("portal/demo/sources/landing.html").read_text())

tier, region = Tier.objects.create(name="Gold", rank=3), Region.objects.create(name="EMEA")
partners = []
for n in range(int(os.environ["BENCH_PARTNERS"])):
    org = PartnerOrganisation.objects.create(
        name=f"Reseller {n}", slug=f"reseller-{n}", partner_type="reseller", tier=tier, region=region)
    profile = BrandProfile.objects.create(
        organisation=org, phone=f"+44 20 7946 {n:04d}", email=f"sales@r{n}.example",
        website=f"https://r{n}.example")
    brand_logo_store(profile=profile, logo=logo(n))
    user = User.objects.create_user(email=f"user{n}@r{n}.example", password="bench-only-password")
    Membership.objects.create(user=user, organisation=org, role="admin")
    partners.append((org, user))
kit_publish(kit=kit)
out = {"kit": kit.pk, "doc": doc.pk, "email": email.pk, "sheet": sheet.pk, "partners": []}
for org, user in partners:
    page = landing.landing_page_publish(organisation=org, asset=page_asset, values={})
    client = Client()
    client.force_login(user)
    out["partners"].append({"cookie": "sessionid=" + client.cookies["sessionid"].value,
                            "page": f"/p/{org.slug}/{page.slug}/"})
print(json.dumps(out))
"""

PROGRESS = """
from assets.models import PrerenderRun
runs = list(PrerenderRun.objects.all())
print(sum(r.total for r in runs), sum(r.done for r in runs), sum(r.failed for r in runs))
"""


class Partner:
    """One simulated partner: its session and its landing page."""

    def __init__(self, port: int, world: dict, me: dict):
        self.port, self.world, self.cookie, self.page = port, world, me["cookie"], me["page"]
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def ask(self, method: str, path: str, body: str | None = None, *, cookie=True) -> int:
        headers = {"Cookie": self.cookie} if cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                response.read()
                return response.status
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # A kept-alive connection the server closed: open a new one, once.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def actions(self) -> list[tuple[str, int, callable]]:
        """(name, weight, call) of everything a partner does; each call answers a status
        and the statuses that count as success."""
        w = self.world
        words = ["backup", "backups", "datasheet", "backup pdf", "invitation", "launch"]

        def lead():
            body = urllib.parse.urlencode(
                {
                    "name": "Load visitor",
                    "email": f"v{secrets.token_hex(4)}@example.org",
                    "company": "Visitors Ltd",
                    "message": "Please call me.",
                    "consent": "on",
                    "token": secrets.token_urlsafe(18),
                    "ref": "",
                }
            )
            return self.ask("POST", self.page, body, cookie=False), {302}

        return [
            ("library", 20, lambda: (self.ask("GET", "/library/"), {200})),
            (
                "search",
                15,
                lambda: (
                    self.ask(
                        "GET", "/library/?" + urllib.parse.urlencode({"q": random.choice(words)})
                    ),
                    {200},
                ),
            ),
            ("kit page", 8, lambda: (self.ask("GET", f"/kits/{w['kit']}/"), {200})),
            ("preview", 10, lambda: (self.ask("GET", f"/assets/{w['doc']}/preview.png"), {200})),
            ("pdf", 10, lambda: (self.ask("GET", f"/assets/{w['doc']}/download/pdf/"), {200})),
            ("email", 4, lambda: (self.ask("GET", f"/assets/{w['email']}/download/html/"), {200})),
            ("file", 4, lambda: (self.ask("GET", f"/assets/{w['sheet']}/download/"), {200})),
            ("kit zip", 4, lambda: (self.ask("GET", f"/kits/{w['kit']}/download/"), {200})),
            ("landing", 20, lambda: (self.ask("GET", self.page, cookie=False), {200})),
            ("lead", 5, lead),
        ]


@contextmanager
def _database():
    import psycopg

    conn = psycopg.connect(dbname="postgres", connect_timeout=2, autocommit=True, **PG)
    name = f"cobrand_bench_load_{os.getpid()}"
    conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{name}"
    finally:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()


def _unavailable() -> str:
    try:
        import psycopg

        psycopg.connect(dbname="postgres", connect_timeout=2, **PG).close()
    except Exception as exc:  # noqa: BLE001 - any failure means "not available"
        return f"no PostgreSQL at {PG['host']}:{PG['port']} ({exc})"
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=0.5).ping()
    except redis.RedisError as exc:
        return f"no Redis at {REDIS_URL} ({exc})"
    return ""


def _spawn(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )


def _wait_until_up(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped with {process.returncode}")
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).connect()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start in time")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def _wait_for_prerender(portal: Portal, total_expected: int) -> str:
    deadline = time.monotonic() + PRERENDER_WAIT
    while time.monotonic() < deadline:
        total, done, failed = (int(x) for x in portal.python(PROGRESS).split())
        if total >= total_expected and done + failed >= total:
            return f"{done} pre-rendered, {failed} failed"
        time.sleep(2)
    raise RuntimeError(f"pre-rendering did not finish in {PRERENDER_WAIT} s")


def _warm_up(partners: list[Partner]) -> None:
    """Everything once per partner; kit ZIPs asked until each is ready."""
    errors: list[str] = []

    def warm(partner: Partner):
        for name, _weight, call in partner.actions():
            if name == "kit zip":
                deadline = time.monotonic() + ZIP_WAIT
                while (status := call()[0]) != 200 and time.monotonic() < deadline:
                    time.sleep(1)
            else:
                status, ok = call()
                if status not in ok:
                    errors.append(f"{name}: {status}")

    threads = [threading.Thread(target=warm, args=(p,)) for p in partners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"warm-up failed: {errors[:5]}")


def _load(partners: list[Partner], seconds: float):
    latencies: list[float] = []
    errors: list[str] = []
    counts: dict[str, int] = {}
    by_action: dict[str, list[float]] = {}
    deadline = time.monotonic() + seconds

    def loop(partner: Partner, seed: int):
        rng = random.Random(seed)  # noqa: S311 - a request mix, not a secret
        actions = partner.actions()
        weights = [weight for _, weight, _ in actions]
        while time.monotonic() < deadline:
            name, _weight, call = rng.choices(actions, weights)[0]
            started = time.perf_counter()
            try:
                status, ok = call()
            except OSError as exc:
                status, ok = f"{type(exc).__name__}", set()
            latencies.append(time.perf_counter() - started)
            by_action.setdefault(name, []).append(latencies[-1])
            counts[name] = counts.get(name, 0) + 1
            if status not in ok:
                errors.append(f"{name}: {status}")

    threads = [threading.Thread(target=loop, args=(p, n)) for n, p in enumerate(partners)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, by_action, time.perf_counter() - started


def run() -> list[Result]:
    missing = _unavailable()
    if missing:
        print(f"  SKIPPED load test: {missing}", flush=True)
        return []
    import redis

    run_id = f"cobrand-bench-load-{secrets.token_hex(4)}"
    with _database() as database, tempfile.TemporaryDirectory(prefix="cobrand-load-") as tmp:
        workdir = Path(tmp)
        (workdir / "static").mkdir()
        env = portal_env(
            workdir,
            DATABASE_URL=database,
            REDIS_URL=REDIS_URL,
            CACHE_KEY_PREFIX=run_id,
            CELERY_QUEUE=run_id,
            CELERY_TASK_ALWAYS_EAGER="0",
            LEAD_RATE_LIMIT="0",  # the visitors all come from 127.0.0.1
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
            BENCH_PARTNERS=str(PARTNERS),
            WEB_CONCURRENCY="3",
            GUNICORN_THREADS="4",
            GUNICORN_ACCESS_LOG="",
            GUNICORN_MAX_REQUESTS="0",
        )
        portal = Portal(free_port(), env, workdir)
        processes: list[subprocess.Popen] = []
        try:
            portal.manage("migrate", "--noinput", "-v0")
            portal.manage("collectstatic", "--noinput", "-v0")
            seeded = time.perf_counter()
            world = json.loads(portal.python(SEED).strip().splitlines()[-1])
            seeded = time.perf_counter() - seeded
            celery = [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "-Q",
                run_id,
                "--pool",
                "prefork",
                "--concurrency",
                "2",
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "WARNING",
            ]
            processes.append(_spawn(celery, env, workdir / "worker.log"))
            web = [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "deploy/gunicorn.conf.py",
                "-b",
                f"127.0.0.1:{portal.port}",
                "portal.wsgi",
            ]
            processes.append(_spawn(web, env, workdir / "web.log"))
            _wait_until_up(portal.port, processes[-1])
            # 50 partners x (one PDF, an e-mail as html and eml).
            prerendered = _wait_for_prerender(portal, PARTNERS * 3)
            partners = [Partner(portal.port, world, me) for me in world["partners"]]
            warm = time.perf_counter()
            _warm_up(partners)
            warm = time.perf_counter() - warm
            latencies, errors, counts, elapsed = _load(partners, SECONDS)
        except Exception:
            for log in ("web.log", "worker.log"):
                path = workdir / log
                if path.exists():
                    print(f"--- {log}\n" + path.read_text(errors="replace")[-3000:], flush=True)
            raise
        finally:
            for process in reversed(processes):
                _stop(process)
            client = redis.Redis.from_url(REDIS_URL)
            for key in client.scan_iter(match=f"{run_id}*", count=1000):
                client.delete(key)
            client.delete(run_id)

    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000
    rps = len(latencies) / elapsed
    mix = ", ".join(
        f"{name} {len(times)} (p50 {statistics.median(times) * 1000:.0f} ms, "
        f"p95 {sorted(times)[int(len(times) * 0.95)] * 1000:.0f} ms)"
        for name, times in sorted(counts.items(), key=lambda kv: -len(kv[1]))
    )
    shape = (
        f"{PARTNERS} partners for {SECONDS} s, gunicorn 3 workers x 4 threads, PostgreSQL, "
        f"Redis, Celery worker x 2"
    )
    print(
        f"  load test: {len(latencies)} requests in {elapsed:.1f} s = {rps:.1f} req/s, "
        f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, {len(errors)} errors "
        f"(seed {seeded:.0f} s, {prerendered}, warm-up {warm:.0f} s)\n  mix: {mix}",
        flush=True,
    )
    return [
        Result(
            "load test: errors",
            len(errors),
            0,
            unit="",
            detail=f"{shape}; first: {errors[:3]}" if errors else shape,
        ),
        Result(
            "load test: p95 / p50",
            p95 / p50,
            10,
            detail=f"p50 {p50:.0f} ms, p95 {p95:.0f} ms",
        ),
        Result(
            "load test: throughput",
            rps,
            0,
            better="higher",
            unit=" req/s",
            detail=f"{len(latencies)} requests",
            gated=False,
        ),
    ]
