"""Uploads kept between two tries of a form: signed tokens, pruned when old."""

import os
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings

from portal.workspace.pending_uploads import (
    pending_discard,
    pending_load,
    pending_prune,
    pending_store,
)


def test_a_token_gives_back_what_was_kept_and_nothing_else():
    token = pending_store(b"cover bytes", name="cover.png")
    kept = pending_load(token)
    assert kept.data == b"cover bytes" and kept.name == "cover.png"
    assert pending_load(token[:-2] + "xx") is None
    assert pending_load("") is None
    pending_discard(token)
    assert pending_load(token) is None


def test_old_kept_uploads_are_pruned_and_young_ones_stay():
    old, young = pending_store(b"old", name="a"), pending_store(b"young", name="b")
    folder = Path(settings.MEDIA_ROOT) / "pending"
    day_ago = time.time() - 2 * 24 * 3600
    oldest = min(folder.iterdir(), key=lambda p: p.read_bytes() != b"old")
    os.utime(oldest, (day_ago, day_ago))
    assert pending_prune(older_than=timedelta(days=1)) == 1
    assert pending_load(young).data == b"young"
    assert not oldest.exists() and pending_load(old) is None


def test_the_periodic_task_prunes_and_is_scheduled():
    from portal.workspace.tasks import pending_uploads_prune

    token = pending_store(b"stale", name="x")
    path = next((Path(settings.MEDIA_ROOT) / "pending").iterdir())
    long_ago = time.time() - 3 * 24 * 3600
    os.utime(path, (long_ago, long_ago))
    assert pending_uploads_prune.apply().get() == 1
    assert pending_load(token) is None
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "workspace.pending_uploads_prune" in tasks
