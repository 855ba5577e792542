"""The portal's html_document render (locked-down template engine,
memory-only fetcher, time-limited worker process) against raw WeasyPrint
on the same HTML (README, "Benchmark targets")."""

from __future__ import annotations

import base64

import weasyprint
from weasyprint.text.fonts import FontConfiguration

from assets.rendering import render_html_document, render_template_with, template_context
from bench import samples
from bench.common import Result, assert_same_pictures, median_times

TEMPLATE = samples.brochure_html(
    logo_src="{{ partner.logo }}", name="{{ partner.name }}", phone="{{ partner.phone }}"
)


def run() -> list[Result]:
    ctx = samples.context()
    # Raw WeasyPrint gets the very HTML the portal lays out, the logo inlined.
    logo_uri = "data:image/png;base64," + base64.b64encode(ctx.brand.logo.data).decode()
    context = template_context(ctx)
    context["partner"]["logo"] = logo_uri
    html = render_template_with(TEMPLATE, context)
    # One font configuration for every raw render, as the portal's worker keeps
    # one: a fresh one per call would make the baseline pay Pango set-up.
    font_config = FontConfiguration()

    def portal():
        return render_html_document(template=TEMPLATE, ctx=ctx, filename_stem="b")

    def raw():
        return weasyprint.HTML(string=html).write_pdf(font_config=font_config)

    pictures = assert_same_pictures(portal().data, raw())
    times = median_times({"portal": portal, "raw": raw}, repeat=11)
    return [
        Result(
            "html_document portal render vs raw WeasyPrint",
            times["portal"] / times["raw"],
            1.10,
            detail=f"portal {times['portal'] * 1000:.1f} ms, raw {times['raw'] * 1000:.1f} ms, "
            f"{len(pictures)} pages, {sum(pictures)} pictures on each side",
        )
    ]
