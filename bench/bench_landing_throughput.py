"""A published landing page, through its view (cached HTML, live checks,
a fresh token and a view counted on every request), against a static file
of the same size served by the same server (gunicorn + WhiteNoise,
production settings)."""

from __future__ import annotations

from bench.common import Result
from bench.server import (
    CONCURRENCY,
    REQUESTS,
    ROUNDS,
    ServerShape,
    in_each_shape,
    paired_throughput,
)

TARGET = 0.5

PREPARE = """
from django.test import Client
from assets.fields import saved_field_values
from assets.models import Asset
from portal.landing import services
from portal.partners.models import PartnerOrganisation
acme = PartnerOrganisation.objects.get(slug="acme")
asset = Asset.objects.get(title="Live demo sign-up page")
values = {**saved_field_values(asset, acme), "headline": "Backups that keep Leeds working"}
page = services.landing_page_publish(organisation=acme, asset=asset, values=values)
path = f"/p/{acme.slug}/{page.slug}/"
response = Client(HTTP_HOST="127.0.0.1").get(path)
assert response.status_code == 200, response.status_code
from django.db.models import Sum
from portal.landing.models import PageViewDay
print(path, len(response.content), PageViewDay.objects.aggregate(n=Sum("count"))["n"])
"""


def measure(shape: ServerShape) -> Result:
    state = {}

    def prepare(portal):
        portal.manage("seed_demo")
        path, size, views_before = portal.python(PREPARE).split()
        # A static file of exactly the page's size: WhiteNoise picks it up at start.
        (portal.workdir / "static" / "same-size.html").write_bytes(b"x" * int(size))
        state.update(path=path, size=int(size), views_before=int(views_before))

    with shape.serve(prepare) as portal:
        static_run, page_run = paired_throughput(
            portal.port, ("/static/same-size.html", None), (state["path"], None)
        )
        views = portal.python(
            "from portal.landing.models import PageViewDay\n"
            "from django.db.models import Sum\n"
            "print(PageViewDay.objects.aggregate(n=Sum('count'))['n'])"
        ).strip()
    assert page_run.size == static_run.size == state["size"], (page_run.size, static_run.size)
    expected_views = state["views_before"] + page_run.requests  # warm-up included
    assert int(views) == expected_views, (views, expected_views)
    return Result(
        "published landing page vs static file, same server",
        page_run.rps / static_run.rps,
        TARGET,
        better="higher",
        detail=f"page {page_run.rps:.0f} req/s, static {static_run.rps:.0f} req/s (medians of "
        f"{ROUNDS} alternating rounds of {REQUESTS}), {state['size']} B, "
        f"{CONCURRENCY} connections, {shape.label}, views counted {views}",
        gated=shape.gated,
    )


def run() -> list[Result]:
    return in_each_shape(measure)
