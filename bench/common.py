"""What every benchmark shares: the Result type, a median timer and a PDF check."""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from pypdf import PdfReader


@dataclass(frozen=True)
class Result:
    """One measured figure against its target. ``better`` is "lower" when
    the target is a maximum, "higher" when it is a minimum."""

    name: str
    measured: float
    target: float
    better: str = "lower"
    unit: str = "×"
    detail: str = ""
    gated: bool = True  # False: printed for information, never fails the run

    @property
    def ok(self) -> bool:
        if not self.gated:
            return True
        return self.meets_target

    @property
    def meets_target(self) -> bool:
        if self.better == "lower":
            return self.measured <= self.target
        return self.measured >= self.target

    def line(self) -> str:
        sign = "≤" if self.better == "lower" else "≥"
        text = (
            f"{self.name}: measured {self.measured:.3f}{self.unit} "
            f"(target {sign} {self.target:g}{self.unit}) {'OK' if self.meets_target else 'MISS'}"
        )
        if not self.gated:
            text += " (for information, not gated)"
        return text + (f"  [{self.detail}]" if self.detail else "")


def timed(function: Callable[[], object]) -> float:
    """Seconds one call takes."""
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def median_times(functions: dict[str, Callable[[], object]], *, repeat: int) -> dict[str, float]:
    """Median seconds of each function, calling them in turns so that any
    drift of the machine affects all of them alike."""
    samples: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(repeat):
        for name, function in functions.items():
            samples[name].append(timed(function))
    return {name: statistics.median(values) for name, values in samples.items()}


def pictures_per_page(pdf: bytes) -> list[int]:
    """How many pictures each page of ``pdf`` shows. Two renders compared
    for speed must agree on this: a page missing, or a picture the fetcher
    refused and the renderer quietly left out, makes one side cheaper."""
    return [len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages]


def assert_same_pictures(first: bytes, second: bytes) -> list[int]:
    """Raise unless both PDFs have the same pages with the same number of pictures."""
    shapes = pictures_per_page(first), pictures_per_page(second)
    if shapes[0] != shapes[1]:
        raise AssertionError(f"the two PDFs differ: pictures per page {shapes[0]} vs {shapes[1]}")
    return shapes[0]
