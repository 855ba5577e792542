"""Run the benchmarks (README, "Benchmark targets") and exit non-zero on any miss.

    python bench/run.py                  # all of them
    python bench/run.py bench_pdf_layout # only some (an unknown name exits 2)

Each benchmark is a module in BENCHMARKS with ``run() -> list[Result]``;
ratios are measured against a baseline taken in the same run. A result with
``gated=False`` is printed for information and never fails the run. To add
a benchmark, write ``bench/bench_<name>.py`` with a ``run()`` and append its
module name here.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
from pathlib import Path

BENCHMARKS = [
    "bench.bench_pdf_layout",
    "bench.bench_html_document",
    "bench.bench_worker_memory",
    "bench.bench_cached_download",
    "bench.bench_landing_throughput",
    "bench.bench_lead_burst",  # 500 concurrent leads, SQLite and PostgreSQL
    "bench.bench_library",  # library page at 10,000 assets vs 100, SQLite and PostgreSQL
    "bench.bench_prerender",  # a real Celery worker on Redis, 2 processes vs 1
    "bench.bench_kit_zip",  # warm kit ZIP vs cold
    "bench.bench_load",  # 50 partners for 60 s: gunicorn, PostgreSQL, Redis, Celery
]


def _setup() -> None:
    root = Path(__file__).resolve().parent.parent
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()


def main(selected: list[str]) -> int:
    known = {module_name.rsplit(".", 1)[-1] for module_name in BENCHMARKS}
    unknown = [name for name in selected if name not in known]
    if unknown:
        print(
            f"unknown benchmark: {', '.join(unknown)} (known: {', '.join(sorted(known))})",
            file=sys.stderr,
        )
        return 2
    _setup()
    from bench.common import Result

    missed = 0
    for module_name in BENCHMARKS:
        if selected and module_name.rsplit(".", 1)[-1] not in selected:
            continue
        started = time.perf_counter()
        results: list[Result] = importlib.import_module(module_name).run()
        for result in results:
            print(result.line(), flush=True)
            missed += not result.ok
        print(f"  ({module_name} took {time.perf_counter() - started:.1f} s)", flush=True)
    return 1 if missed else 0


if __name__ == "__main__":  # required: render workers start from a forkserver
    sys.exit(main(sys.argv[1:]))
