"""What every log line of a request carries: the request id, and the user,
partner, asset and render time once they are known.

The values live in context variables: RequestIdMiddleware
(portal/middleware.py) starts them for each request, portal/celery.py for
each task (the task id as request id), the code that learns
something binds it (`bind(partner="acme")`), and ContextFilter, on the log
handler, copies them onto each record, where the JSON formatter prints them
as fields (LOG_FORMAT=json) and the plain one ignores them.

The user id is read from the request only when the user is already loaded:
logging never costs a query."""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

from django.utils.functional import empty

FIELDS = ("request_id", "user_id", "partner", "asset_id", "render_ms")
_values: ContextVar[dict | None] = ContextVar("cobrand_log_context", default=None)
_request: ContextVar[object | None] = ContextVar("cobrand_log_request", default=None)
# A request id from the proxy is kept if it looks like one (no log injection).
ACCEPTED_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def request_id_from(header: str | None) -> str:
    """The proxy's X-Request-ID when it is sane, else a new one."""
    if header and ACCEPTED_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def start(*, request_id: str, request=None):
    """Begin a request's context; returns the tokens for `end`."""
    return _values.set({"request_id": request_id}), _request.set(request)


def end(tokens) -> None:
    values_token, request_token = tokens
    _values.reset(values_token)
    _request.reset(request_token)


def bind(**fields) -> None:
    """Add known fields (partner=..., asset_id=..., render_ms=...) to the
    current request's or task's context; outside one, nothing (a value
    bound there would stick to every later line of the thread)."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown log fields: {sorted(unknown)}")
    current = _values.get()
    if current is None:
        return
    current.update({key: value for key, value in fields.items() if value is not None})


def current() -> dict:
    """The fields known now, the user id included when already loaded."""
    values = dict(_values.get() or {})
    request = _request.get()
    if request is not None and "user_id" not in values:
        user_id = _loaded_user_id(request)
        if user_id is not None:
            values["user_id"] = user_id
    return values


def _loaded_user_id(request):
    user = request.__dict__.get("user")
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is empty:  # a lazy user nobody has asked for yet
        return None
    return getattr(wrapped, "pk", None)


class ContextFilter(logging.Filter):
    """Copies the context onto every record passing the handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in current().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True
