"""Renders of admin-authored templates run in render workers under time,
page, output-size and memory limits: a runaway template stops there with a
clear message and the web process never holds its output."""

import time
import tracemalloc

import pytest

from assets.rendering import (
    Output,
    RenderLimitExceeded,
    RenderLimits,
    TemplateRejected,
    check_template,
    preview_png,
    render_email,
    render_template_with,
    run_limited,
)
from assets.rendering.sandbox import MEMORY_LIMIT, _worker_settings
from assets.rendering.worker import WorkerPool

LETTERS = "abcdefghijklmnopqrstuvwxyz" * 4  # 104 items once through make_list


def nested_loops(body: str) -> str:
    loop = "{% for x" + "{n} in '" + LETTERS + "'|make_list %}"
    opening = "".join(loop.replace("{n}", str(n)) for n in range(4))
    return "<p>" + opening + body + "{% endfor %}" * 4 + "</p>"


def test_nested_loops_in_an_email_stop_at_the_output_cap_outside_this_process(ctx, settings):
    settings.RENDER_TIMEOUT_SECONDS = 20
    settings.RENDER_MAX_OUTPUT_BYTES = 1024 * 1024
    template = nested_loops("{{ partner.name }} {{ field.headline }}")  # ~3.5 GB if let run
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(RenderLimitExceeded, match="more than 1 MB of text"):
            render_email(template=template, subject="Hi", ctx=ctx)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 10
    assert peak < 512 * 1024  # the text never reached this process


def test_nested_loops_without_output_stop_at_the_time_limit(ctx, settings):
    settings.RENDER_TIMEOUT_SECONDS = 1
    started = time.monotonic()
    with pytest.raises(RenderLimitExceeded, match="longer than 1 seconds"):
        render_email(template=nested_loops(""), subject="Hi", ctx=ctx)
    assert time.monotonic() - started < 5
    # The killed worker is replaced: the next e-mail renders.
    again = render_email(template="<p>{{ partner.name }}</p>", subject="", ctx=ctx)
    assert "Acme Resellers" in again.html


@pytest.mark.parametrize(
    "template",
    [
        '{{ partner.name|ljust:"50000000" }}',
        "{{ partner.name|rjust:50000000 }}",
        '{{ partner.name|center:"1001" }}',
        '{{ 3.5|floatformat:"100000" }}',
        '{{ partner.name|stringformat:"050000000s" }}',
    ],
)
def test_filters_refuse_widths_above_the_cap_at_save_and_at_render(template, ctx):
    filter_name = template.split("|")[1].split(":")[0]
    problems = check_template(template, field_names=set())
    assert len(problems) == 1 and f"|{filter_name} filter was given" in problems[0]
    with pytest.raises(TemplateRejected, match=rf"Line 1: The \|{filter_name} filter was given"):
        render_email(template=template, subject="", ctx=ctx)


def test_a_width_from_a_variable_is_refused_at_render(ctx):
    template = '{% with width="50000000" %}{{ partner.name|ljust:width }}{% endwith %}'
    assert check_template(template, field_names=set()) == []  # not a literal: seen at render
    with pytest.raises(TemplateRejected, match=r"\|ljust filter was given 50,000,000"):
        render_email(template=template, subject="", ctx=ctx)


def test_reasonable_widths_still_work():
    html = render_template_with('[{{ "ab"|ljust:5 }}][{{ 2.345|floatformat:2 }}]', {})
    assert html == "[ab   ][2.35]"


def test_repeated_amplifying_filters_stop_at_the_cap():
    # Each make_list|stringformat multiplies the text by five.
    grow = '|make_list|stringformat:"s"' * 12
    with pytest.raises(RenderLimitExceeded, match="would make a value larger than"):
        render_template_with("{{ 'abcdefgh'" + grow + " }}", {}, max_output=1024 * 1024)


@pytest.mark.parametrize(
    "template, message",
    [
        (
            "<p>\n{{ 1|divisibleby:0 }}</p>",
            "Line 2: The |divisibleby filter failed: integer modulo by zero",
        ),
        ('<p>{{ today|date:"r" }}</p>', "The |date filter failed"),
    ],
)
def test_filter_failures_come_back_with_their_message(ctx, template, message):
    with pytest.raises(TemplateRejected) as caught:
        render_email(template=template, subject="", ctx=ctx)
    assert message in caught.value.message


def test_a_600_page_email_preview_stops_at_the_page_limit_quickly():
    html = "<p>Page</p>" + '<p style="break-before: page">Page</p>' * 600
    output = Output("mail.html", "text/html; charset=utf-8", html.encode())
    started = time.monotonic()
    with pytest.raises(RenderLimitExceeded, match="limit is 50"):
        preview_png(output, limits=RenderLimits(max_pages=50, timeout_seconds=30))
    assert time.monotonic() - started < 5
    small = Output("mail.html", "text/html", b"<p>One page</p>")
    assert preview_png(small, limits=RenderLimits(max_pages=50, timeout_seconds=30)).startswith(
        b"\x89PNG"
    )


def test_a_render_past_the_worker_memory_limit_stops_in_the_worker():
    values = _worker_settings()
    values[MEMORY_LIMIT] = 450 * 1024 * 1024
    pool = WorkerPool(lambda: values)
    # Allowed 600 MB of text by the output cap, the worker runs out of memory first.
    limits = RenderLimits(timeout_seconds=60, max_output_bytes=600 * 1024 * 1024)
    job = {"kind": "template", "template": nested_loops("x" * 4000), "context": {}}
    tracemalloc.start()
    try:
        with pytest.raises(RenderLimitExceeded, match="more memory than a render may use"):
            run_limited(job, limits, pool=pool)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 512 * 1024
    assert pool.pids() == []  # the worker is gone; the next job gets a fresh one
    small = {"kind": "template", "template": "<p>{{ n }}</p>", "context": {"n": 7}}
    assert run_limited(small, limits, pool=pool) == {"text": "<p>7</p>"}
    pool.shutdown()
