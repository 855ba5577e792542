"""Log lines carry the request id, user, partner, asset and render time
(portal/core/log_context.py), as fields of the JSON format."""

import io
import json
import logging

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string

from portal.core.log_context import ContextFilter
from tests.factories import KitFactory, make_document, make_file_asset

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():
    """What the console handler writes with LOG_FORMAT=json, one dict a line."""
    config = dict(settings.LOGGING["formatters"]["json"])
    formatter = import_string(config.pop("()"))(**config)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


def test_the_request_id_is_echoed_or_made(client):
    given = client.get(reverse("healthz"), HTTP_X_REQUEST_ID="edge-42.a")
    assert given["X-Request-ID"] == "edge-42.a"
    made = client.get(reverse("healthz"))
    assert len(made["X-Request-ID"]) == 32
    forged = client.get(reverse("healthz"), HTTP_X_REQUEST_ID="x\r\nSet-Cookie: a=b")
    assert forged["X-Request-ID"] != "x\r\nSet-Cookie: a=b" and len(forged["X-Request-ID"]) == 32


def test_a_render_line_carries_request_user_partner_asset_and_time(
    json_lines, partner_client, partner_user
):
    asset = make_document(title="Cloud backup one-pager")
    response = partner_client.get(
        reverse("assets:asset_render", args=[asset.pk, "pdf"]), HTTP_X_REQUEST_ID="req-render-1"
    )
    assert response.status_code == 200
    rendered = [line for line in json_lines() if line["message"].startswith("rendered ")]
    assert len(rendered) == 1
    line = rendered[0]
    assert line["request_id"] == "req-render-1"
    assert line["user_id"] == partner_user.pk
    assert line["partner"] == "acme"
    assert line["asset_id"] == asset.pk
    assert isinstance(line["render_ms"], int) and line["render_ms"] >= 0
    assert line["level"] == "INFO" and line["logger"] == "assets.renditions" and "time" in line


def test_a_refusal_line_carries_the_context(json_lines, partner_client, partner_user):
    hidden = make_file_asset(KitFactory(status="draft"))
    response = partner_client.get(
        reverse("assets:asset_download", args=[hidden.pk]), HTTP_X_REQUEST_ID="req-404"
    )
    assert response.status_code == 404
    (line,) = [line for line in json_lines() if "answered 404" in line["message"]]
    assert line["request_id"] == "req-404"
    assert line["user_id"] == partner_user.pk
    assert line["partner"] == "acme"
    assert line["asset_id"] == hidden.pk


def test_lines_outside_requests_have_no_request_fields(json_lines):
    logging.getLogger("portal.test").warning("outside any request")
    (line,) = [line for line in json_lines() if line["message"] == "outside any request"]
    assert "request_id" not in line and "user_id" not in line


def test_a_task_runs_in_a_context_of_its_own(json_lines):
    from portal.celery import app
    from portal.core import log_context

    @app.task(name="tests.log_something")
    def log_something():
        log_context.bind(partner="globex")
        logging.getLogger("portal.test").info("inside a task")

    result = log_something.apply()
    logging.getLogger("portal.test").info("after the task")
    lines = {line["message"]: line for line in json_lines()}
    assert lines["inside a task"]["request_id"] == result.id
    assert lines["inside a task"]["partner"] == "globex"
    assert "partner" not in lines["after the task"] and "request_id" not in lines["after the task"]
