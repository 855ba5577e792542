"""500 concurrent lead submissions make exactly 500 leads, on SQLite and on
PostgreSQL; the same forms sent again (double submits) add none."""

from __future__ import annotations

import http.client
import os
import secrets
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from bench.common import Result
from bench.server import running_portal


@dataclass(frozen=True)
class Exactly(Result):
    """A count that must equal its target, every request answered as expected."""

    all_redirected: bool = True

    @property
    def ok(self) -> bool:
        return self.measured == self.target and self.all_redirected

    def line(self) -> str:
        text = (
            f"{self.name}: measured {self.measured:.0f} (target exactly {self.target:.0f}) "
            f"{'OK' if self.ok else 'MISS'}"
        )
        return text + (f"  [{self.detail}]" if self.detail else "")


LEADS = 500
DOUBLES = 50
CONCURRENCY = 50
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}

# A partner and a published page: the smallest world a lead needs.
PREPARE = """
from pathlib import Path
from assets.models import Asset, AssetKind, EditableField, Kit
from assets.lifecycle import kit_publish
from assets.services import asset_version_create
from portal.landing import services
from portal.partners.models import BrandProfile, PartnerOrganisation, Region, Tier
from portal.accounts.models import User
from portal.partners.models import Membership
org = PartnerOrganisation.objects.create(
    name="Acme Resellers", slug="acme", partner_type="reseller",
    tier=Tier.objects.create(name="Gold", rank=3), region=Region.objects.create(name="EMEA"))
BrandProfile.objects.create(organisation=org, phone="+44 20 7946 0123", email="sales@acme.example")
user = User.objects.create_user(email="anna@acme.example", password="bench-only-password")
Membership.objects.create(user=user, organisation=org, role="admin")
kit = kit_publish(kit=Kit.objects.create(title="Spring launch"))
asset = Asset.objects.create(kit=kit, kind=AssetKind.LANDING_PAGE, title="Live demo sign-up page")
EditableField.objects.create(asset=asset, name="headline", label="Headline", default="See it live")
asset_version_create(asset=asset, template=Path("portal/demo/sources/landing.html").read_text())
page = services.landing_page_publish(organisation=org, asset=asset, values={})
print(f"/p/{org.slug}/{page.slug}/")
"""
COUNT = """
from portal.landing.models import Lead
print(Lead.objects.count(), Lead.objects.values("submission_token").distinct().count())
"""


def _post(port: int, path: str, token: str, n: int) -> int:
    body = urllib.parse.urlencode(
        {
            "name": f"Burst visitor {n}",
            "email": f"visitor{n}@example.org",
            "company": "Burst Ltd",
            "message": "Please call me.",
            "consent": "on",
            "token": token,
            "ref": "",
        }
    )
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(
            "POST",
            path + "?utm_source=bench",
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _burst(label: str, **env: str) -> Result:
    state = {}

    def prepare(portal):
        state["path"] = portal.python(PREPARE).strip()

    with running_portal(
        workers=4,
        threads=4,
        prepare=prepare,
        LEAD_RATE_LIMIT="0",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        **env,
    ) as portal:
        tokens = [secrets.token_urlsafe(18) for _ in range(LEADS)]
        jobs = []
        for n, token in enumerate(tokens):
            jobs.append((token, n))
            if n % (LEADS // DOUBLES) == 0:
                jobs.append((token, n))  # the same form again, sent alongside the first
        started = time.perf_counter()
        with ThreadPoolExecutor(CONCURRENCY) as pool:
            statuses = list(pool.map(lambda job: _post(portal.port, state["path"], *job), jobs))
        elapsed = time.perf_counter() - started
        leads, distinct = (int(x) for x in portal.python(COUNT).split())
    redirects = statuses.count(302)
    return Exactly(
        f"lead burst on {label}: leads stored",
        leads,
        LEADS,
        unit="",
        all_redirected=redirects == len(jobs) and distinct == leads,
        detail=f"{len(jobs)} POSTs incl. {DOUBLES} double submits, {CONCURRENCY} at once, "
        f"{redirects} thank-you redirects, statuses {sorted(set(statuses))}, {elapsed:.1f} s",
    )


def _postgres_database():
    """Create a throwaway database; None when no PostgreSQL answers."""
    try:
        import psycopg

        conn = psycopg.connect(dbname="postgres", connect_timeout=2, autocommit=True, **PG)
    except Exception as exc:  # noqa: BLE001 - any connection failure means "not available"
        print(f"  SKIPPED lead burst on PostgreSQL: no server at {PG['host']}:{PG['port']} ({exc})")
        return None, None
    name = f"cobrand_bench_{os.getpid()}"
    conn.execute(f'CREATE DATABASE "{name}"')
    return conn, name


def run() -> list[Result]:
    results = [_burst("SQLite")]
    conn, name = _postgres_database()
    if conn is not None:
        try:
            url = f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{name}"
            results.append(_burst("PostgreSQL", DATABASE_URL=url))
        finally:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.close()
    return results
