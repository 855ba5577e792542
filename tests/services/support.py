"""Real services started by the tests themselves: a private Redis, a private
PostgreSQL cluster and a local S3-compatible server (moto), each on a free
loopback port in a temporary folder, stopped at the end. A service whose
program is not installed skips the test with a message naming it."""

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

SHARED_POSTGRES = ("127.0.0.1", 5432)
SHARED_REDIS = ("127.0.0.1", 6379)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError:
        return False
    return True


def wait_for_port(port: int, *, process=None, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if answers("127.0.0.1", port, 0.2):
            return
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with {process.returncode}")
        time.sleep(0.05)
    raise RuntimeError(f"nothing answered on port {port} within {seconds} s")


def need_shared_postgres() -> None:
    if not answers(*SHARED_POSTGRES):
        pytest.skip("PostgreSQL does not answer on 127.0.0.1:5432")


def need_shared_redis() -> None:
    if not answers(*SHARED_REDIS):
        pytest.skip("Redis does not answer on 127.0.0.1:6379")


def stop(process: subprocess.Popen, *, seconds: float = 10) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=seconds)


class PrivateRedis:
    """A redis-server of our own: stopping it touches nobody else's."""

    def __init__(self, workdir: Path):
        program = shutil.which("redis-server")
        if program is None:
            pytest.skip("redis-server is not installed")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            [
                program,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, process=self.process)

    def stop(self) -> None:
        stop(self.process)


def _postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class PrivatePostgres:
    """A PostgreSQL cluster of our own (initdb + pg_ctl), run as the
    `postgres` user when the tests run as root (initdb refuses root)."""

    def __init__(self, workdir: Path):
        self.bin = _postgres_bin()
        if self.bin is None:
            pytest.skip("PostgreSQL server programs are not installed (/usr/lib/postgresql)")
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            runuser = shutil.which("runuser")
            if runuser is None:
                pytest.skip("running as root and runuser is missing: initdb refuses root")
            self.prefix = [runuser, "-u", "postgres", "--"]
        # Its own folder outside pytest's (private to root): the server's
        # user must be able to reach it. Removed by destroy().
        self.dir = Path(tempfile.mkdtemp(prefix="cobrand-pg-"))
        if self.prefix:
            shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self.port = free_port()
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")
        self.start()

    def _run(self, *args: str) -> None:
        subprocess.run(
            [*self.prefix, str(self.bin / args[0]), *args[1:]],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.dir / "log"),
            "-w",
            "-t",
            "60",
            "start",
        )
        wait_for_port(self.port)

    def stop(self, mode: str = "fast") -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, name: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


class LocalS3:
    """moto's S3-compatible server (`moto_server`, from the package
    registry), with one empty bucket."""

    bucket = "cobrand-test"
    key, secret, region = "testing", "testing", "us-east-1"

    def __init__(self):
        program = shutil.which("moto_server")
        if program is None:
            pytest.skip("moto_server is not installed (pip install 'moto[server]')")
        import boto3

        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [program, "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, process=self.process, seconds=60)
        self.client = boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.key,
            aws_secret_access_key=self.secret,
            region_name=self.region,
        )
        self.client.create_bucket(Bucket=self.bucket)

    def storages(self, base: dict) -> dict:
        """STORAGES with the project's S3 backend pointed at this server."""
        return {
            **base,
            "default": {
                "BACKEND": "portal.core.s3_storage.RecordingS3Storage",
                "OPTIONS": {
                    "bucket_name": self.bucket,
                    "endpoint_url": self.endpoint,
                    "region_name": self.region,
                    "access_key": self.key,
                    "secret_key": self.secret,
                    "addressing_style": "path",
                    "default_acl": None,
                    "querystring_auth": True,
                    "file_overwrite": False,
                },
            },
        }

    def object_bytes(self, name: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=name)["Body"].read()

    def names(self) -> set[str]:
        listed = self.client.list_objects_v2(Bucket=self.bucket).get("Contents", [])
        return {item["Key"] for item in listed}

    def stop(self) -> None:
        stop(self.process)


ROOT = Path(__file__).resolve().parents[2]


def need_postgres_test_database() -> dict:
    """The test database's settings, when it is PostgreSQL: a worker
    process must be able to open the very database the test writes."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(
            "needs the suite on PostgreSQL (DATABASE_URL=postgres://...): a worker "
            "process cannot open the test's SQLite database"
        )
    return connection.settings_dict


def database_url(settings_dict: dict) -> str:
    user = settings_dict.get("USER") or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


class CeleryWorker:
    """`celery -A portal worker` as a process of its own, consuming one
    queue of its own from `broker_url`, with the test's database and media."""

    def __init__(
        self,
        *,
        broker_url,
        queue,
        database,
        media_root,
        log_path,
        pool="solo",
        concurrency=1,
        prefix="svc",
    ):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "SECRET_KEY": "test-only-secret-key",
            "DEBUG": "0",
            "DATABASE_URL": database,
            "REDIS_URL": broker_url,
            "CELERY_BROKER_URL": broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "CELERY_QUEUE": queue,
            "CACHE_KEY_PREFIX": prefix,
            "MEDIA_ROOT": str(media_root),
        }
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "celery"),
                "-A",
                "portal",
                "worker",
                "--pool",
                pool,
                "--concurrency",
                str(concurrency),
                "-Q",
                queue,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{queue}@%h",
                "--loglevel",
                "INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def log(self) -> str:
        return Path(self.log_path).read_text(errors="replace")

    def stop(self) -> None:
        stop(self.process, seconds=20)
        self._log.close()


@contextlib.contextmanager
def queue_to(broker_url: str, queue: str):
    """This process's tasks go to `queue` on `broker_url` instead of running inline."""
    from portal.celery import app

    def fresh_connections():
        # Connections made earlier point at the broker the settings name.
        app.amqp.__dict__.pop("queues", None)
        if app._pool is not None:
            app._pool.force_close_all()
            app._pool = None
        app.amqp._producer_pool = None  # it holds the pool just closed

    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url", "task_default_queue")}
    app.conf.update(task_always_eager=False, broker_url=broker_url, task_default_queue=queue)
    fresh_connections()
    try:
        yield app
    finally:
        app.conf.update(saved)
        fresh_connections()


def portal_env(*, database: str, media_root, static_root, **extra: str) -> dict[str, str]:
    """The environment of a portal process (web or worker) run by a test."""
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "REDIS_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        SECRET_KEY="test-only-secret-key",  # the suite's: its sessions are valid
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        DATABASE_URL=database,
        MEDIA_ROOT=str(media_root),
        STATIC_ROOT=str(static_root),
        CELERY_BROKER_URL="",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, code: str | None = None) -> str:
    command = (
        ["manage.py", *args] if code is None else ["-c", "import django\ndjango.setup()\n" + code]
    )
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    if result.returncode:
        raise RuntimeError(result.stderr[-3000:])
    return result.stdout


class Gunicorn:
    """The web process (deploy/gunicorn.conf.py) on a free loopback port."""

    def __init__(self, env: dict[str, str], log_path: Path, *, workers=1, threads=2):
        self.port = free_port()
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "-c",
                "deploy/gunicorn.conf.py",
                "-b",
                f"127.0.0.1:{self.port}",
                "-w",
                str(workers),
                "--threads",
                str(threads),
                "--max-requests",
                "0",
                "portal.wsgi",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        wait_for_port(self.port, process=self.process, seconds=30)

    def get(self, path: str, *, cookie: str = "", timeout: float = 60) -> tuple[int, bytes]:
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def log(self) -> str:
        return Path(self.log_path).read_text(errors="replace")

    def stop(self) -> None:
        stop(self.process, seconds=20)
        self._log.close()


def redis_forget(url: str, prefix: str) -> None:
    """Remove every key under `prefix` (a test's own) from the Redis at `url`."""
    import redis

    client = redis.Redis.from_url(url, socket_timeout=2)
    for key in client.scan_iter(match=f"{prefix}:*", count=1000):
        client.delete(key)
