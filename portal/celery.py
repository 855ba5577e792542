"""The task queue. Without CELERY_BROKER_URL/REDIS_URL tasks run inline."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
