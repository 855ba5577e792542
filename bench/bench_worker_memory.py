"""DESIGN §7 row 8: resident memory of the process that actually renders
(the render worker, read from /proc/<pid>/status) after 200 renders vs
after 20, cycling through partners with different logos."""

from __future__ import annotations

from pathlib import Path

from assets.rendering import render_html_document
from assets.rendering.html_pdf import POOL
from bench import samples
from bench.common import Result

TEMPLATE = (
    "<style>@page { size: A5; margin: 12mm } h1 { color: {{ partner.primary_color }} }</style>"
    '<img src="{{ partner.logo }}" style="width: 50mm"><h1>{{ partner.name }}</h1>'
    + "<p>"
    + samples.PARAGRAPH * 4
    + "</p>"
    + '<p>{{ partner.phone }} · {{ partner.website }}</p><img src="{{ partner.qr }}">'
)
PARTNERS = 10


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def run() -> list[Result]:
    POOL.shutdown()  # a fresh worker, so the count of renders is exact
    contexts = [samples.context(seed) for seed in range(PARTNERS)]
    after = {}
    pid = None
    for number in range(1, 201):
        render_html_document(template=TEMPLATE, ctx=contexts[number % PARTNERS], filename_stem="m")
        if number == 1:
            [pid] = POOL.pids()
        if number in (20, 200):
            if POOL.pids() != [pid]:
                raise RuntimeError("the render worker was replaced during the benchmark")
            after[number] = rss_kib(pid)
    return [
        Result(
            "render worker RSS after 200 renders vs after 20",
            after[200] / after[20],
            1.10,
            detail=f"{after[20] / 1024:.1f} MiB -> {after[200] / 1024:.1f} MiB, pid {pid}",
        )
    ]
