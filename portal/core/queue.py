"""Queueing background work once the data it needs is committed.

Tasks get ids (never model instances) and are queued only after the
transaction that wrote those rows commits: a worker never sees a row that
might still be rolled back. Without a broker (CELERY_TASK_ALWAYS_EAGER) the
task runs inline, right after the commit, in the process that queued it.
"""

import logging
import smtplib
import socket

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction

log = logging.getLogger(__name__)

# Errors worth trying again later: the mail server or the network had a bad
# moment. Anything else is a bug, retried by nobody.
TRANSIENT_ERRORS = (smtplib.SMTPException, ConnectionError, socket.timeout, SoftTimeLimitExceeded)

# Defaults shared by the tasks that send e-mail.
MAIL_TASK_OPTIONS = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 30,
    "retry_backoff_max": 30 * 60,
    "retry_jitter": True,
    "max_retries": 6,
    "soft_time_limit": 30,
    "time_limit": 60,
    "acks_late": True,
}


def queue_on_commit(task, *args) -> None:
    """`task.delay(*args)` once the current transaction commits (at once
    outside one). The work already committed stays committed whatever
    happens next: a broker that is down, or a task that fails inline, is
    logged rather than turned into an error page."""

    def send():
        try:
            task.delay(*args)
        except Exception:  # noqa: BLE001 - the data is committed; the failure is logged
            log.exception("task %s%r could not run or be queued", task.name, args)

    transaction.on_commit(send)
