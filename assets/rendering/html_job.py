"""The HTML-to-PDF job itself: template, then WeasyPrint with the memory
fetcher, then the page limit. Runs inside a render worker (worker.py); the
forkserver imports this module up front so workers start warm."""

from __future__ import annotations

import contextvars
import os
import resource
import tempfile
import threading
from functools import cache

import weasyprint
import weasyprint.layout
from django.conf import settings
from weasyprint.text.fonts import FontConfiguration

from assets.rendering.errors import RenderLimitExceeded
from assets.rendering.fetcher import MemoryURLFetcher
from assets.rendering.sandbox import MEMORY_LIMIT
from assets.rendering.templating import render_template_with
from assets.rendering.variables import RESOURCE_BASE


def configure_worker(values: dict, temp_dir: str | None) -> None:
    """Give the child the few settings template filters read (dates, time
    zone), without importing the site's settings module, its own temp
    folder (WeasyPrint stores @font-face fonts there), which the parent
    deletes when it stops the worker, even after a kill, and its memory
    limit: past it an allocation fails in the child (MemoryError, or the
    child dies), never in the web process."""
    values = dict(values)
    memory = values.pop(MEMORY_LIMIT, None)
    if not settings.configured:
        settings.configure(USE_I18N=False, **values)
    if temp_dir:
        os.environ["TMPDIR"] = temp_dir
        tempfile.tempdir = temp_dir
    if memory:
        resource.setrlimit(resource.RLIMIT_AS, (int(memory), int(memory)))


_PAGE_LIMIT: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "layout_page_limit", default=None
)
_make_all_pages = weasyprint.layout.make_all_pages


def _limited_pages(context, root_box, html, pages):
    """WeasyPrint's page maker, stopping as soon as the layout passes the
    page limit instead of laying out every page first."""
    limit = _PAGE_LIMIT.get()
    for count, page in enumerate(_make_all_pages(context, root_box, html, pages), start=1):
        if limit is not None and count > limit:
            raise RenderLimitExceeded(
                f"This document would have more than {limit} pages; the limit is {limit}."
            )
        yield page


weasyprint.layout.make_all_pages = _limited_pages


_SHARED_LOCK = threading.Lock()


@cache
def _shared_font_config() -> FontConfiguration:
    """One font configuration per process: WeasyPrint's Pango font map is
    not released with its FontConfiguration, so a fresh one per render makes
    a long-lived worker grow by a fraction of a MB each time."""
    return FontConfiguration()


def _font_config(html: str, resources: dict, stylesheet: str = "") -> FontConfiguration:
    """The shared configuration, unless the document declares its own fonts:
    @font-face fonts are added to the configuration, and must not stay
    visible to later documents rendered by the same worker."""
    declares = "@font-face" in (html + stylesheet).lower() or any(
        b"@font-face" in body.lower()
        for body, content_type in resources.values()
        if "css" in content_type
    )
    return FontConfiguration() if declares else _shared_font_config()


def layout_html(
    html: str,
    fetcher: MemoryURLFetcher,
    resources: dict,
    stylesheet: str = "",
    *,
    max_pages: int | None = None,
):
    """Lay out ``html`` with WeasyPrint through ``fetcher``, with
    ``stylesheet`` (parsed through the same fetcher, relative to the same
    base) as a user stylesheet, stopping with RenderLimitExceeded as soon as
    it passes ``max_pages``. The shared font configuration is used by one
    render at a time (Pango is not thread-safe; workers are single-threaded,
    but in-process callers may not be)."""
    font_config = _font_config(html, resources, stylesheet)
    html_document = weasyprint.HTML(string=html, base_url=RESOURCE_BASE, url_fetcher=fetcher)

    def render():
        sheets = []
        if stylesheet.strip():
            sheets.append(
                weasyprint.CSS(
                    string=stylesheet,
                    base_url=RESOURCE_BASE,
                    url_fetcher=fetcher,
                    font_config=font_config,
                )
            )
        token = _PAGE_LIMIT.set(max_pages)
        try:
            return html_document.render(font_config=font_config, stylesheets=sheets)
        finally:
            _PAGE_LIMIT.reset(token)

    if font_config is not _shared_font_config():
        return render()
    with _SHARED_LOCK:
        return render()


def render_pdf(
    *,
    template: str,
    context: dict,
    resources: dict,
    max_pages: int,
    stylesheet: str = "",
    max_output: int | None = None,
) -> bytes:
    """Render the template and lay it out; returns the PDF.
    Attachments (<link rel="attachment">, <a rel="attachment">) are dropped."""
    html = render_template_with(template, context, max_output=max_output)
    fetcher = MemoryURLFetcher(resources)
    document = layout_html(html, fetcher, resources, stylesheet, max_pages=max_pages)
    document.metadata.attachments = []
    for page in document.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]
    return document.write_pdf(attachments=[])


def run_job(job: dict) -> dict:
    pdf = render_pdf(
        template=job["template"],
        context=job["context"],
        resources=job["resources"],
        max_pages=job["max_pages"],
        stylesheet=job.get("stylesheet", ""),
        max_output=job.get("max_output"),
    )
    return {"pdf": pdf}
