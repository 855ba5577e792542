"""Accessibility checks for the browser tests: axe-core, run in the page.

axe-core's script comes inside the axe-playwright-python wheel (pinned in
requirements.txt), so no npm and no network are needed at run time. The
script is evaluated through Playwright's driver, not added as a page
script, so the site's CSP stays on while axe runs."""

import json
from pathlib import Path

import pytest


def axe_script() -> str:
    """axe-core's axe.min.js as shipped in the axe-playwright-python wheel."""
    try:
        import axe_playwright_python
    except ImportError:  # pragma: no cover - the package is in requirements.txt
        pytest.skip("axe-playwright-python is not installed: pip install -r requirements.txt")
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text("utf-8")


def axe_violations(page) -> list[dict]:
    """Every axe-core violation on `page` as it stands, each as
    {"id", "impact", "help", "nodes": [{"target", "summary"}]}."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_script())
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [
                {"target": n["target"], "summary": n.get("failureSummary", "")} for n in v["nodes"]
            ],
        }
        for v in result["violations"]
    ]


class AxeAudit:
    """Collects the violations of several pages, to assert on all at once,
    so one run names every page that has a problem."""

    def __init__(self, page):
        self.page = page
        self.found: dict[str, list[dict]] = {}

    def check(self, name: str | None = None) -> None:
        self.found[name or self.page.url] = axe_violations(self.page)

    @property
    def pages(self) -> list[str]:
        return list(self.found)

    def assert_clean(self) -> None:
        bad = {name: v for name, v in self.found.items() if v}
        assert not bad, "axe-core violations:\n" + json.dumps(bad, indent=1)
