"""Render workers leave no temp folders behind when the server is stopped."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

SERVER = """
import os, sys, time
import django

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    django.setup()
    from assets.rendering.html_pdf import POOL

    job = {"template": "<p>Hello</p>", "context": {}, "resources": {}, "max_pages": 5}
    reply = POOL.run(job, timeout=60)
    assert reply[0] == "ok" and reply[1]["pdf"].startswith(b"%PDF"), reply
    print("ready", flush=True)
    time.sleep(120)
"""


def render_folders(temp: Path) -> list[str]:
    return sorted(p.name for p in temp.iterdir() if p.name.startswith("cobrand-render-"))


def start_server(tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    temp = tmp_path / "tmp"
    temp.mkdir()
    script = tmp_path / "server.py"
    script.write_text(SERVER)
    env = {**os.environ, "TMPDIR": str(temp), "PYTHONPATH": str(settings.BASE_DIR)}
    process = subprocess.Popen(
        [sys.executable, str(script)],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    line = process.stdout.readline()
    if line.strip() != "ready":
        process.kill()
        pytest.fail("the server did not render: " + line + process.stderr.read())
    assert len(render_folders(temp)) == 1  # the worker's, while it runs
    return process, temp


def wait_until_gone(temp: Path, seconds: float = 15) -> list[str]:
    deadline = time.monotonic() + seconds
    while render_folders(temp) and time.monotonic() < deadline:
        time.sleep(0.1)
    return render_folders(temp)


@pytest.mark.timeout(90)
def test_sigterm_to_the_server_leaves_no_render_folder(tmp_path):
    process, temp = start_server(tmp_path)
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    assert wait_until_gone(temp) == []


@pytest.mark.timeout(90)
def test_sigterm_to_the_process_group_leaves_no_render_folder(tmp_path):
    """What a service manager does: every process of the server gets SIGTERM."""
    process, temp = start_server(tmp_path)
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)
    assert wait_until_gone(temp) == []
