"""What /healthz checks: the database, the cache, file storage and the task
queue, each within HEALTH_CHECK_TIMEOUT_SECONDS.

- database: SELECT 1 on the default connection (PostgreSQL connections
  also give up after DB_CONNECT_TIMEOUT);
- cache: a key set, read back and deleted;
- storage: a small file written under healthz/ and deleted again;
- queue: a connection to the broker, or "inline" when tasks run in the
  process (no broker, or CELERY_TASK_ALWAYS_EAGER).

The cache, storage and queue checks run side by side in threads, so a
service that hangs costs the timeout once, not three times."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache, caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection


@dataclass
class Check:
    ok: bool
    ms: float
    detail: str = ""

    def as_dict(self) -> dict:
        answer = {"ok": self.ok, "ms": round(self.ms, 1)}
        if self.detail:
            answer["detail"] = self.detail
        return answer


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def check_cache() -> str:
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the value written was not read back")
    finally:
        cache.delete(key)
    return type(caches["default"]).__name__


def check_storage() -> str:
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    default_storage.delete(name)
    return default_storage.__class__.__name__


def check_queue() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.CELERY_BROKER_URL:
        return "inline"
    from portal.celery import app

    timeout = settings.HEALTH_CHECK_TIMEOUT_SECONDS
    with app.connection_for_write(settings.CELERY_BROKER_URL, connect_timeout=timeout) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)
        return conn.transport.driver_type


def _timed(function) -> Check:
    started = time.perf_counter()
    try:
        detail = function()
    except Exception as error:  # noqa: BLE001 - any failure is the answer
        return Check(False, _ms(started), f"{type(error).__name__}: {error}"[:300])
    return Check(True, _ms(started), detail)


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


BACKGROUND = {"cache": check_cache, "storage": check_storage, "queue": check_queue}


def health_check() -> dict[str, Check]:
    """Every check's result, by name."""
    timeout = settings.HEALTH_CHECK_TIMEOUT_SECONDS
    pool = ThreadPoolExecutor(max_workers=len(BACKGROUND), thread_name_prefix="healthz")
    try:
        futures = {name: pool.submit(_timed, check) for name, check in BACKGROUND.items()}
        results = {"database": _timed(check_database)}
        deadline = time.monotonic() + timeout
        for name, future in futures.items():
            try:
                results[name] = future.result(timeout=max(0.0, deadline - time.monotonic()))
            except FutureTimeout:
                results[name] = Check(False, timeout * 1000, f"no answer within {timeout:g} s")
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return {name: results[name] for name in ("database", *BACKGROUND)}
