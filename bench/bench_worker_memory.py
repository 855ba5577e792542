"""Resident memory of the process that actually renders (the render
worker, read from /proc/<pid>/status) after 200 renders vs after 20, each
render for a partner (name, logo, QR code) not seen before."""

from __future__ import annotations

from pathlib import Path

from assets.rendering import POOL, render_html_document
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
RENDERS = 200
FIRST_READING = 20


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def run() -> list[Result]:
    # A new partner for every render: a cache that grows with its inputs keeps
    # growing up to the last reading instead of filling up before the first.
    # Drawn before the worker starts, so only rendering is measured.
    contexts = [samples.context(seed) for seed in range(RENDERS)]
    POOL.shutdown()  # a fresh worker, so the count of renders is exact
    after = {}
    pid = None
    for number, ctx in enumerate(contexts, start=1):
        render_html_document(template=TEMPLATE, ctx=ctx, filename_stem="m")
        if number == 1:
            [pid] = POOL.pids()
        if number in (FIRST_READING, RENDERS):
            if POOL.pids() != [pid]:
                raise RuntimeError("the render worker was replaced during the benchmark")
            after[number] = rss_kib(pid)
    return [
        Result(
            f"render worker RSS after {RENDERS} renders vs after {FIRST_READING}",
            after[RENDERS] / after[FIRST_READING],
            1.10,
            detail=f"{after[FIRST_READING] / 1024:.1f} MiB -> {after[RENDERS] / 1024:.1f} MiB, "
            f"{len({ctx.brand.logo.data for ctx in contexts})} different logos, pid {pid}",
        )
    ]
