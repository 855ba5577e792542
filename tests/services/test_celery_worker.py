"""A real Celery worker process consuming from Redis pre-renders a kit end
to end: publishing announces kit_went_live, the tasks travel through Redis
to the worker, the worker stores every rendition, and the run's counts
reach done == total."""

import time
import uuid
from pathlib import Path

import pytest

from assets import lifecycle, renditions
from assets.models import Kit, PrerenderRun, Rendition
from portal.partners.models import PartnerOrganisation
from tests.conftest import give_logo
from tests.factories import BrandProfileFactory, KitFactory, PartnerFactory, make_document
from tests.services.support import (
    CeleryWorker,
    database_url,
    need_postgres_test_database,
    need_shared_redis,
    queue_to,
    redis_forget,
)

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

BROKER = "redis://127.0.0.1:6379/13"  # a database number of the tests' own


def test_a_worker_process_prerenders_a_kit_that_goes_live(settings, tmp_path):
    database = need_postgres_test_database()
    need_shared_redis()
    partners = []
    for n, colour in enumerate([(200, 30, 30, 255), (20, 160, 60, 255), (20, 60, 200, 255)]):
        org = PartnerFactory(name=f"Reseller {n}", slug=f"reseller-{n}")
        give_logo(BrandProfileFactory(organisation=org), colour=colour)
        partners.append(org)
    kit = KitFactory(title="Spring", status=Kit.Status.DRAFT, audience_types=["reseller"])
    documents = [make_document(kit, title=f"Sheet {n}", position=n) for n in range(2)]

    queue = f"cobrand-test-{uuid.uuid4().hex[:8]}"
    worker = CeleryWorker(
        broker_url=BROKER,
        queue=queue,
        database=database_url(database),
        media_root=settings.MEDIA_ROOT,
        log_path=tmp_path / "worker.log",
        prefix=queue,
        pool="prefork",  # as docs/deploy.md runs it: renders start processes of their own
        concurrency=2,
    )
    try:
        with queue_to(BROKER, queue):
            lifecycle.kit_publish(kit=kit)
        deadline = time.monotonic() + 120
        run = None
        while time.monotonic() < deadline:
            run = PrerenderRun.objects.filter(kit=kit).first()
            if run is not None and run.done + run.failed == run.total:
                break
            assert worker.process.poll() is None, worker.log()
            time.sleep(0.25)
        assert run is not None, "no run was planned:\n" + worker.log()
        assert (run.total, run.done, run.failed) == (6, 6, 0), worker.log()
    finally:
        worker.stop()
        redis_forget(BROKER, queue)

    log = worker.log()
    assert "assets.prerender_render" in log and "succeeded" in log
    for org in partners:
        org = PartnerOrganisation.objects.get(pk=org.pk)
        for document in documents:
            key = renditions.request_for_partner(asset=document, partner=org).key
            rendition = Rendition.objects.get(key=key)
            stored = Path(settings.MEDIA_ROOT) / rendition.file.name
            assert stored.read_bytes().startswith(b"%PDF")
            assert rendition.organisation == org
