"""PNG previews of rendered outputs: the first page (or pages) of a PDF,
the picture itself, or the first page of an email laid out like a PDF.

HTML and e-mails are laid out by WeasyPrint in a render worker (sandbox.py)
under the time and page limits, like html_document renders."""

from __future__ import annotations

import base64
import email
import email.policy
import io
import threading

import pypdfium2
from PIL import Image

from assets.rendering.errors import RenderError
from assets.rendering.images import load_base_image
from assets.rendering.output import Output
from assets.rendering.sandbox import RenderLimits, limits_from_settings, run_limited

_PDFIUM_LOCK = threading.Lock()  # pdfium is not thread-safe


def _pdf_pages(data: bytes, max_width: int, max_pages: int) -> list[Image.Image]:
    with _PDFIUM_LOCK:
        document = pypdfium2.PdfDocument(data)
        try:
            images = []
            for index in range(min(len(document), max_pages)):
                page = document[index]
                scale = max_width / page.get_width()
                images.append(page.render(scale=scale).to_pil().convert("RGB"))
            return images
        finally:
            document.close()


def pdf_page_png(data: bytes, page_number: int, *, max_width: int) -> bytes:
    """A PNG ``max_width`` pixels wide of page ``page_number`` (1-based) of a
    PDF, such as a base PDF shown in the layout editor. Raises RenderError
    for a page the PDF does not have or a PDF pdfium cannot read."""
    with _PDFIUM_LOCK:
        try:
            document = pypdfium2.PdfDocument(data)
        except pypdfium2.PdfiumError as exc:
            raise RenderError("The PDF cannot be read.") from exc
        try:
            if not 1 <= page_number <= len(document):
                raise RenderError(f"The PDF has no page {page_number}.")
            page = document[page_number - 1]
            image = page.render(scale=max_width / page.get_width()).to_pil().convert("RGB")
        finally:
            document.close()
    return _png(image)


def picture_png(data: bytes, *, max_width: int) -> bytes:
    """A PNG at most ``max_width`` pixels wide of a picture (PNG, JPEG, WebP).
    Raises ImageRejected for a picture that cannot be used."""
    image = load_base_image(data)
    if image.width > max_width:
        image = image.resize(
            (max_width, max(1, round(image.height * max_width / image.width))),
            Image.Resampling.LANCZOS,
        )
    return _png(image)


def _pdf_first_page(data: bytes, max_width: int) -> Image.Image:
    return _pdf_pages(data, max_width, 1)[0]


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def preview_pngs(output: Output, *, max_pages: int, max_width: int = 900) -> list[bytes]:
    """PNGs of the output's first ``max_pages`` pages: every page of a PDF up
    to that many, else the one picture `preview_png` makes."""
    if max_pages < 1:
        return []
    if output.content_type.split(";")[0].strip() == "application/pdf":
        return [_png(image) for image in _pdf_pages(output.data, max_width, max_pages)]
    return [preview_png(output, max_width=max_width)]


def html_preview_png(html: str, max_pages: int, max_width: int) -> bytes:
    """Lay out an email's HTML (pictures inlined as data: URLs) like a PDF,
    fetching nothing else, within ``max_pages``; a PNG of its first page.
    Runs in a render worker (jobs.py)."""
    from assets.rendering.fetcher import MemoryURLFetcher
    from assets.rendering.html_job import layout_html

    document = layout_html(html, MemoryURLFetcher(), {}, max_pages=max_pages)
    first = document.copy(document.pages[:1]).write_pdf(attachments=[])
    return _png(_pdf_first_page(first, max_width))


def _eml_html(data: bytes) -> str:
    """The message's HTML with its inline pictures (cid: links) as data: URLs,
    since the layout fetches nothing."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    part = message.get_body(preferencelist=("html", "plain"))
    if part is None:
        raise RenderError("The email has no readable part to preview.")
    html = part.get_content()
    for related in message.walk():
        content_id = (related["Content-ID"] or "").strip("<> ")
        if content_id and related.get_content_maintype() == "image":
            encoded = base64.b64encode(related.get_payload(decode=True)).decode()
            data_url = f"data:{related.get_content_type()};base64,{encoded}"
            html = html.replace(f"cid:{content_id}", data_url)
    return html


def preview_png(
    output: Output, *, max_width: int = 900, limits: RenderLimits | None = None
) -> bytes:
    """A PNG at most ``max_width`` pixels wide of the output's first page.
    HTML and e-mails are laid out under ``limits`` (by default the site's)."""
    kind = output.content_type.split(";")[0].strip()
    if kind == "application/pdf":
        image = _pdf_first_page(output.data, max_width)
    elif kind.startswith("image/"):
        return picture_png(output.data, max_width=max_width)
    elif kind in ("text/html", "message/rfc822"):
        html = output.data.decode("utf-8") if kind == "text/html" else _eml_html(output.data)
        job = {"kind": "html_preview", "html": html, "max_width": max_width}
        return run_limited(job, limits or limits_from_settings())["png"]
    else:
        raise RenderError(f"No preview for {kind} files.")
    return _png(image)


def output_page_count(output: Output) -> int:
    """How many page pictures `preview_pngs` can make of the output: every
    page of a PDF, else one."""
    if output.content_type.split(";")[0].strip() != "application/pdf":
        return 1
    with _PDFIUM_LOCK:
        document = pypdfium2.PdfDocument(output.data)
        try:
            return len(document)
        finally:
            document.close()
