"""A real portal server for throughput benchmarks: gunicorn with production
settings on a free loopback port, a throwaway database and media folder."""

from __future__ import annotations

import http.client
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.common import Result

ROOT = Path(__file__).resolve().parent.parent

# How the throughput benches load a server: each path gets WARMUP requests
# first, then ROUNDS alternating rounds of REQUESTS over CONCURRENCY
# keep-alive connections (both counts are multiples of CONCURRENCY).
REQUESTS = 1000
ROUNDS = 5
CONCURRENCY = 4
WARMUP = 40


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Portal:
    port: int
    env: dict[str, str]
    workdir: Path

    def manage(self, *args: str, stdin: str | None = None) -> str:
        """Run a management command against the server's database; returns stdout."""
        return self._run("manage.py", *args, stdin=stdin)

    def python(self, code: str) -> str:
        """Run Python with Django set up against the server's database; returns stdout."""
        return self._run("-c", "import django; django.setup()\n" + code)

    def _run(self, *args: str, stdin: str | None = None) -> str:
        result = subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        return result.stdout


def portal_env(workdir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        COBRAND_VAR_DIR=str(workdir),
        MEDIA_ROOT=str(workdir / "media"),
        STATIC_ROOT=str(workdir / "static"),
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
        # The benchmarks load the demo data (seed_demo), installed only on request.
        COBRAND_DEMO="1",
    )
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.update(extra)
    return env


BENCH_REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_answers(url: str = BENCH_REDIS_URL) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=0.5).ping())
    except redis.RedisError:
        return False


@contextmanager
def shared_cache_env() -> Iterator[dict[str, str]]:
    """Settings for a run on the local Redis, under a key prefix of its own
    that is removed afterwards."""
    import redis

    prefix = f"cobrand-bench-{secrets.token_hex(6)}"
    try:
        # Tasks still run inline: no worker consumes a queue during a bench.
        yield {
            "REDIS_URL": BENCH_REDIS_URL,
            "CACHE_KEY_PREFIX": prefix,
            "CELERY_BROKER_URL": "",
            "CELERY_TASK_ALWAYS_EAGER": "1",
        }
    finally:
        client = redis.Redis.from_url(BENCH_REDIS_URL)
        for key in client.scan_iter(match=f"{prefix}:*", count=1000):
            client.delete(key)


@contextmanager
def running_portal(
    *, workers: int = 2, threads: int = 1, prepare=None, **extra_env: str
) -> Iterator[Portal]:
    """Migrate a fresh database, run `prepare(portal)`, then serve with gunicorn."""
    with tempfile.TemporaryDirectory(prefix="cobrand-bench-") as tmp:
        workdir = Path(tmp)
        (workdir / "static").mkdir()
        portal = Portal(free_port(), portal_env(workdir, **extra_env), workdir)
        portal.manage("migrate", "--noinput", "-v0")
        portal.manage("collectstatic", "--noinput", "-v0")
        if prepare is not None:
            prepare(portal)
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "portal.wsgi",
                "-b",
                f"127.0.0.1:{portal.port}",
                "-w",
                str(workers),
                "--threads",
                str(threads),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=portal.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            _wait_until_up(portal.port, process)
            yield portal
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_until_up(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn stopped: " + process.stderr.read().decode()[-2000:])
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start in time")


def requests_per_second(
    port: int, path: str, *, total: int, concurrency: int, headers: dict[str, str] | None = None
) -> tuple[float, int]:
    """GET `path` `total` times over `concurrency` keep-alive connections.
    Returns (requests per second, bytes of one response); every response must be 200."""
    per_thread = total // concurrency
    sizes: list[int] = []
    failures: list[str] = []

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            for _ in range(per_thread):
                conn.request("GET", path, headers=headers or {})
                response = conn.getresponse()
                body = response.read()
                if response.status != 200:
                    failures.append(f"{response.status} for {path}")
                    return
                sizes.append(len(body))
        finally:
            conn.close()

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(failures[0])
    return len(sizes) / elapsed, (sizes[0] if sizes else 0)


@dataclass
class Throughput:
    rps: float  # the median of the rounds
    size: int  # bytes of one response
    requests: int  # answered with 200 on this path, warm-up included


Request = tuple[str, dict[str, str] | None]  # a path and its headers


def paired_throughput(
    port: int,
    first: Request,
    second: Request,
    *,
    total: int = REQUESTS,
    concurrency: int = CONCURRENCY,
    rounds: int = ROUNDS,
    warmup: int = WARMUP,
) -> tuple[Throughput, Throughput]:
    """Warm both paths with ``warmup`` requests each (worker start-up, caches),
    then measure them in alternating rounds and take each one's median, so a
    passing slow spell of the machine weighs on both alike."""
    if total % concurrency or warmup % concurrency:
        raise ValueError(f"{total} and {warmup} requests do not split over {concurrency}")
    for path, headers in (first, second):
        requests_per_second(port, path, total=warmup, concurrency=concurrency, headers=headers)
    measured: tuple[list[float], list[float]] = ([], [])
    sizes = [0, 0]
    for _ in range(rounds):
        for index, (path, headers) in enumerate((first, second)):
            rps, sizes[index] = requests_per_second(
                port, path, total=total, concurrency=concurrency, headers=headers
            )
            measured[index].append(rps)
    first_result, second_result = (
        Throughput(statistics.median(values), size, warmup + total * rounds)
        for values, size in zip(measured, sizes, strict=True)
    )
    return first_result, second_result


@dataclass(frozen=True)
class ServerShape:
    """How the portal is served for a throughput bench."""

    label: str
    workers: int
    threads: int
    env: dict[str, str]
    gated: bool  # does a miss fail `make bench`?

    def serve(
        self, prepare: Callable[[Portal], None] | None = None
    ) -> AbstractContextManager[Portal]:
        """The portal served in this shape (see running_portal)."""
        return running_portal(
            workers=self.workers, threads=self.threads, prepare=prepare, **self.env
        )


# The embedded stack keeps its cache in process memory, so it runs as one
# process (with threads): that is the shape it supports. More processes need
# the shared cache, which is measured too when Redis answers; Redis then runs
# on the same two cores as the server and the client, so that figure says as
# much about the machine as about the code, and is printed, not gated.
EMBEDDED = ServerShape("SQLite, in-process cache, gunicorn 1 worker x 4 threads", 1, 4, {}, True)


@contextmanager
def server_shapes() -> Iterator[list[ServerShape]]:
    shapes = [EMBEDDED]
    if not redis_answers():
        print("  (no Redis at 127.0.0.1:6379: the shared-cache run is skipped)", flush=True)
        yield shapes
        return
    with shared_cache_env() as env:
        shared = ServerShape("SQLite, Redis cache, gunicorn 2 workers", 2, 1, env, False)
        yield [*shapes, shared]


def in_each_shape(measure: Callable[[ServerShape], Result]) -> list[Result]:
    """``measure(shape)`` for every shape the machine can serve, in order."""
    with server_shapes() as shapes:
        return [measure(shape) for shape in shapes]
