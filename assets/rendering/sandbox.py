"""Running a render job within limits: in a render worker (worker.py) that
is killed past the time limit and has a memory limit of its own, so that
nothing an admin-authored template does can stall or bloat the web process.

A job is a plain dict naming its ``kind`` (jobs.py lists them); the reply
is a plain dict, or the RenderError the job raised, rebuilt here with its
message. The limits (time, pages, output size, worker memory) come from the
caller, by default from the site's settings (``RENDER_*``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from assets.rendering import errors
from assets.rendering.errors import MissingBrandDetails, RenderError
from assets.rendering.templating import DEFAULT_MAX_OUTPUT
from assets.rendering.worker import WorkerPool

#: A worker's address-space limit unless settings say otherwise.
DEFAULT_WORKER_MEMORY_MB = 1024
#: Where the memory limit travels to the worker (html_job.configure_worker).
MEMORY_LIMIT = "memory_limit_bytes"


@dataclass(frozen=True)
class RenderLimits:
    """``timeout_seconds`` None renders in the calling process with no time
    limit (scripts, debugging); the page and output-size limits always
    apply. ``max_output_bytes`` caps the text a template may produce."""

    max_pages: int = 50
    timeout_seconds: float | None = 30.0
    max_output_bytes: int = DEFAULT_MAX_OUTPUT


DEFAULT_LIMITS = RenderLimits()


def limits_from_settings() -> RenderLimits:
    """The site's limits (RENDER_TIMEOUT_SECONDS, RENDER_MAX_PAGES,
    RENDER_MAX_OUTPUT_BYTES), or the defaults outside a configured site."""
    if not settings.configured:
        return DEFAULT_LIMITS
    return RenderLimits(
        max_pages=getattr(settings, "RENDER_MAX_PAGES", DEFAULT_LIMITS.max_pages),
        timeout_seconds=getattr(settings, "RENDER_TIMEOUT_SECONDS", DEFAULT_LIMITS.timeout_seconds),
        max_output_bytes=getattr(settings, "RENDER_MAX_OUTPUT_BYTES", DEFAULT_MAX_OUTPUT),
    )


def _worker_settings() -> dict:
    values: dict = {}
    if settings.configured:
        values = {"USE_TZ": settings.USE_TZ, "TIME_ZONE": settings.TIME_ZONE}
    megabytes = (
        getattr(settings, "RENDER_WORKER_MEMORY_MB", DEFAULT_WORKER_MEMORY_MB)
        if settings.configured
        else DEFAULT_WORKER_MEMORY_MB
    )
    if megabytes:
        values[MEMORY_LIMIT] = int(megabytes) * 1024 * 1024
    return values


#: The render workers of this process.
POOL = WorkerPool(_worker_settings)


def raise_from_worker(kind: str, message: str) -> None:
    """Raise the RenderError a worker reported (by class name)."""
    cls = getattr(errors, kind, RenderError)
    if not (isinstance(cls, type) and issubclass(cls, RenderError)) or cls in (
        errors.LayoutRejected,
        MissingBrandDetails,
    ):
        cls = RenderError
    raise cls(message)


def run_limited(job: dict, limits: RenderLimits, *, pool: WorkerPool | None = None) -> dict:
    """Run ``job`` under ``limits`` and return its result. Raises the
    job's RenderError, or RenderLimitExceeded when it overran its time or
    memory (the worker is then replaced)."""
    job = {**job, "max_pages": limits.max_pages, "max_output": limits.max_output_bytes}
    if limits.timeout_seconds is None:
        # Only this path renders in-process; web processes that render in
        # workers never import WeasyPrint (jobs.py) themselves.
        from assets.rendering.jobs import run_job

        return run_job(job)
    reply = (pool or POOL).run(job, timeout=limits.timeout_seconds)
    if reply[0] != "ok":
        raise_from_worker(reply[1], reply[2])
    return reply[1]


def render_template_limited(template: str, context: dict, limits: RenderLimits) -> str:
    """An asset template rendered with a plain context in a worker, under
    ``limits``. Raises TemplateRejected (with the line and the filter's
    problem) or RenderLimitExceeded."""
    return run_limited({"kind": "template", "template": template, "context": context}, limits)[
        "text"
    ]
