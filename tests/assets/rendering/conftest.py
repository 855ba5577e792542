"""Sample inputs for the rendering tests, generated in code (no binary
fixtures): logos of several kinds, a designed base PDF, a base picture."""

from __future__ import annotations

import datetime
import io
import struct
import threading
import zlib
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from assets.rendering import Brand, Logo, RenderContext, normalise_logo


def image_bytes(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def make_logo_png(width: int = 600, height: int = 200) -> bytes:
    """A wide logo with transparent margins around its shapes."""
    image = Image.new("RGBA", (width + 40, height + 40), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 20 + height, 20 + height), fill=(200, 30, 30, 255))
    draw.ellipse((40 + height, 40, 20 + width, 20 + height - 20), fill=(30, 30, 200, 255))
    return image_bytes(image, "PNG")


def png_with_declared_size(width: int, height: int) -> bytes:
    """A tiny file whose header claims a huge picture (decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def make_base_pdf(pages: int = 3, *, blank: bool = False) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    for number in range(1, pages + 1):
        if not blank:
            canvas.setFillColorRGB(0.93, 0.95, 1)
            canvas.rect(0, A4[1] - 200, A4[0], 200, fill=1, stroke=0)
            canvas.setFillColorRGB(0.2, 0.2, 0.2)
            canvas.setFont("Helvetica-Bold", 28)
            canvas.drawString(72, A4[1] - 120, f"Designed page {number}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def image_xobject_ids(data: bytes) -> list[int]:
    """Object numbers of the distinct image XObjects pages paint (soft masks
    are part of their image and not counted)."""
    found: set[int] = set()

    def visit(resources) -> None:
        xobjects = resources.get_object().get("/XObject") if resources else None
        for ref in (xobjects.get_object() if xobjects else {}).values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                found.add(ref.idnum)
            elif obj.get("/Subtype") == "/Form" and "/Resources" in obj:
                visit(obj["/Resources"])

    for page in PdfReader(io.BytesIO(data)).pages:
        visit(page.get("/Resources"))
    return sorted(found)


@pytest.fixture
def spy_server():
    """A local HTTP server that records every request (it must get none)."""
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server API
            hits.append(self.path)
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def logo() -> Logo:
    return Logo.from_png(normalise_logo(make_logo_png()).png)


@pytest.fixture(scope="session")
def dark_logo() -> Logo:
    image = Image.new("RGBA", (340, 340), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((20, 20, 320, 320), fill=(255, 255, 255, 255))
    return Logo.from_png(normalise_logo(image_bytes(image, "PNG")).png)


@pytest.fixture
def brand(logo) -> Brand:
    return Brand(
        name="Acme Resellers",
        slug="acme",
        phone="+44 20 7946 0123",
        email="sales@acme.example",
        website="https://acme.example",
        address_lines=("1 High Street", "Leeds LS1 1AA"),
        tagline="Cloud, done right",
        referral_url="https://acme.example/r/1",
        primary_color="#123456",
        logo=logo,
    )


def context_for(brand: Brand, **fields: str) -> RenderContext:
    return RenderContext(
        brand=brand,
        fields=fields,
        vendor_name="Northwind Cloud",
        today=datetime.date(2026, 3, 14),
    )


@pytest.fixture
def ctx(brand) -> RenderContext:
    return context_for(brand, headline="Spring offer")


@pytest.fixture(scope="session")
def base_pdf() -> bytes:
    return make_base_pdf(3)


@pytest.fixture(scope="session")
def base_jpeg() -> bytes:
    return image_bytes(Image.new("RGB", (1200, 630), (245, 245, 245)), "JPEG", quality=90)
