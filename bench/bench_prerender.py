"""Pre-rendering a kit for all its partners with two Celery worker
processes against one: at least 1.7× the outputs per second.

A real Celery worker (``celery -A portal worker --pool prefork``) consumes
from Redis at 127.0.0.1:6379 (a throwaway database number, a key prefix and
queues of this run only); the data lives in a throwaway PostgreSQL database
when one answers, else in a SQLite file (WAL) under a temporary folder.

A setup child migrates and fills the database: PARTNERS partners with logos
and complete profiles, and one draft kit per round, each with co-branded
HTML documents and stamped PDFs (fresh assets, so fresh rendition keys:
nothing is ever found already rendered). Then two coordinators run, each
with its own long-lived worker (concurrency 1 and 2) on its own queue; a
round publishes a kit through the real path (kit_publish -> kit_went_live
-> assets.prerender tasks) and waits until the kit's PrerenderRun counts
every output. The coordinators are asked in turns, after a warm-up round
each, and the ratio of the median throughputs is the figure."""

from __future__ import annotations

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Result

TARGET = 1.7
PARTNERS = 20
HTML_ASSETS, PDF_ASSETS = 3, 1
WARMUP, ROUNDS = 1, 3
ROUND_TIMEOUT = 120
REDIS = {"host": "127.0.0.1", "port": 6379, "db": 13}
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
ROOT = Path(__file__).resolve().parent.parent
CONCURRENCY = (1, 2)


def _kit_title(concurrency: int, turn: int) -> str:
    return f"Bench kit c{concurrency} #{turn}"


# --- In the children ------------------------------------------------------------


def _setup_here() -> None:
    """Migrate, make the partners and every round's draft kit (tasks inline)."""
    import django

    django.setup()
    from django.core.management import call_command

    from assets.models import Kit
    from bench import samples
    from portal.partners.models import Region, Tier

    call_command("migrate", verbosity=0)
    tier, region = Tier.objects.create(name="Gold", rank=3), Region.objects.create(name="EMEA")
    for n in range(PARTNERS):
        samples.add_branded_partner(n, tier=tier, region=region)
    for concurrency in CONCURRENCY:
        for turn in range(WARMUP + ROUNDS):
            kit = Kit.objects.create(title=_kit_title(concurrency, turn), status=Kit.Status.DRAFT)
            samples.add_cobranded_assets(kit, documents=HTML_ASSETS, brochures=PDF_ASSETS)
    print(json.dumps({"ready": True}), flush=True)


def _coordinate_here() -> None:
    """Publish the kit named on each stdin line; answer its output count and
    the seconds from the publish to the last output counted."""
    import django

    django.setup()
    from assets import lifecycle
    from assets.models import Kit, PrerenderRun

    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        kit = Kit.objects.get(title=line.strip())
        started = time.perf_counter()
        lifecycle.kit_publish(kit=kit)
        deadline = started + ROUND_TIMEOUT
        while True:
            run = PrerenderRun.objects.filter(kit=kit).order_by("pk").last()
            if run is not None and run.done + run.failed >= run.total:
                seconds = time.perf_counter() - started
                break
            if time.perf_counter() > deadline:
                raise SystemExit(f"{kit.title}: not pre-rendered in {ROUND_TIMEOUT} s ({run})")
            time.sleep(0.05)
        if run.failed:
            failures = list(run.failures.values_list("message", flat=True)[:3])
            raise SystemExit(f"{kit.title}: {run.failed} outputs failed: {failures}")
        print(json.dumps({"outputs": run.total, "seconds": seconds}), flush=True)


# --- In the benchmark's process ------------------------------------------------------


class _Process:
    def __init__(self, args: list[str], env: dict[str, str], *, talk: bool = True):
        self.process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE if talk else subprocess.DEVNULL,
            stdout=subprocess.PIPE if talk else subprocess.DEVNULL,
            stderr=subprocess.PIPE if talk else open(env["BENCH_LOG"], "ab"),  # noqa: SIM115
            text=True,
            start_new_session=True,
        )

    def answer(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            error = self.process.stderr.read()[-3000:]
            raise RuntimeError(f"prerender bench child stopped:\n{error}")
        return json.loads(line)

    def ask(self, text: str) -> dict:
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()
        return self.answer()

    def stop(self) -> None:
        if self.process.poll() is None:
            if self.process.stdin:
                self.process.stdin.close()
            os.killpg(self.process.pid, signal.SIGTERM)  # the worker and its children
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


def _redis_answers() -> str:
    try:
        import redis

        redis.Redis(socket_connect_timeout=2, **REDIS).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "not available"
        return str(exc)
    return ""


def _database(tmp: str):
    """(url, drop) of a throwaway PostgreSQL database, else of a SQLite file."""
    try:
        import psycopg

        conn = psycopg.connect(dbname="postgres", connect_timeout=2, autocommit=True, **PG)
    except Exception:  # noqa: BLE001 - no PostgreSQL: SQLite
        return f"sqlite:///{tmp}/prerender.sqlite3", lambda: None, "SQLite"
    name = f"cobrand_bench_prerender_{os.getpid()}"
    conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()

    return f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{name}", drop, "PostgreSQL"


def _measure(tmp: str, database_url: str) -> dict[int, list[float]]:
    prefix = f"bench-prerender-{os.getpid()}"
    redis_url = f"redis://{REDIS['host']}:{REDIS['port']}/{REDIS['db']}"
    base = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
    base.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(Path(tmp) / "media"),
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
        BENCH_LOG=str(Path(tmp) / "workers.log"),
    )
    setup = _Process([sys.executable, "-m", "bench.bench_prerender", "setup"], base)
    try:
        setup.answer()
    finally:
        setup.stop()
    processes: list[_Process] = []
    coordinators = {}
    try:
        for concurrency in CONCURRENCY:
            env = {
                **base,
                "DJANGO_SETTINGS_MODULE": "bench.prerender_settings",
                "REDIS_URL": redis_url,
                "CACHE_KEY_PREFIX": prefix,
                "BENCH_QUEUE": f"{prefix}-c{concurrency}",
            }
            celery = str(Path(sys.executable).with_name("celery"))
            processes.append(
                _Process(
                    [
                        celery,
                        "-A",
                        "portal",
                        "worker",
                        "--pool",
                        "prefork",
                        "--concurrency",
                        str(concurrency),
                        "-Q",
                        env["BENCH_QUEUE"],
                        "--without-heartbeat",
                        "--without-gossip",
                        "--without-mingle",
                        "--loglevel",
                        "WARNING",
                    ],
                    env,
                    talk=False,
                )
            )
            child = _Process([sys.executable, "-m", "bench.bench_prerender", "coordinate"], env)
            processes.append(child)
            coordinators[concurrency] = child
        for child in coordinators.values():
            child.answer()
        throughput: dict[int, list[float]] = {c: [] for c in CONCURRENCY}
        for turn in range(WARMUP + ROUNDS):
            for concurrency, child in coordinators.items():
                answer = child.ask(_kit_title(concurrency, turn))
                if turn >= WARMUP:
                    throughput[concurrency].append(answer["outputs"] / answer["seconds"])
        return throughput
    except Exception:
        log = Path(base["BENCH_LOG"])
        if log.exists():
            print(log.read_text()[-4000:], file=sys.stderr)
        raise
    finally:
        for process in reversed(processes):
            process.stop()
        try:
            import redis

            client = redis.Redis(**REDIS)
            for key in client.scan_iter(match=f"*{prefix}*", count=1000):
                client.delete(key)
        except Exception:  # noqa: BLE001, S110 - nothing left to tidy without Redis
            pass


def run() -> list[Result]:
    problem = _redis_answers()
    if problem:
        print(f"  SKIPPED prerender: no Redis at {REDIS['host']}:{REDIS['port']} ({problem})")
        return []
    tmp = tempfile.mkdtemp(prefix="cobrand-bench-prerender-")
    url, drop, label = _database(tmp)
    if label == "SQLite":
        import sqlite3

        sqlite3.connect(f"{tmp}/prerender.sqlite3").execute("PRAGMA journal_mode=WAL").close()
    try:
        throughput = _measure(tmp, url)
    finally:
        drop()
        shutil.rmtree(tmp, ignore_errors=True)
    one, two = (statistics.median(throughput[c]) for c in CONCURRENCY)
    outputs = PARTNERS * (HTML_ASSETS + PDF_ASSETS)
    return [
        Result(
            "prerender a kit, 2 Celery worker processes vs 1",
            two / one,
            TARGET,
            better="higher",
            detail=f"{two:.1f} vs {one:.1f} outputs/s (medians of {ROUNDS} rounds, "
            f"{outputs} outputs each: {PARTNERS} partners, {HTML_ASSETS} HTML documents and "
            f"{PDF_ASSETS} stamped PDFs), {label}, Redis broker",
        )
    ]


if __name__ == "__main__":  # required: render workers start from a forkserver
    {"setup": _setup_here, "coordinate": _coordinate_here}[sys.argv[1]]()
