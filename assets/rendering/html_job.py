"""The HTML-to-PDF job itself: template, then WeasyPrint with the memory
fetcher, then the page limit. Runs inside a render worker (worker.py); the
forkserver imports this module up front so workers start warm."""

from __future__ import annotations

import weasyprint
from django.conf import settings

from assets.rendering.errors import RenderLimitExceeded
from assets.rendering.fetcher import MemoryURLFetcher
from assets.rendering.templating import render_template_with
from assets.rendering.variables import RESOURCE_BASE


def configure_django(values: dict) -> None:
    """Give the child the few settings template filters read (dates, time
    zone), without importing the site's settings module."""
    if not settings.configured:
        settings.configure(USE_I18N=False, **values)


def render_pdf(
    *, template: str, context: dict, resources: dict, max_pages: int
) -> tuple[bytes, int, list[str]]:
    """Render the template and lay it out; returns (pdf, pages, refused URLs).
    Attachments (<link rel="attachment">, <a rel="attachment">) are dropped."""
    html = render_template_with(template, context)
    fetcher = MemoryURLFetcher(resources)
    document = weasyprint.HTML(string=html, base_url=RESOURCE_BASE, url_fetcher=fetcher).render()
    pages = len(document.pages)
    if pages > max_pages:
        raise RenderLimitExceeded(
            f"This document would have {pages} pages; the limit is {max_pages}."
        )
    document.metadata.attachments = []
    for page in document.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]
    return document.write_pdf(attachments=[]), pages, fetcher.refused


def run_job(job: dict) -> dict:
    pdf, pages, refused = render_pdf(
        template=job["template"],
        context=job["context"],
        resources=job["resources"],
        max_pages=job["max_pages"],
    )
    return {"pdf": pdf, "pages": pages, "refused": refused}
