"""Stamping a designed PDF against a full WeasyPrint render of the same
brochure, and the stamped file's size (README, "Benchmark targets")."""

from __future__ import annotations

import base64
import dataclasses

import weasyprint
from weasyprint.text.fonts import FontConfiguration

from assets.rendering import pdf_images, stamp_pdf
from bench import samples
from bench.common import Result, assert_same_pictures, median_times


def run() -> list[Result]:
    ctx = samples.context()
    # The portal encodes a logo for PDF once, when it is uploaded, and hands
    # that encoding to every render with the logo (brand_logo_store).
    logo = dataclasses.replace(
        ctx.brand.logo, pdf_image=pdf_images.encode_image_packed(ctx.brand.logo.data)
    )
    ctx = dataclasses.replace(ctx, brand=dataclasses.replace(ctx.brand, logo=logo))
    base = samples.designed_pdf()
    logo_uri = "data:image/png;base64," + base64.b64encode(ctx.brand.logo.data).decode()
    html = samples.brochure_html(logo_src=logo_uri, name=ctx.brand.name, phone=ctx.brand.phone)
    font_config = FontConfiguration()  # one for every render: Pango set-up is not the point

    def stamp():
        return stamp_pdf(base_pdf=base, zones=samples.STAMP_ZONES, ctx=ctx, filename_stem="b")

    def stamp_new_logo():
        # A worker's first render with a logo: nothing of it is kept in this
        # process, so the stamp relies on the encoding made at upload.
        # WeasyPrint decodes the logo on every call.
        pdf_images._encode_cached.cache_clear()
        output = stamp()
        if pdf_images._encode_cached.cache_info().currsize:
            raise AssertionError("the first stamp encoded the logo again")
        return output

    def full_render():
        return weasyprint.HTML(string=html).write_pdf(font_config=font_config)

    # Warm both (font caches, imports), and check they make the same brochure.
    assert_same_pictures(stamp().data, full_render())
    times = median_times(
        {"stamp": stamp, "first stamp": stamp_new_logo, "weasyprint": full_render}, repeat=5
    )
    stamped = stamp().data
    expected = len(base) + len(ctx.brand.logo.data)
    return [
        Result(
            "pdf_layout stamping vs full WeasyPrint render",
            times["stamp"] / times["weasyprint"],
            0.10,
            detail=f"stamp {times['stamp'] * 1000:.1f} ms, "
            f"WeasyPrint {times['weasyprint'] * 1000:.1f} ms, {samples.PAGES} pages, "
            "logo encoding made at upload",
        ),
        Result(
            "pdf_layout first stamp with a new logo vs full WeasyPrint render",
            times["first stamp"] / times["weasyprint"],
            0.10,
            detail=f"stamp {times['first stamp'] * 1000:.1f} ms, nothing kept in the worker",
        ),
        Result(
            "stamped PDF size vs base PDF + logo PNG",
            len(stamped) / expected,
            1.10,
            detail=f"stamped {len(stamped)} B, base {len(base)} B + logo "
            f"{len(ctx.brand.logo.data)} B, logo on all {samples.PAGES} pages",
        ),
    ]
