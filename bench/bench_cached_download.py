"""DESIGN §7 row 4: a cached co-branded download, through the permission-
checked view, against the same bytes served as a static file by the same
server (gunicorn + WhiteNoise, production settings)."""

from __future__ import annotations

from bench.common import Result
from bench.server import requests_per_second, running_portal

TARGET = 0.5
REQUESTS = 600
CONCURRENCY = 4

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


def run() -> list[Result]:
    state = {}

    def prepare(portal):
        portal.manage("seed_demo")
        asset_id, session_key, path = portal.python(PREPARE).split()
        with open(path, "rb") as handle:
            data = handle.read()
        # The same bytes as a static file: WhiteNoise picks it up at start.
        (portal.workdir / "static" / "same-bytes.pdf").write_bytes(data)
        state.update(asset_id=asset_id, session=session_key, size=len(data))

    with running_portal(workers=2, prepare=prepare) as portal:
        cookie = {"Cookie": f"sessionid={state['session']}"}
        download = f"/assets/{state['asset_id']}/download/pdf/"
        # Warm both paths (worker start-up, caches) before measuring.
        requests_per_second(
            portal.port, download, total=40, concurrency=CONCURRENCY, headers=cookie
        )
        requests_per_second(
            portal.port, "/static/same-bytes.pdf", total=40, concurrency=CONCURRENCY
        )
        static_rps, static_size = requests_per_second(
            portal.port, "/static/same-bytes.pdf", total=REQUESTS, concurrency=CONCURRENCY
        )
        view_rps, view_size = requests_per_second(
            portal.port, download, total=REQUESTS, concurrency=CONCURRENCY, headers=cookie
        )
    assert view_size == static_size == state["size"], (view_size, static_size, state["size"])
    return [
        Result(
            "cached download vs static file, same server",
            view_rps / static_rps,
            TARGET,
            better="higher",
            detail=f"view {view_rps:.0f} req/s, static {static_rps:.0f} req/s, {state['size']} B, "
            f"{CONCURRENCY} connections, gunicorn 2 workers",
        )
    ]
