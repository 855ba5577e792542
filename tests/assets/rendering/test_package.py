import os
import subprocess
import sys
from pathlib import Path

import pytest

import assets.rendering

HEAVY = ("weasyprint", "css_inline", "pypdfium2", "reportlab")
ROOT = Path(__file__).resolve().parents[3]


def test_every_exported_name_resolves():
    for name in assets.rendering.__all__:
        assert getattr(assets.rendering, name) is not None, name
    assert set(dir(assets.rendering)) >= set(assets.rendering.__all__)


def test_unknown_names_still_raise_attribute_error():
    with pytest.raises(AttributeError, match="no_such_name"):
        assets.rendering.no_such_name  # noqa: B018


def test_light_imports_do_not_load_the_renderers():
    """Web processes import errors, brand and html_pdf (which renders in
    workers); none of that may pull in the heavy layout libraries."""
    code = (
        "import sys\n"
        "import assets.rendering.errors, assets.rendering.brand, assets.rendering.html_pdf\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
