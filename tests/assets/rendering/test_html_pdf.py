import base64
import io
import os
import tempfile

import pytest
from PIL import Image
from pypdf import PdfReader

from assets.rendering import (
    Brand,
    MissingBrandDetails,
    RenderError,
    RenderLimitExceeded,
    RenderLimits,
    TemplateRejected,
    html_document_variables,
    render_html_document,
)
from assets.rendering.fetcher import MemoryURLFetcher, ResourceRefused
from assets.rendering.fonts import font_path
from assets.rendering.html_pdf import POOL
from tests.assets.rendering.conftest import context_for, image_bytes, image_xobject_ids, pdf_text

PAGE = "<style>@page { size: A5; margin: 1cm }</style>"


def render(template, ctx, **kwargs):
    return render_html_document(template=PAGE + template, ctx=ctx, filename_stem="doc", **kwargs)


@pytest.fixture
def secret_files(tmp_path):
    css = tmp_path / "leak.css"
    css.write_text('body::before { content: "LEAKEDCSS" }')
    png = tmp_path / "leak.png"
    png.write_bytes(image_bytes(Image.new("RGB", (40, 40), "red"), "PNG"))
    return css.as_uri(), png.as_uri()


def test_renders_partner_details_logo_and_qr(ctx):
    output = render(
        "<h1>{{ partner.name }}</h1><p>{{ partner.phone }} · {{ field.headline }}</p>"
        '<img src="{{ partner.logo }}" style="width:4cm"><img src="{{ partner.qr }}">'
        '<img src="{{ partner.logo }}" style="width:2cm">',
        ctx,
    )
    assert output.filename == "doc.pdf"
    text = pdf_text(output.data)
    assert "Acme Resellers" in text and "+44 20 7946 0123" in text and "Spring offer" in text
    assert len(image_xobject_ids(output.data)) == 2  # logo (once) and QR


def test_caller_resources_are_served_relative_to_the_base(ctx):
    css = b'h1 { color: red } h1::after { content: " FROMCSS" }'
    output = render(
        '<link rel="stylesheet" href="static/doc.css"><h1>Title</h1>',
        ctx,
        resources={"static/doc.css": (css, "text/css")},
    )
    assert "FROMCSS" in pdf_text(output.data)


def test_files_and_network_are_never_loaded(ctx, spy_server, secret_files):
    server, hits = spy_server
    css_uri, png_uri = secret_files
    template = (
        f'<link rel="stylesheet" href="{css_uri}">'
        f'<link rel="stylesheet" href="{server}/style.css">'
        f"<style>@import url({css_uri}); @import url('{server}/import.css');"
        f"body {{ background: url({png_uri}) }} p {{ background: url({server}/bg.png) }}</style>"
        f'<img src="{png_uri}"><img src="file:///etc/passwd"><img src="{server}/x.png">'
        '<img src="http://127.0.0.1:1/x.png"><img src="https://cobrand.invalid/../../etc/passwd">'
        '<img src="ftp://127.0.0.1/x.png"><p>{{ partner.name }}</p>'
    )
    output = render(template, ctx)
    text = pdf_text(output.data)
    assert "Acme Resellers" in text and "LEAKEDCSS" not in text and "root:" not in text
    assert image_xobject_ids(output.data) == []
    assert hits == []


def test_fetcher_refuses_everything_but_its_resources():
    fetcher = MemoryURLFetcher({"partner/logo.png": (b"png", "image/png")})
    response = fetcher.fetch("https://cobrand.invalid/partner/logo.png")
    assert response.read() == b"png" and response.content_type == "image/png"
    for url in [
        "file:///etc/passwd",
        "http://127.0.0.1:1/x.png",
        "https://example.com/a.png",
        "https://cobrand.invalid/partner/../../etc/passwd",
        "https://user@cobrand.invalid/partner/logo.png",
        "https://cobrand.invalid.example.com/partner/logo.png",
        "data:text/css,body{}",
        "data:image/png;base64,bm90IGEgcG5n",
    ]:
        with pytest.raises(ResourceRefused):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 8


def test_data_urls_only_for_real_pictures(ctx):
    png = base64.b64encode(image_bytes(Image.new("RGB", (30, 30), "blue"), "PNG")).decode()
    css = base64.b64encode(b'body::before { content: "DATACSS" }').decode()
    output = render(
        f'<img src="data:image/png;base64,{png}">'
        f'<link rel="stylesheet" href="data:text/css;base64,{css}"><p>x</p>',
        ctx,
    )
    assert len(image_xobject_ids(output.data)) == 1
    assert "DATACSS" not in pdf_text(output.data)


def test_attachments_are_never_embedded(ctx, secret_files):
    css_uri, _ = secret_files
    output = render(
        f'<link rel="attachment" href="{css_uri}">'
        '<link rel="attachment" href="{{ partner.logo }}">'
        '<a rel="attachment" href="{{ partner.logo }}">logo</a>'
        f'<a rel="attachment" href="{css_uri}">file</a><p>x</p>',
        ctx,
    )
    reader = PdfReader(io.BytesIO(output.data))
    assert dict(reader.attachments) == {}
    assert b"/EmbeddedFile" not in output.data and b"/FileAttachment" not in output.data


@pytest.mark.parametrize(
    "tag",
    ["{% load static %}", "{% include 'base.html' %}", "{% debug %}", "{% extends 'base.html' %}"],
)
def test_template_tags_reaching_outside_are_refused(ctx, tag):
    with pytest.raises(TemplateRejected, match=tag.split()[1]):
        render(tag, ctx)


def test_hostile_partner_values_are_inert(brand):
    hostile = Brand(
        **{
            **brand.__dict__,
            "name": "<script>alert(1)</script> {{ x }} {% y %}",
            "primary_color": "red;}</style><script>",
        }
    )
    ctx = context_for(hostile, headline='</style><h1>INJECTED</h1>"; color: red')
    output = render(
        "<style>h1 { color: {{ partner.primary_color }} } p { content: '{{ field.headline }}' }"
        "</style><h1>{{ partner.name }}</h1><p>{{ field.headline }}</p>",
        ctx,
    )
    text = " ".join(pdf_text(output.data).split())
    assert "<script>alert(1)</script> {{ x }} {% y %}" in text
    assert '</style><h1>INJECTED</h1>"; color: red' in text


def test_missing_brand_details_stop_the_render(brand):
    bare = Brand(name="Bare", slug="bare")
    assert html_document_variables("{{ partner.phone }}{{ partner.logo }}") == {
        "partner.phone",
        "partner.logo",
    }
    with pytest.raises(MissingBrandDetails, match="phone number and logo"):
        render("{{ partner.phone }}<img src='{{ partner.logo }}'>", context_for(bare))


def new_temp_entries(before: set[str]) -> set[str]:
    return {n for n in os.listdir(tempfile.gettempdir()) if not n.startswith("pytest")} - before


def test_page_limit(ctx):
    POOL.shutdown()  # a fresh worker, not one about to be retired
    render("<p>warm up</p>", ctx)  # starts the forkserver (its socket folder stays)
    before = set(os.listdir(tempfile.gettempdir()))
    with pytest.raises(RenderLimitExceeded, match="limit is 5"):
        render(
            "<p>Paragraph {{ partner.name }}</p>" * 2000,
            ctx,
            limits=RenderLimits(max_pages=5, timeout_seconds=60),
        )
    ours = {n for n in new_temp_entries(before) if n.startswith(("weasyprint-", "cobrand-"))}
    assert ours == set()


def test_time_limit_kills_the_worker_and_leaves_nothing(ctx):
    POOL.shutdown()
    render("<p>warm up</p>", ctx)  # one warm worker, so the limit hits the layout itself
    [worker] = POOL._idle
    pid, worker_temp = worker.pid, worker.temp_dir
    before = set(os.listdir(tempfile.gettempdir()))
    font = (font_path("sans").read_bytes(), "font/ttf")  # @font-face fonts go to temp files
    with pytest.raises(RenderLimitExceeded, match="longer than 0.05 seconds"):
        render(
            "<style>@font-face { font-family: Brand; src: url(static/brand.ttf) } "
            "td { font-family: Brand }</style><table>"
            + "<tr><td>cell</td><td>{{ partner.name }}</td></tr>" * 3000
            + "</table>",
            ctx,
            limits=RenderLimits(timeout_seconds=0.05),
            resources={"static/brand.ttf": font},
        )
    assert pid not in POOL.pids()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # killed and reaped: not even a zombie
    assert not os.path.exists(worker_temp)
    ours = {n for n in new_temp_entries(before) if n.startswith(("weasyprint-", "cobrand-"))}
    assert ours == set()
    assert "Acme" in pdf_text(render("<p>{{ partner.name }}</p>", ctx).data)  # replaced


def font_names(data: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_font_face_documents_get_their_own_fonts(ctx):
    font = (font_path("serif").read_bytes(), "font/ttf")
    styled = render(
        "<style>@font-face { font-family: Brand; src: url(static/brand.ttf) } "
        "p { font-family: Brand }</style><p>{{ partner.name }}</p>",
        ctx,
        resources={"static/brand.ttf": font},
    )
    assert any(name.endswith("+Brand") for name in font_names(styled.data))
    # A later document in the same worker does not see that font face.
    plain = render("<p style='font-family: Brand'>{{ partner.name }}</p>", ctx)
    assert not any(name.endswith("+Brand") for name in font_names(plain.data))


def test_in_process_mode_without_time_limit(ctx):
    output = render("<p>{{ partner.name }}</p>", ctx, limits=RenderLimits(timeout_seconds=None))
    assert "Acme Resellers" in pdf_text(output.data)


def test_a_worker_that_died_before_the_job_is_sent_gives_a_render_error(ctx):
    POOL.shutdown()
    render("<p>warm up</p>", ctx)
    [worker] = POOL._idle
    worker.process.kill()  # dies between the pool's alive() check and the send
    worker.process.join(timeout=5)
    job = {"template": "<p>x</p>", "context": {}, "resources": {}, "max_pages": 1}
    with pytest.raises(RenderError, match="stopped unexpectedly"):
        worker.call(job, timeout=5)
    assert worker.stopped and not os.path.exists(worker.temp_dir)
    assert "Acme" in pdf_text(render("<p>{{ partner.name }}</p>", ctx).data)  # replaced
