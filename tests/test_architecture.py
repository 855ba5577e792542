"""The code's shape, checked: apps depend in one direction, the shared
utilities depend on no app, and the rendering library on nothing of ours.

    accounts <- partners <- assets <- landing <- home (and the vendor-side apps)

An app may import its own modules, the apps below it, `portal.core` and the
rendering library. `portal.core` may import the rendering library only.
`assets.rendering` may import nothing of the project but the error root
(`portal.core.errors`). The project modules (settings, urls, celery, WSGI)
and the development-only demo loader may import anything.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Package prefix -> layer. Lower layers never import higher ones.
LAYERS = {
    "portal.accounts": 1,
    "portal.partners": 2,
    "assets": 3,
    "portal.landing": 4,
    "portal.home": 5,
    "portal.workspace": 5,
    "portal.reports": 5,
}
LIBRARY = "assets.rendering"
CORE = "portal.core"
#: May import anything: they assemble the others.
ASSEMBLERS = (
    "portal.demo",
    "portal.settings",
    "portal.urls",
    "portal.celery",
    "portal.wsgi",
    "portal.asgi",
    "portal.views",
    "portal.middleware",
    "portal",
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _owner(module: str) -> str | None:
    """The layer key, LIBRARY, CORE or an assembler a module belongs to."""
    for prefix in (LIBRARY, CORE, *sorted(LAYERS, key=len, reverse=True), *ASSEMBLERS):
        if module == prefix or module.startswith(prefix + "."):
            return prefix
    return None


def _imports(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, node.lineno
            for alias in node.names:  # `from portal import landing`
                yield f"{node.module}.{alias.name}", node.lineno


def import_problems(module: str, imported: str) -> str | None:
    """Why `module` may not import `imported`, or None when it may."""
    source, target = _owner(module), _owner(imported)
    if target is None or source == target or source in ASSEMBLERS:
        return None
    if source == LIBRARY:
        if imported == "portal.core.errors" or imported.startswith("portal.core.errors."):
            return None
        return "the rendering library imports nothing of the project but portal.core.errors"
    if target == LIBRARY:
        return None
    if source == CORE:
        return "portal.core imports no app"
    if target == CORE:
        return None
    if target in ASSEMBLERS:
        if imported == "portal" or imported.startswith("portal.celery"):
            return None  # the task queue app, for @app.task
        return f"{source} imports {target}, which assembles the apps"
    if LAYERS[target] >= LAYERS[source]:
        return f"{source} (layer {LAYERS[source]}) imports {target} (layer {LAYERS[target]})"
    return None


def _project_files():
    for folder in ("portal", "assets"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_apps_depend_in_one_direction():
    problems = []
    for path in _project_files():
        module = _module_name(path)
        for imported, line in _imports(path):
            why = import_problems(module, imported)
            if why:
                problems.append(f"{path.relative_to(ROOT)}:{line}: {imported}: {why}")
    assert problems == []


@pytest.mark.parametrize(
    ("module", "imported", "allowed"),
    [
        ("assets.views", "portal.partners.access", True),
        ("portal.partners.views", "assets.selectors", False),
        ("portal.landing.public", "assets.renditions", True),
        ("assets.selectors", "portal.landing.models", False),
        ("portal.core.files", "portal.partners.models", False),
        ("portal.core.uploads", "assets.rendering.images", True),
        ("assets.rendering.pdf_layout", "assets.models", False),
        ("assets.rendering.errors", "portal.core.errors", True),
        ("portal.home.views", "portal.landing.selectors", True),
        ("portal.accounts.forms", "portal.core.client_ip", True),
    ],
)
def test_the_rule_itself(module, imported, allowed):
    assert (import_problems(module, imported) is None) is allowed


def test_callers_use_the_rendering_librarys_public_names():
    """Outside the library (and its own tests) code imports what
    `assets.rendering` exports, never one of its modules: the modules can
    then be split or merged without touching callers."""
    problems = []
    for folder in ("portal", "assets", "bench", "tests"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith(("assets/rendering/", "tests/assets/rendering/")):
                continue
            if "migrations" in path.parts or relative == "tests/test_architecture.py":
                continue
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.level == 0:
                    names = [node.module or ""]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                else:
                    continue
                for name in names:
                    if name.startswith(LIBRARY + "."):
                        problems.append(f"{relative}:{node.lineno}: {name}")
    assert problems == []


def test_tests_build_their_own_data():
    """Only the demo's own tests load the demo: everything else builds what
    it needs (tests/factories.py, tests/fixtures/), so a change to the demo
    never changes what another test checks."""
    problems = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith("tests/portal/demo/") or relative == "tests/test_architecture.py":
            continue
        problems += [
            f"{relative}:{line}: {imported}"
            for imported, line in _imports(path)
            if imported == "portal.demo" or imported.startswith("portal.demo.")
        ]
    assert problems == []
