"""A render worker starts from a daemonic process, as Celery's prefork pool
children (billiard processes) are: HTML documents render in a real Celery
worker."""

import subprocess
import sys

from django.conf import settings

SCRIPT = """
import os, sys
import billiard
import django


def render(queue):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    django.setup()
    from assets.rendering.html_pdf import POOL

    job = {"template": "<p>Hello</p>", "context": {}, "resources": {}, "max_pages": 5}
    reply = POOL.run(job, timeout=60)
    queue.put((billiard.current_process().daemon, reply[0], reply[1]["pdf"][:5]))
    POOL.shutdown()


if __name__ == "__main__":
    queue = billiard.Queue()
    child = billiard.Process(target=render, args=(queue,), daemon=True)
    child.start()
    print(queue.get(timeout=60), flush=True)
    child.join(60)
    sys.exit(child.exitcode)
"""


def test_a_daemonic_process_renders_html_documents(tmp_path):
    script = tmp_path / "daemonic.py"
    script.write_text(SCRIPT)
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=settings.BASE_DIR,
        env={"PYTHONPATH": str(settings.BASE_DIR), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "(True, 'ok', b'%PDF-')"
