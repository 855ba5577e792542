"""gunicorn settings for the web process (docs/deploy.md):

    gunicorn -c deploy/gunicorn.conf.py portal.wsgi

Everything can be changed by environment variables; gunicorn's own
command-line options override this file."""

import multiprocessing
import os
from pathlib import Path


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{_int('PORT', 8000)}")
# Worker processes: WEB_CONCURRENCY, else two per core plus one. More than
# one needs REDIS_URL (the cache, sessions and locks must be shared).
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
# Threads per worker: with more than one, gunicorn uses the gthread worker.
threads = _int("GUNICORN_THREADS", 1)
# A request may take this long before its worker is replaced: a cold render
# waits up to RENDER_TIMEOUT_SECONDS, so keep this above it.
timeout = _int("GUNICORN_TIMEOUT", 120)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Each worker is replaced after about this many requests (jitter staggers
# the restarts), so slow leaks in libraries cannot grow for ever. 0: never.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)
# Heartbeat files in memory, not on a disk that may stall (containers).
SHM = "/dev/shm"  # noqa: S108 - gunicorn's recommended heartbeat folder, not temp data
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or (SHM if Path(SHM).is_dir() else None)
# The proxy in front may set X-Forwarded-* (comma-separated addresses, "*" for any).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Access log to stdout; the request id is the one the portal echoes
# (RequestIdMiddleware), so access lines and application lines match up.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
if os.environ.get("LOG_FORMAT", "plain").lower() == "json":
    access_log_format = (
        '{"time": "%(t)s", "logger": "gunicorn.access", "remote": "%(h)s", '
        '"method": "%(m)s", "path": "%(U)s", "query": "%(q)s", "status": %(s)s, '
        '"bytes": "%(B)s", "duration_ms": %(M)s, "request_id": "%({x-request-id}o)s", '
        '"user_agent": "%(a)s"}'
    )
else:
    access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s "%(a)s"'
