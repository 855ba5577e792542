"""The jobs a render worker runs (worker.py), by ``kind``. The forkserver
imports this module, and through it WeasyPrint, the template engine and
css_inline, so workers start warm. Each job gets ``max_pages`` and
``max_output`` from sandbox.run_limited.

- ``pdf`` (the default): an html_document template laid out to a PDF;
- ``template``: an asset template rendered with a plain context, as text;
- ``email``: an e-mail's HTML (CSS inlined) and its text part;
- ``html_preview``: a PNG of the first page of an HTML page laid out like a PDF.
"""

from __future__ import annotations

from assets.rendering import email, html_job, previews
from assets.rendering.templating import render_template_with


def _template(job: dict) -> dict:
    text = render_template_with(job["template"], job["context"], max_output=job["max_output"])
    return {"text": str(text)}


def _email(job: dict) -> dict:
    return email.email_body(
        template=job["template"],
        context=job["context"],
        stylesheet=job["stylesheet"],
        max_output=job["max_output"],
    )


def _html_preview(job: dict) -> dict:
    return {"png": previews.html_preview_png(job["html"], job["max_pages"], job["max_width"])}


_JOBS = {
    "pdf": html_job.run_job,
    "template": _template,
    "email": _email,
    "html_preview": _html_preview,
}


def run_job(job: dict) -> dict:
    return _JOBS[job.get("kind", "pdf")](job)
