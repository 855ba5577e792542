"""The task queue. Without CELERY_BROKER_URL/REDIS_URL tasks run inline."""

import multiprocessing
import multiprocessing.process
import os

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _allow_render_workers(**kwargs):
    """Prefork pool processes are started as daemons, and a daemon may not
    start children: HTML renders, which run in child processes of their own
    (assets/rendering/worker.py), then failed in every worker. The render
    children do not rely on the flag: each leaves when its parent's pipe
    closes, and the parent kills and reaps them. The pool also leaves its own
    kind of authentication key, which the forkserver cannot send: the same
    bytes are set again as the standard library's."""
    process = multiprocessing.current_process()
    process._config["daemon"] = False
    process._config["authkey"] = multiprocessing.process.AuthenticationString(process.authkey)


# Each task's log lines carry its id, and what it binds (portal/core/log_context.py).
_log_contexts: dict[str, object] = {}


@task_prerun.connect
def _start_log_context(task_id=None, **kwargs):
    from portal.core import log_context

    _log_contexts[task_id] = log_context.start(request_id=task_id)


@task_postrun.connect
def _end_log_context(task_id=None, **kwargs):
    from portal.core import log_context

    tokens = _log_contexts.pop(task_id, None)
    if tokens is not None:
        log_context.end(tokens)
