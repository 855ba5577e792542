"""Background work of the asset library: thin wrappers over its services."""

import random

from django.db import InterfaceError, OperationalError

from portal.celery import app
from portal.core.queue import TRANSIENT_ERRORS


@app.task(name="assets.kits_lifecycle_tick", soft_time_limit=50, time_limit=60, expires=55)
def kits_lifecycle_tick() -> dict:
    """Run every minute by Celery beat (or `manage.py kits_tick` from cron):
    scheduled kits whose time has come go live, kits past their expiry expire.
    A missed or doubled run is harmless: each kit is announced once."""
    from assets.lifecycle import kits_lifecycle_tick as tick

    result = tick()
    return {"published": result.published, "went_live": result.went_live, "expired": result.expired}


@app.task(name="assets.asset_thumbnail_refresh", soft_time_limit=90, time_limit=120)
def asset_thumbnail_refresh(asset_id: int) -> bool:
    """Make an asset's thumbnail from its current source (queued on commit
    after an upload or a source change, so saves stay fast)."""
    from assets.models import Asset
    from assets.thumbnails import asset_thumbnail_refresh as refresh

    asset = Asset.objects.select_related("current_version").filter(pk=asset_id).first()
    if asset is None:
        return False
    refresh(asset=asset)
    return True


@app.task(name="assets.pending_uploads_prune", soft_time_limit=240, time_limit=300)
def pending_uploads_prune() -> int:
    """Run hourly by Celery beat: delete kept uploads nobody can use any more."""
    from assets.pending_uploads import pending_uploads_prune as prune

    return prune()


# --- Pre-rendering (assets/prerender.py) ------------------------------------------

# Worth trying again later: the database, the cache, the storage or the
# network had a bad moment, or the task ran out of time. A RenderError
# caused by the source or the profile is not retried: it is recorded.
PRERENDER_TRANSIENT_ERRORS = (*TRANSIENT_ERRORS, OSError, OperationalError, InterfaceError)
PRERENDER_TASK_OPTIONS = {
    "soft_time_limit": 120,
    "time_limit": 150,
    "acks_late": True,
    "max_retries": 6,
}
#: Retries after a transient error wait 5 s, 10 s, 20 s ... at most this long.
PRERENDER_BACKOFF_MAX = 5 * 60
#: A render another worker holds is looked at again after this long ...
PRERENDER_BUSY_COUNTDOWN = 5
#: ... this many times (longer than a render may hold its lock) before the
#: output is recorded as failed.
PRERENDER_BUSY_RETRIES = 40


def _backoff(retries: int) -> float:
    return min(5 * 2**retries, PRERENDER_BACKOFF_MAX) * random.uniform(0.75, 1.25)  # noqa: S311


@app.task(bind=True, name="assets.prerender_kit", **PRERENDER_TASK_OPTIONS)
def prerender_kit(self, kit_id: int) -> int:
    """Plan the renders of a kit that went live: one task per output."""
    from assets.models import Kit
    from assets.prerender import Reason, prerender_plan

    kit = Kit.objects.filter(pk=kit_id).first()
    if kit is None:
        return 0
    try:
        run = prerender_plan(kit=kit, reason=Reason.WENT_LIVE)
    except PRERENDER_TRANSIENT_ERRORS as exc:
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc
    return run.total if run else 0


@app.task(bind=True, name="assets.prerender_partner", **PRERENDER_TASK_OPTIONS)
def prerender_partner(self, partner_id: int, reason: str, asset_id: int | None = None) -> int:
    """Plan the re-renders of what one partner sees after a change of its
    brand profile (every live kit) or of its field values (one asset)."""
    from assets.prerender import prerender_for_partner
    from portal.partners.models import PartnerOrganisation

    partner = PartnerOrganisation.objects.filter(pk=partner_id).first()
    if partner is None:
        return 0
    try:
        runs = prerender_for_partner(partner=partner, reason=reason, asset_id=asset_id)
    except PRERENDER_TRANSIENT_ERRORS as exc:
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc
    return sum(run.total for run in runs)


@app.task(bind=True, name="assets.prerender_render", **PRERENDER_TASK_OPTIONS)
def prerender_render(self, run_id: int, asset_id: int, partner_id: int, output_format: str) -> str:
    """Make one output of a run (idempotent: a stored key is a no-op)."""
    from assets.prerender import prerender_failed, prerender_item
    from assets.renditions import RenditionBusy

    item = {
        "run_id": run_id,
        "asset_id": asset_id,
        "partner_id": partner_id,
        "output_format": output_format,
    }
    try:
        return prerender_item(**item)
    except RenditionBusy as exc:
        # Another worker renders this key: give the worker back, look again later.
        if self.request.retries >= PRERENDER_BUSY_RETRIES:
            prerender_failed(**item, message=exc.message)
            return "failed"
        raise self.retry(
            exc=exc, countdown=PRERENDER_BUSY_COUNTDOWN, max_retries=PRERENDER_BUSY_RETRIES + 1
        ) from exc
    except PRERENDER_TRANSIENT_ERRORS as exc:
        if self.request.retries >= self.max_retries:
            prerender_failed(
                **item,
                message=f"Could not be rendered after {self.request.retries + 1} tries "
                f"({type(exc).__name__}).",
            )
            return "failed"
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc


# --- Kit ZIPs (assets/kit_bundle.py) ---------------------------------------------------


@app.task(
    bind=True,
    name="assets.kit_bundle_build",
    **{**PRERENDER_TASK_OPTIONS, "soft_time_limit": 600, "time_limit": 660},
)
def kit_bundle_build(self, bundle_id: int) -> str:
    """Build a partner's kit ZIP in the background (idempotent)."""
    from assets.kit_bundle import kit_bundle_build as build
    from assets.kit_bundle import kit_bundle_give_up
    from assets.models import KitBundle

    try:
        return build(bundle_id=bundle_id)
    except PRERENDER_TRANSIENT_ERRORS as exc:
        if self.request.retries >= self.max_retries:
            kit_bundle_give_up(
                bundle_id=bundle_id, message="The ZIP could not be prepared. Try again later."
            )
            return "failed"
        # Back in the queue for the retry to claim it.
        KitBundle.objects.filter(pk=bundle_id, status=KitBundle.Status.BUILDING).update(
            status=KitBundle.Status.PENDING
        )
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc
