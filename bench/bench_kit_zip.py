"""A warm kit ZIP (every rendition stored, as after pre-rendering) against a
cold one (nothing stored: the ZIP built end to end, rendering each asset):
at most 0.1× the time.

A child process with a fresh SQLite database of its own and tasks inline
(no broker: the cold ZIP's KitBundle task runs in the request, as in a
fresh clone) asks for the ZIP through the real entry point,
``kit_zip_for_partner``, and reads the whole file. Each round takes a new
partner, so its first ZIP finds nothing rendered; the built KitBundle is
then forgotten, so the second ZIP is assembled from the stored renditions.
Cold and warm alternate, and the medians are compared."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Result

TARGET = 0.10
ROUNDS, WARMUP = 5, 1
DOCUMENTS, BROCHURES = 4, 2  # and a plain file
ROOT = Path(__file__).resolve().parent.parent


def _serve_here() -> None:
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from assets.kit_bundle import KitZip, kit_zip_for_partner
    from assets.models import Asset, AssetKind, Kit, KitBundle, Rendition
    from assets.services import asset_version_create
    from bench import samples
    from portal.accounts.models import User
    from portal.partners.models import Membership, Region, Tier

    call_command("migrate", verbosity=0)
    tier, region = Tier.objects.create(name="Gold", rank=3), Region.objects.create(name="EMEA")
    kit = Kit.objects.create(title="Backup launch", status=Kit.Status.PUBLISHED)
    kit.publish_at = kit.created_at
    kit.save()
    samples.add_cobranded_assets(kit, documents=DOCUMENTS, brochures=BROCHURES)
    asset = Asset.objects.create(
        kit=kit, kind=AssetKind.FILE, title="Data sheet", position=DOCUMENTS + BROCHURES
    )
    asset_version_create(
        asset=asset, source_file=SimpleUploadedFile("datasheet.pdf", samples.designed_pdf())
    )

    def partner(n: int):
        org = samples.add_branded_partner(n, tier=tier, region=region)
        user = User.objects.create_user(email=f"user{n}@partner{n}.example")
        Membership.objects.create(user=user, organisation=org, role="user")
        return org, user

    def fetch(org, user) -> int:
        started = time.perf_counter()
        result = kit_zip_for_partner(kit=kit, partner=org, user=user)
        if not isinstance(result, KitZip):
            raise SystemExit(f"no ZIP at once: {result.status} {result.message}")
        size = len(result.file.read())
        result.file.close()
        return time.perf_counter() - started, size

    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        org, user = partner(int(line))
        # Tasks run inline here, so the new profile was pre-rendered at once:
        # take its renditions away, files and all, for a cold ZIP.
        for rendition in Rendition.objects.filter(organisation=org):
            rendition.file.delete(save=False)
            rendition.delete()
        cold, cold_size = fetch(org, user)
        stored = Rendition.objects.filter(organisation=org).count()
        # Forget the built ZIP: the next one is assembled from the renditions.
        KitBundle.objects.filter(partner=org).delete()
        warm, warm_size = fetch(org, user)
        if warm_size != cold_size:  # the same files, so the same ZIP
            raise SystemExit(f"the warm ZIP differs: {warm_size} B vs {cold_size} B cold")
        answer = {"cold": cold, "warm": warm, "renditions": stored, "sizes": [cold_size, warm_size]}
        print(json.dumps(answer), flush=True)


def run() -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="cobrand-bench-kit-zip-") as tmp:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("REDIS_URL", "CELERY_BROKER_URL", "DATABASE_URL")
        }
        env.update(
            DJANGO_SETTINGS_MODULE="tests.settings",
            DATABASE_URL=f"sqlite:///{tmp}/kit-zip.sqlite3",
            MEDIA_ROOT=str(Path(tmp) / "media"),
            LOG_LEVEL="WARNING",
            PYTHONPATH=str(ROOT),
        )
        child = subprocess.Popen(
            [sys.executable, "-m", "bench.bench_kit_zip"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        answers = []
        try:
            for n in range(-1, WARMUP + ROUNDS):
                if n >= 0:
                    child.stdin.write(f"{n}\n")
                    child.stdin.flush()
                line = child.stdout.readline()
                if not line:
                    raise RuntimeError(
                        f"kit ZIP bench child stopped:\n{child.stderr.read()[-3000:]}"
                    )
                if n >= WARMUP:
                    answers.append(json.loads(line))
        finally:
            child.stdin.close()
            try:
                child.wait(30)
            except subprocess.TimeoutExpired:
                child.kill()
    cold = statistics.median(a["cold"] for a in answers)
    warm = statistics.median(a["warm"] for a in answers)
    renditions = answers[-1]["renditions"]
    return [
        Result(
            "kit ZIP warm (renditions stored) vs cold (built end to end)",
            warm / cold,
            TARGET,
            detail=f"warm {warm * 1000:.1f} ms, cold {cold * 1000:.1f} ms (medians of {ROUNDS}), "
            f"{DOCUMENTS + BROCHURES + 1} assets, {renditions} renditions, "
            f"ZIP {answers[-1]['sizes'][1] // 1024} KiB",
        )
    ]


if __name__ == "__main__":  # required: render workers start from a forkserver
    _serve_here()
