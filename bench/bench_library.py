"""The library page, browsing and searching, at 10,000 assets against 100:
the same number of queries, and at most 1.5× the time; on SQLite and on
PostgreSQL when one answers.

Each size has a fresh database of its own (a temporary SQLite file, a
throwaway PostgreSQL database dropped afterwards), filled in bulk, and a
child process that requests the pages through Django's test client, so the
figure is the view's own time (queries and template), not the network's.
The two children are asked in turns."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import Result

TARGET = 1.5
SMALL, LARGE = 100, 10_000
PER_KIT = 20
REPEAT = 15
WARMUP = 3
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "browse": "/library/",
    "search": "/library/?q=backup+pdf",
    "search, second page": "/library/?q=guides&page=2",
}
WORDS = ["Sales", "Partner", "Cloud", "Security", "Pricing", "Launch", "Webinar", "Storage"]


def _fill(start: int, count: int) -> None:
    """`count` more assets, PER_KIT to a kit, one in ten about backups in PDF."""
    from django.utils import timezone

    from assets.models import Asset, AssetKind, Kit, Tag
    from assets.search import search_index_refresh

    tags = list(Tag.objects.order_by("pk"))
    now = timezone.now()
    kits = Kit.objects.bulk_create(
        Kit(
            title=f"{WORDS[n % len(WORDS)]} campaign {n}",
            status=Kit.Status.PUBLISHED,
            publish_at=now - timezone.timedelta(minutes=n),
        )
        for n in range(start // PER_KIT, (start + count) // PER_KIT)
    )
    Kit.tags.through.objects.bulk_create(
        Kit.tags.through(kit_id=kit.pk, tag_id=tags[(kit.pk + k) % len(tags)].pk)
        for kit in kits
        for k in range(2)
    )
    assets = []
    for i, kit in enumerate(kits):
        for position in range(PER_KIT):
            n = start + i * PER_KIT + position
            backup = n % 10 == 0
            assets.append(
                Asset(
                    kit=kit,
                    kind=AssetKind.GUIDELINE if n % 2 else AssetKind.TRAINING,
                    title=f"{'Backup' if backup else WORDS[n % len(WORDS)]} guide {n}",
                    description="PDF for buyers." if backup else "How to talk about it.",
                    position=position,
                )
            )
    created = Asset.objects.bulk_create(assets, batch_size=1000)
    search_index_refresh(assets=Asset.objects.filter(pk__in=[a.pk for a in created]))


def _serve_here(count: int) -> None:
    """In the child: migrate, fill `count` assets, then time each page named
    on stdin, answering one JSON line per request."""
    import time

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from assets.models import Tag
    from portal.accounts.models import User
    from portal.partners.models import Membership, PartnerOrganisation, Region, Tier

    call_command("migrate", verbosity=0)
    org = PartnerOrganisation.objects.create(
        name="Acme",
        slug="acme",
        partner_type="reseller",
        tier=Tier.objects.create(name="Gold", rank=3),
        region=Region.objects.create(name="EMEA"),
    )
    user = User.objects.create_user(email="ben@acme.example")  # signed in by force_login
    Membership.objects.create(user=user, organisation=org, role="user")
    Tag.objects.bulk_create(Tag(name=f"Topic {n}", slug=f"topic-{n}") for n in range(10))
    _fill(0, count)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client()
    client.force_login(user)
    queries = []

    def count_query(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    print(json.dumps({"ready": connection.vendor}), flush=True)
    for line in sys.stdin:
        queries.clear()
        with connection.execute_wrapper(count_query):
            started = time.perf_counter()
            response = client.get(line.strip())
            seconds = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{line.strip()} answered {response.status_code}")
        print(json.dumps({"seconds": seconds, "queries": len(queries)}), flush=True)


class _Child:
    """A child process serving one library size."""

    def __init__(self, count: int, env: dict[str, str]):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.bench_library", str(count)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def answer(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            error = self.process.stderr.read()[-3000:]
            raise RuntimeError(f"library bench child stopped:\n{error}")
        return json.loads(line)

    def get(self, url: str) -> dict:
        self.process.stdin.write(url + "\n")
        self.process.stdin.flush()
        return self.answer()

    def stop(self) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _measure(database_urls: dict[int, str]) -> dict:
    """Time each page at both sizes, in alternating turns so that a slow
    spell of the machine weighs on both alike."""
    import statistics

    with tempfile.TemporaryDirectory(prefix="cobrand-bench-library-") as tmp:
        children = {}
        try:
            for count, url in database_urls.items():
                env = {
                    k: v
                    for k, v in os.environ.items()
                    if k not in ("REDIS_URL", "CELERY_BROKER_URL")
                }
                env.update(
                    DJANGO_SETTINGS_MODULE="tests.settings",
                    DATABASE_URL=url.format(tmp=tmp),
                    MEDIA_ROOT=str(Path(tmp) / "media"),
                    LOG_LEVEL="WARNING",
                    PYTHONPATH=str(ROOT),
                )
                children[count] = _Child(count, env)
            for child in children.values():
                child.answer()  # ready
            figures = {count: {} for count in children}
            for name, url in PAGES.items():
                samples = {count: [] for count in children}
                queries = {}
                for turn in range(WARMUP + REPEAT):
                    for count, child in children.items():
                        answer = child.get(url)
                        if turn >= WARMUP:
                            samples[count].append(answer["seconds"])
                            queries[count] = answer["queries"]
                for count in children:
                    figures[count][name] = {
                        "seconds": statistics.median(samples[count]),
                        "queries": queries[count],
                    }
            return {"small": figures[SMALL], "large": figures[LARGE]}
        finally:
            for child in children.values():
                child.stop()


def _results(label: str, figures: dict) -> list[Result]:
    results = []
    for name in PAGES:
        small, large = figures["small"][name], figures["large"][name]
        same = small["queries"] == large["queries"]
        ratio = large["seconds"] / small["seconds"]
        results.append(
            Result(
                f"library {name} at {LARGE:,} vs {SMALL} assets, {label}",
                ratio if same else float("inf"),
                TARGET,
                detail=f"{large['seconds'] * 1000:.1f} ms vs {small['seconds'] * 1000:.1f} ms "
                f"(medians of {REPEAT}), queries {large['queries']} vs {small['queries']}"
                + ("" if same else " (query count grew: MISS)"),
            )
        )
    return results


def _postgres_databases():
    """Two throwaway databases, one per size; (None, {}) when no PostgreSQL answers."""
    try:
        import psycopg

        conn = psycopg.connect(dbname="postgres", connect_timeout=2, autocommit=True, **PG)
    except Exception as exc:  # noqa: BLE001 - any connection failure means "not available"
        print(f"  SKIPPED library on PostgreSQL: no server at {PG['host']}:{PG['port']} ({exc})")
        return None, {}
    names = {count: f"cobrand_bench_library_{os.getpid()}_{count}" for count in (SMALL, LARGE)}
    for name in names.values():
        conn.execute(f'CREATE DATABASE "{name}"')
    return conn, names


def run() -> list[Result]:
    sqlite = {count: f"sqlite:///{{tmp}}/library-{count}.sqlite3" for count in (SMALL, LARGE)}
    results = _results("SQLite", _measure(sqlite))
    conn, names = _postgres_databases()
    if conn is not None:
        try:
            base = f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/"
            results += _results(
                "PostgreSQL", _measure({count: base + name for count, name in names.items()})
            )
        finally:
            for name in names.values():
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.close()
    return results


if __name__ == "__main__":
    _serve_here(int(sys.argv[1]))
