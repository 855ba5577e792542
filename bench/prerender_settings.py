"""Settings of the pre-rendering benchmark's processes (bench_prerender):
the test settings with tasks queued on a broker, each worker pool on a
queue of its own (BENCH_QUEUE), so that two pools share one Redis database."""

import os

from tests.settings import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_DEFAULT_QUEUE = os.environ["BENCH_QUEUE"]
