"""Pictures and PDFs for the demo, drawn by code so nothing is downloaded.

Output is deterministic (same bytes on every run) so that loading the demo
twice makes no new asset versions."""

import io
import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

FONTS = Path(__file__).resolve().parent.parent.parent / "assets" / "rendering" / "fonts"


def _font(size: int, bold: bool = True) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(
        str(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size
    )


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def logo_png(name: str, mark: str, colour: str, *, light: bool = False) -> bytes:
    """A wide logo: a geometric mark and the name, on transparency."""
    ink = "#ffffff" if light else "#1d2433"
    image = Image.new("RGBA", (900, 260), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    box = (20, 30, 220, 230)
    if mark == "circle":
        draw.ellipse(box, fill=colour)
        draw.ellipse((80, 90, 160, 170), fill=(0, 0, 0, 0))
    elif mark == "triangle":
        draw.polygon([(120, 30), (220, 230), (20, 230)], fill=colour)
    elif mark == "waves":
        for i in range(3):
            points = [(20 + x, 80 + i * 55 + 22 * math.sin(x / 32)) for x in range(0, 201, 4)]
            draw.line(points, fill=colour, width=26, joint="curve")
    else:  # star
        points = []
        for k in range(10):
            radius = 100 if k % 2 == 0 else 42
            angle = math.pi / 2 + k * math.pi / 5
            points.append((120 + radius * math.cos(angle), 130 - radius * math.sin(angle)))
        draw.polygon(points, fill=colour)
    draw.text((250, 130), name, font=_font(86), fill=ink, anchor="lm")
    return _png(image)


def cover_png(title: str, colour: str, accent: str) -> bytes:
    image = Image.new("RGB", (1280, 720), colour)
    draw = ImageDraw.Draw(image)
    for i in range(6):
        draw.ellipse(
            (900 + i * 40, -200 + i * 90, 1500 + i * 40, 400 + i * 90), outline=accent, width=6
        )
    draw.rectangle((80, 520, 400, 532), fill=accent)
    draw.text((80, 440), title, font=_font(72), fill="white", anchor="ls")
    return _png(image)


def social_card_base_png() -> bytes:
    """A 1200 x 630 social card with an empty band for the partner's details."""
    image = Image.new("RGB", (1200, 630), "#0f2a4a")
    draw = ImageDraw.Draw(image)
    for i in range(12):
        draw.line((700 + i * 45, 0, 1200, 500 - i * 45), fill="#1c4a7a", width=3)
    draw.text((60, 90), "Cloud backup", font=_font(64), fill="white")
    draw.text((60, 170), "that simply works.", font=_font(64), fill="#7cc4ff")
    draw.text(
        (60, 270), "Northwind Cloud · Spring launch", font=_font(30, bold=False), fill="#c9d6e8"
    )
    draw.rectangle((0, 430, 1200, 630), fill="white")
    return _png(image)


def _pdf(draw_pages, pages: int = 1) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    for number in range(1, pages + 1):
        draw_pages(pdf, number)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def flyer_pdf() -> bytes:
    """A two-page A4 flyer with white space top-right and a footer band for partner details."""
    width, height = A4

    def page(pdf, number):
        pdf.setFillColorRGB(0.06, 0.16, 0.29)
        pdf.rect(0, height - 95 * mm, width, 95 * mm, stroke=0, fill=1)
        pdf.setFillColorRGB(1, 1, 1)
        pdf.rect(130 * mm, height - 40 * mm, 72 * mm, 32 * mm, stroke=0, fill=1)
        pdf.setFont("Helvetica-Bold", 30)
        pdf.drawString(
            18 * mm,
            height - 60 * mm,
            "Northwind Cloud Backup" if number == 1 else "Why teams switch",
        )
        pdf.setFont("Helvetica", 14)
        pdf.drawString(
            18 * mm, height - 72 * mm, "Spring launch 2026 · protect every laptop in minutes"
        )
        pdf.setFillColorRGB(0.1, 0.1, 0.1)
        pdf.setFont("Helvetica", 12)
        lines = [
            "Automatic, encrypted backups of every device.",
            "Restore a file, a folder or a whole laptop from the browser.",
            "Ransomware protection with 90 days of history.",
            "Set up in ten minutes; no hardware to buy.",
        ]
        for i, line in enumerate(lines):
            pdf.drawString(22 * mm, height - (115 + i * 12) * mm, "•  " + line)
        pdf.setFillColorRGB(0.94, 0.95, 0.97)
        pdf.rect(0, 0, width, 55 * mm, stroke=0, fill=1)
        pdf.setFillColorRGB(0.4, 0.4, 0.45)
        pdf.setFont("Helvetica", 8)
        pdf.drawString(18 * mm, 6 * mm, f"Northwind Cloud · page {number} of 2")

    return _pdf(page, pages=2)


def datasheet_pdf() -> bytes:
    width, height = A4

    def page(pdf, number):
        pdf.setFont("Helvetica-Bold", 22)
        pdf.drawString(20 * mm, height - 30 * mm, "Northwind Backup: technical data sheet")
        pdf.setFont("Helvetica", 11)
        rows = [
            ("Encryption", "AES-256 at rest, TLS 1.3 in transit"),
            ("Retention", "90 days, configurable"),
            ("Platforms", "Windows, macOS, Linux"),
            ("Data centres", "EU, US, APAC"),
            ("Certifications", "ISO 27001, SOC 2 Type II"),
        ]
        for i, (k, v) in enumerate(rows):
            pdf.drawString(20 * mm, height - (50 + i * 9) * mm, k)
            pdf.drawString(70 * mm, height - (50 + i * 9) * mm, v)

    return _pdf(page)


def slides_pdf(title: str) -> bytes:
    width, height = A4

    def page(pdf, number):
        pdf.setFont("Helvetica-Bold", 24)
        pdf.drawString(20 * mm, height - 40 * mm, f"{title} ({number}/3)")
        pdf.setFont("Helvetica", 13)
        pdf.drawString(20 * mm, height - 55 * mm, "Talking points for partner sales teams.")

    return _pdf(page, pages=3)


def thumbnail_png(source: bytes | None, label: str, colour: str) -> bytes:
    """A 640 x 360 library thumbnail: the first page or picture of `source`
    when given (PDF or image), else a tile with the asset kind's name."""
    canvas_image = Image.new("RGB", (640, 360), "#eef1f5")
    picture = None
    if source and source.startswith(b"%PDF"):
        import pypdfium2

        document = pypdfium2.PdfDocument(source)
        try:
            picture = document[0].render(scale=0.8).to_pil().convert("RGB")
        finally:
            document.close()
    elif source:
        picture = Image.open(io.BytesIO(source)).convert("RGB")
    if picture is not None:
        picture.thumbnail((600, 330))
        canvas_image.paste(picture, ((640 - picture.width) // 2, (360 - picture.height) // 2))
    else:
        draw = ImageDraw.Draw(canvas_image)
        draw.rectangle((0, 0, 640, 360), fill=colour)
        draw.text((320, 180), label, font=_font(40), fill="white", anchor="mm")
    return _png(canvas_image)
