"""A cached co-branded download, through the permission-checked view,
against the same bytes served as a static file by the same server
(gunicorn + WhiteNoise, production settings), in each shape of
bench/server.py."""

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
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from assets import renditions
from assets.models import Asset
from portal.accounts.models import User
from portal.partners.models import PartnerOrganisation
asset = Asset.objects.get(title__startswith="Spring flyer")
acme = PartnerOrganisation.objects.get(slug="acme")
rendition = renditions.render_for_partner(asset=asset, partner=acme)
user = User.objects.get(email="ben@acme.example")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(asset.pk, session.session_key, rendition.file.path)
"""


def measure(shape: ServerShape) -> Result:
    state = {}

    def prepare(portal):
        portal.manage("seed_demo")
        asset_id, session_key, path = portal.python(PREPARE).split()
        with open(path, "rb") as handle:
            data = handle.read()
        # The same bytes as a static file: WhiteNoise picks it up at start.
        (portal.workdir / "static" / "same-bytes.pdf").write_bytes(data)
        state.update(asset_id=asset_id, session=session_key, size=len(data))

    with shape.serve(prepare) as portal:
        cookie = {"Cookie": f"sessionid={state['session']}"}
        download = f"/assets/{state['asset_id']}/download/pdf/"
        static, view = paired_throughput(
            portal.port, ("/static/same-bytes.pdf", None), (download, cookie)
        )
        events = portal.python(
            "from assets.models import DownloadEvent\nprint(DownloadEvent.objects.count())"
        ).strip()
    assert view.size == static.size == state["size"], (view.size, static.size, state["size"])
    # Every download answered, warm-up included, must have been recorded.
    assert int(events) == view.requests, (events, view.requests)
    return Result(
        "cached download vs static file, same server",
        view.rps / static.rps,
        TARGET,
        better="higher",
        detail=f"view {view.rps:.0f} req/s, static {static.rps:.0f} req/s (medians of "
        f"{ROUNDS} alternating rounds of {REQUESTS}), {state['size']} B, "
        f"{CONCURRENCY} connections, {shape.label}, download events {events}",
        gated=shape.gated,
    )


def run() -> list[Result]:
    return in_each_shape(measure)
